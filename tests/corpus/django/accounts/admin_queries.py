"""Accounts service (Django): extra(), RunPython with schema_editor, callproc, raw with params."""
from django.db import connection, migrations
from django.db.models import Count

from .models import Account


def with_extra():
    return Account.objects.extra(
        select={"open_orders": "SELECT count(*) FROM tradingdb.orders o WHERE o.account_id = accounts_account.id"},
        tables=["tradingdb.balances"],
        where=["tradingdb.balances.account_id = accounts_account.id"],
    )


def foreign_extra():
    return Account.objects.extra(tables=["public.portfolio"], where=["portfolio.account_id = accounts_account.id"])


def forwards(apps, schema_editor):
    schema_editor.execute("UPDATE public.strategy SET owner_checked = true")
    schema_editor.execute("ALTER TABLE accounts.users ADD COLUMN IF NOT EXISTS locale text")


def backwards(apps, schema_editor):
    schema_editor.execute("ALTER TABLE tradingdb.quotes DROP COLUMN IF EXISTS account_hint")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0031_users_locale")]
    operations = [migrations.RunPython(forwards, backwards)]


def procedures():
    with connection.cursor() as cursor:
        cursor.callproc("tradingdb.recompute_balances", [1])
        cursor.execute("CALL tradingdb.recompute_balances(%s)", [1])
        cursor.execute("SELECT tradingdb.balance_of(%s)", [1])


def raw_params(min_cash):
    return Account.objects.raw(
        "SELECT a.id, b.cash FROM accounts_account a JOIN tradingdb.orders o ON o.account_id = a.id WHERE o.qty > %(q)s",
        params={"q": min_cash},
        translations={"cash": "balance"},
    )


def annotate_only():
    return Account.objects.annotate(n=Count("id")).values("status")


# expect: 10 BND100 tradingdb.orders
# expect: 17 BND100 public.portfolio
# expect: 21 BND101 public.strategy
# expect: 26 BND103 tradingdb.quotes
# expect: 43 BND100 tradingdb.orders
