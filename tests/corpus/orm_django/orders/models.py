"""Orders (Django): keys to other services' models, by class, by string and by setting."""
from django.conf import settings
from django.db import models

from orm_django.market.models import Instrument


class Order(models.Model):
    account = models.ForeignKey("acct.Account", on_delete=models.PROTECT)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT)
    strategy = models.ForeignKey("strat.Strategy", null=True, on_delete=models.SET_NULL)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    legacy_signal = models.ForeignKey("strat.Signal", null=True, on_delete=models.DO_NOTHING, db_constraint=False)
    status = models.CharField(max_length=16)

    class Meta:
        db_table = "tradingdb.orders"


class Fill(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="fills")
    qty = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        db_table = "tradingdb.fills"


class OrderTag(models.Model):
    orders = models.ManyToManyField(Order, related_name="tags")
    watchers = models.ManyToManyField("acct.User")
    label = models.CharField(max_length=32)

    class Meta:
        db_table = "orders.order_tags"


class InstrumentView(models.Model):
    symbol = models.CharField(max_length=32)

    class Meta:
        managed = False
        db_table = "tradingdb.instruments"


# expect: 9 BND102 tradingdb.accounts
# expect: 10 BND102 tradingdb.instruments
# expect: 11 BND102 public.strategy
# expect: 12 BND102 accounts.users
# expect: 30 BND102 accounts.users
# expect: 42 BND106 tradingdb.instruments
