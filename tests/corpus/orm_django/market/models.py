"""Market data (Django)."""
from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Instrument(TimeStamped):
    symbol = models.CharField(max_length=32, unique=True)
    exchange = models.CharField(max_length=16)

    class Meta:
        db_table = "tradingdb.instruments"


class Quote(TimeStamped):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="quotes")
    price = models.DecimalField(max_digits=18, decimal_places=6)

    class Meta:
        db_table = '"tradingdb"."quotes"'


class Candle(models.Model):
    instrument = models.ForeignKey("Instrument", on_delete=models.CASCADE)
    close = models.DecimalField(max_digits=18, decimal_places=6)

    class Meta:
        db_table = "tradingdb.candles"


class ListedInstrument(Instrument):
    class Meta:
        proxy = True


class RegistryEntry(models.Model):
    isin = models.CharField(max_length=12)

    class Meta:
        db_table = 'public"."instrument_registry'
