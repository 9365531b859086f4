from django.db import migrations, models


def link_accounts(apps, schema_editor):
    Order = apps.get_model("ord", "Order")
    Account = apps.get_model("acct", "Account")
    for order in Order.objects.filter(account__isnull=True):
        order.account = Account.objects.filter(status="open").first()
        order.save()
    Account.objects.filter(status="").update(status="closed")


def count_each(apps, schema_editor):
    for label, name in [("acct", "Account"), ("mkt", "Quote")]:
        model = apps.get_model(label, name)
        model.objects.count()


class Migration(migrations.Migration):
    dependencies = [("ord", "0006_tags"), ("acct", "0003_balances")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="balance",
            field=models.ForeignKey(null=True, on_delete=models.SET_NULL, to="acct.balance"),
        ),
        migrations.RunPython(link_accounts, migrations.RunPython.noop),
        migrations.RunPython(count_each, migrations.RunPython.noop),
    ]


# expect: 8 BND100 tradingdb.accounts
# expect: 10 BND101 tradingdb.accounts
# expect: 15 BND105 {}
# expect: 26 BND102 tradingdb.balances
# expect: 10 BND108 tradingdb.accounts
