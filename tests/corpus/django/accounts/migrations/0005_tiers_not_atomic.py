from django.db import migrations


class Migration(migrations.Migration):
    atomic = False  # each operation commits on its own: no transaction spans the two writes
    dependencies = [("accounts", "0004_sessions")]

    operations = [
        migrations.RunSQL("UPDATE tradingdb.accounts SET tier = 'basic' WHERE tier IS NULL"),
        migrations.RunSQL("UPDATE public.portfolio SET tier = 'basic' WHERE tier IS NULL"),
    ]


# expect: 10 BND101 public.portfolio
