"""Django models of the order service; unmanaged models over other services' tables."""
from django.db import models


class Order(models.Model):
    account_id = models.BigIntegerField()
    strategy = models.ForeignKey("strategies.Strategy", on_delete=models.DO_NOTHING, db_constraint=False)
    status = models.CharField(max_length=16)

    class Meta:
        db_table = '"tradingdb"."orders"'


class Strategy(models.Model):
    name = models.CharField(max_length=200)

    class Meta:
        managed = False
        db_table = '"public"."strategy"'


class Account(models.Model):
    status = models.CharField(max_length=16)

    class Meta:
        managed = False
        db_table = "tradingdb.accounts"


class Instrument(models.Model):
    symbol = models.CharField(max_length=32)

    class Meta:
        managed = False
        db_table = "instruments"


class OrderNote(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField()

    class Meta:
        db_table = "order_notes"
        ordering = ["-id"]


class Candle(models.Model):
    close = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        managed = False
        db_table = '"tradingdb"."candles"'
        verbose_name = "Select candles from the market feed"


# expect: 19 BND106 public.strategy
# expect: 27 BND106 tradingdb.accounts
# expect: 35 BND106 tradingdb.instruments
# expect: 52 BND106 tradingdb.candles
