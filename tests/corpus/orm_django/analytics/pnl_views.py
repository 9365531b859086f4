"""P&L views (Django): lookups from analytics' model into another owner's table."""
from .models import DailyPnl


def active_strategy_pnl():
    return DailyPnl.objects.filter(strategy__active=True).values("pnl")


def pnl_with_strategies():
    return DailyPnl.objects.select_related("strategy").all()


def own_rows():
    return DailyPnl.objects.filter(pnl__gt=0)


# expect: 6 BND107 public.strategy
# expect: 10 BND107 public.strategy
