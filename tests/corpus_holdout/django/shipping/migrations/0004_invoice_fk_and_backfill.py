from django.db import migrations


def forwards(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO carriers (code, name) VALUES ('dhl', 'DHL Express') ON CONFLICT (code) DO NOTHING"
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM core.organizations WHERE country_code = 'DE'")
        german_orgs = [row[0] for row in cursor.fetchall()]
    Carrier = apps.get_model("shipping", "Carrier")
    Carrier.objects.filter(code="dhl").update(name=f"DHL ({len(german_orgs)} orgs)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("shipping", "0003_carrier_code")]

    operations = [
        migrations.RunSQL(
            sql="""
                ALTER TABLE core.shipments
                    ADD CONSTRAINT shipments_invoice_fk
                    FOREIGN KEY (invoice_id) REFERENCES core.invoices (id) NOT VALID;
            """,
            reverse_sql="ALTER TABLE core.shipments DROP CONSTRAINT shipments_invoice_fk;",
        ),
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_stock_levels_in_transit "
            "ON core.stock_levels (in_transit) WHERE in_transit > 0",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            [("UPDATE core.accounts SET preferred_carrier = %s WHERE preferred_carrier IS NULL", ["dhl"])],
            migrations.RunSQL.noop,
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]


# expect: 9 BND100 core.organizations
# expect: 25 BND102 core.invoices
# expect: 31 BND103 core.stock_levels
# expect: 35 BND101 core.accounts
