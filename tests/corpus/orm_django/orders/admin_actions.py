"""Admin actions of the order service (Django ORM)."""
from django.db import transaction
from django.db.models import F

from orm_django.accounts import models as acct
from orm_django.market.models import Quote
from orm_django.strategies.models import Backtest, Portfolio, StrategyPortfolio


@transaction.atomic
def freeze_accounts(modeladmin, request, queryset):
    ids = list(queryset.values_list("account_id", flat=True))
    acct.Account.objects.filter(pk__in=ids).update(status="frozen")
    acct.Balance.objects.filter(account_id__in=ids).update(reserved=F("cash"))


def reset_weights(portfolio_id):
    StrategyPortfolio.objects.filter(portfolio_id=portfolio_id).update(weight=0)


def portfolio_names():
    return {p.id: p.name for p in Portfolio.objects.only("id", "name")}


def clone_backtest(pk):
    backtest = Backtest.objects.get(pk=pk)
    backtest.pk = None
    backtest.save()


def quote_ids(limit):
    return list(Quote.objects.values_list("id", flat=True)[:limit])


def drop_quotes(before):
    Quote.objects.filter(created_at__lt=before).delete()


def bulk_weights(rows):
    StrategyPortfolio.objects.bulk_update(rows, ["weight"])


# expect: 13 BND101 tradingdb.accounts
# expect: 14 BND101 tradingdb.balances
# expect: 18 BND101 public.strategy_portfolio
# expect: 22 BND100 public.portfolio
# expect: 26 BND100 public.backtests
# expect: 28 BND101 public.backtests
# expect: 32 BND100 tradingdb.quotes
# expect: 36 BND101 tradingdb.quotes
# expect: 40 BND101 public.strategy_portfolio
