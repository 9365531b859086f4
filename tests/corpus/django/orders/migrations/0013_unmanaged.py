from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0012_strategy_links")]

    operations = [
        migrations.CreateModel(
            name="Quote",
            fields=[("id", models.BigAutoField(primary_key=True)), ("price", models.DecimalField(max_digits=18, decimal_places=4))],
            options={"db_table": '"tradingdb"."quotes"', "managed": False},
        ),
        migrations.RunSQL(
            """
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                               WHERE table_schema = 'public' AND table_name = 'portfolio' AND column_name = 'order_count') THEN
                    ALTER TABLE public.portfolio ADD COLUMN order_count integer DEFAULT 0;
                END IF;
            END
            $$;
            """,
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL("GRANT SELECT ON tradingdb.orders TO analytics_ro"),
        migrations.RunSQL("REVOKE ALL ON tradingdb.quotes FROM orders_rw"),
    ]


# expect: 19 BND103 public.portfolio
# expect: 27 BND103 tradingdb.quotes
