"""Analytics dashboards (Django ORM): aggregates over other services' models."""
from django.db.models import Count, F, Max, Min, Sum
from django.db.models.functions import TruncDay

from orm_django.accounts.models import Account, Balance
from orm_django.market.models import Candle, Instrument, Quote
from orm_django.orders.models import Fill, Order, OrderTag
from orm_django.strategies.models import Portfolio, Signal, Strategy, StrategyPortfolio


def daily_fills():
    return Fill.objects.annotate(day=TruncDay("order__id")).values("day").annotate(n=Count("id"))


def volume_by_account():
    return Fill.objects.values("order__account_id").annotate(qty=Sum("qty"))


def top_accounts(limit=10):
    return Account.objects.annotate(n=Count("order")).order_by("-n")[:limit]


def cash_total():
    return Balance.objects.aggregate(total=Sum("cash"))


def price_range(instrument_id):
    return Quote.objects.filter(instrument_id=instrument_id).aggregate(lo=Min("price"), hi=Max("price"))


def instruments():
    return list(Instrument.objects.order_by("symbol"))


def candle_closes(symbol):
    return Candle.objects.filter(instrument__symbol=symbol).values_list("close", flat=True)


def strategy_weights():
    return StrategyPortfolio.objects.select_related("strategy", "portfolio")


def portfolio_names():
    return Portfolio.objects.values_list("name", flat=True)


def signals_per_strategy():
    return Strategy.objects.annotate(n=Count("signals")).values("name", "n")


def signal_sides():
    return Signal.objects.values("side").annotate(n=Count("id"))


def tag_labels():
    return OrderTag.objects.values_list("label", flat=True).distinct()


def busy_strategies():
    return Order.objects.values("strategy__name").annotate(n=Count("id"))


def mark_reviewed(strategy_id):
    Strategy.objects.filter(pk=strategy_id).update(name=F("name"))


def fill_exists(order_id):
    return Fill.objects.filter(order_id=order_id).exists()


def first_and_last():
    return Quote.objects.earliest("created_at"), Quote.objects.latest("created_at")


# expect: 16 BND100 tradingdb.orders
# expect: 20 BND100 tradingdb.accounts
# expect: 20 BND100 tradingdb.orders
# expect: 24 BND100 tradingdb.balances
# expect: 28 BND100 tradingdb.quotes
# expect: 32 BND100 tradingdb.instruments
# expect: 36 BND100 tradingdb.candles
# expect: 36 BND100 tradingdb.instruments
# expect: 40 BND100 public.strategy_portfolio
# expect: 40 BND100 public.portfolio
# expect: 44 BND100 public.portfolio
# expect: 48 BND100 tradingdb.signals
# expect: 52 BND100 tradingdb.signals
# expect: 56 BND100 orders.order_tags
# expect: 60 BND100 tradingdb.orders
# expect: 64 BND101 public.strategy
# expect: 72 BND100 tradingdb.quotes
