"""Analytics' own table (Django), with a relation to a strategy it does not own."""
from django.db import models


class DailyPnl(models.Model):
    strategy = models.ForeignKey("strat.Strategy", on_delete=models.DO_NOTHING, db_constraint=False)
    pnl = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        db_table = "public.pnl_daily"
