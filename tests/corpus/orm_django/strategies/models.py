"""Strategies (Django): a custom manager, a through model, keys to other services."""
from django.db import models


class ActiveManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(active=True)


class Strategy(models.Model):
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    owner = models.ForeignKey("acct.User", on_delete=models.PROTECT)

    objects = models.Manager()
    active_ones = ActiveManager()

    class Meta:
        db_table = '"public"."strategy"'


class Portfolio(models.Model):
    name = models.CharField(max_length=100)
    strategies = models.ManyToManyField(Strategy, through="StrategyPortfolio")

    class Meta:
        db_table = "public.portfolio"


class StrategyPortfolio(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE)
    weight = models.FloatField(default=0)

    class Meta:
        db_table = "public.strategy_portfolio"


class Signal(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="signals")
    instrument = models.ForeignKey("mkt.Instrument", on_delete=models.PROTECT)
    side = models.CharField(max_length=4)

    class Meta:
        db_table = "tradingdb.signals"


class Backtest(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE)
    sharpe = models.FloatField(null=True)

    class Meta:
        db_table = "public.backtests"


def deactivate(strategy_id):
    Strategy.objects.filter(pk=strategy_id).update(active=False)
    StrategyPortfolio.objects.filter(strategy_id=strategy_id).delete()
    for signal in Signal.objects.filter(strategy_id=strategy_id).select_related("instrument"):
        signal.delete()


# expect: 13 BND102 accounts.users
# expect: 41 BND102 tradingdb.instruments
# expect: 59 BND100 tradingdb.instruments
