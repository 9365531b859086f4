from django.db import migrations


def queue_welcome(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("INSERT INTO notify.outbox (account_id, kind) SELECT account_id, 'welcome' FROM tradingdb.accounts")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_tiers_not_atomic")]

    operations = [
        migrations.RunSQL("UPDATE tradingdb.accounts SET welcomed = true", migrations.RunSQL.noop),
        migrations.RunPython(queue_welcome, migrations.RunPython.noop),
    ]


# expect: 6 BND101 notify.outbox
# expect: 13 BND108 tradingdb.accounts
