# Cross-service database access in this module:
#   public.strategy_pnl_metrics  read, write  (owner: analytics; use app/clients/analytics_service_client.py)
#   public.strategy              write        (owner: algo_engine; use app/clients/strategy_service_client.py)
"""Daily P&L of a strategy, computed from the order service's own trades and positions.

The day's realized P&L is the day's cash flow (sells minus buys minus
charges); unrealized P&L is the strategy's open positions marked to market.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger(__name__)

PREVIOUS_CUMULATIVE_PNL_SQL = """
SELECT cumulative_pnl
FROM public.strategy_pnl_metrics
WHERE strategy_id = :strategy_id
  AND metric_date < :before_date
ORDER BY metric_date DESC
LIMIT 1
"""

UPSERT_PNL_METRICS_SQL = """
INSERT INTO public.strategy_pnl_metrics
    (strategy_id, metric_date, day_pnl, cumulative_pnl, realized_pnl, unrealized_pnl, trade_count, updated_at)
VALUES (:strategy_id, :metric_date, :day_pnl, :cumulative_pnl, :realized_pnl, :unrealized_pnl, :trade_count, NOW())
ON CONFLICT (strategy_id, metric_date) DO UPDATE SET
    day_pnl = EXCLUDED.day_pnl,
    cumulative_pnl = EXCLUDED.cumulative_pnl,
    realized_pnl = EXCLUDED.realized_pnl,
    unrealized_pnl = EXCLUDED.unrealized_pnl,
    trade_count = EXCLUDED.trade_count,
    updated_at = NOW()
"""

SYNC_STRATEGY_PNL_SQL = "UPDATE public.strategy SET total_pnl = :pnl, updated_at = NOW() WHERE strategy_id = :id"

DAY_TRADES_SQL = """
SELECT COALESCE(SUM(CASE WHEN transaction_type = 'SELL' THEN quantity * price ELSE -quantity * price END), 0)
           - COALESCE(SUM(charges), 0) AS cash_flow,
       COUNT(*) AS trade_count
FROM order_service.trades
WHERE strategy_id = :strategy_id
  AND traded_at >= CAST(:metric_date AS DATE)
  AND traded_at < CAST(:metric_date AS DATE) + 1
"""


@dataclass(frozen=True)
class PnlMetrics:
    strategy_id: int
    metric_date: dt.date
    day_pnl: Decimal
    cumulative_pnl: Decimal
    realized_pnl: Decimal
    unrealized_pnl: Decimal
    trade_count: int


class PnlService:
    """Computes a strategy's daily P&L and stores it where the dashboards read it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_previous_cumulative_pnl(self, strategy_id: int, before_date: dt.date) -> Decimal:
        """Cumulative P&L of the latest stored day before ``before_date`` (0 if none)."""
        value = (
            await self.session.execute(
                text(PREVIOUS_CUMULATIVE_PNL_SQL), {"strategy_id": strategy_id, "before_date": before_date}
            )
        ).scalar()
        return Decimal(value) if value is not None else Decimal("0")

    async def calculate_day(self, strategy_id: int, metric_date: dt.date) -> PnlMetrics:
        """The strategy's P&L for ``metric_date`` from trades and open positions."""
        day = (
            await self.session.execute(
                text(DAY_TRADES_SQL), {"strategy_id": strategy_id, "metric_date": metric_date}
            )
        ).mappings().one()
        unrealized = (
            await self.session.execute(
                text(
                    "SELECT COALESCE(SUM(unrealized_pnl), 0) FROM positions "
                    "WHERE strategy_id = :strategy_id AND quantity <> 0"
                ),
                {"strategy_id": strategy_id},
            )
        ).scalar_one()
        realized = Decimal(day["cash_flow"])
        unrealized = Decimal(unrealized)
        day_pnl = realized + unrealized
        previous = await self.get_previous_cumulative_pnl(strategy_id, metric_date)
        return PnlMetrics(
            strategy_id=strategy_id,
            metric_date=metric_date,
            day_pnl=day_pnl,
            cumulative_pnl=previous + day_pnl,
            realized_pnl=realized,
            unrealized_pnl=unrealized,
            trade_count=int(day["trade_count"]),
        )

    async def calculate_and_store_pnl_metrics(self, strategy_id: int, metric_date: dt.date) -> PnlMetrics:
        """Compute the day's P&L, upsert it, and sync the strategy's total P&L."""
        metrics = await self.calculate_day(strategy_id, metric_date)
        await self.session.execute(
            text(UPSERT_PNL_METRICS_SQL),
            {
                "strategy_id": metrics.strategy_id,
                "metric_date": metrics.metric_date,
                "day_pnl": metrics.day_pnl,
                "cumulative_pnl": metrics.cumulative_pnl,
                "realized_pnl": metrics.realized_pnl,
                "unrealized_pnl": metrics.unrealized_pnl,
                "trade_count": metrics.trade_count,
            },
        )
        await self.session.execute(
            text(SYNC_STRATEGY_PNL_SQL), {"pnl": metrics.cumulative_pnl, "id": strategy_id}
        )
        logger.info(
            "Stored P&L for strategy %s on %s: day %s, cumulative %s (public.strategy_pnl_metrics)",
            strategy_id, metric_date, metrics.day_pnl, metrics.cumulative_pnl,
        )
        return metrics

    async def get_max_drawdown(self, strategy_id: int) -> Decimal:
        """Largest fall of cumulative P&L from a previous peak (0 or negative)."""
        value = (
            await self.session.execute(
                text(
                    """
                    WITH curve AS (
                        SELECT metric_date,
                               cumulative_pnl,
                               MAX(cumulative_pnl) OVER (ORDER BY metric_date) AS peak
                        FROM public.strategy_pnl_metrics
                        WHERE strategy_id = :strategy_id
                    )
                    SELECT COALESCE(MIN(cumulative_pnl - peak), 0) FROM curve
                    """
                ),
                {"strategy_id": strategy_id},
            )
        ).scalar_one()
        return Decimal(value)
