from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0011_order_notes")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="signal_id",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunSQL(
            sql="""
                ALTER TABLE tradingdb.orders
                    ADD CONSTRAINT fk_orders_signal
                    FOREIGN KEY (signal_id) REFERENCES tradingdb.signals (signal_id)
            """,
            reverse_sql="ALTER TABLE tradingdb.orders DROP CONSTRAINT fk_orders_signal",
        ),
        migrations.RunSQL(
            [
                "CREATE INDEX IF NOT EXISTS ix_orders_signal ON tradingdb.orders (signal_id)",
                "COMMENT ON TABLE public.strategy IS 'see orders.signal_id'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "INSERT INTO tradingdb.order_events (kind) SELECT 'migrated' FROM tradingdb.signals LIMIT 1",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            sql=[("UPDATE public.portfolio SET migrated = true WHERE id = %s", [1])],
            reverse_sql=[("UPDATE public.portfolio SET migrated = false WHERE id = %s", [1])],
        ),
    ]


# expect: 17 BND102 tradingdb.signals
# expect: 24 BND103 public.strategy
# expect: 29 BND100 tradingdb.signals
# expect: 33 BND101 public.portfolio
# expect: 34 BND101 public.portfolio
# expect: 33 BND108 public.portfolio
