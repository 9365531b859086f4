"""Analytics (Django): granted reads, and what is not granted."""
from django.db.models import Avg, Count

from orm_django.orders.models import Fill, Order
from orm_django.strategies.models import Backtest, Strategy


def fills_per_order():
    return Fill.objects.values("order_id").annotate(n=Count("id"))


def strategy_table():
    return list(Strategy.objects.values("id", "name"))


def order_statuses():
    return Order.objects.values("status").annotate(n=Count("id"))


def sharpe_by_strategy():
    return Backtest.objects.values("strategy__name").annotate(avg=Avg("sharpe"))


def fills_with_orders():
    return Fill.objects.select_related("order").all()


def prune_backtests():
    Backtest.objects.filter(sharpe__isnull=True).delete()


# expect: 17 BND100 tradingdb.orders
# expect: 21 BND100 public.backtests
# expect: 25 BND100 tradingdb.orders
# expect: 29 BND101 public.backtests
