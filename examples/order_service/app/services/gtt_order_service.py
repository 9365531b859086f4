# Cross-service database access in this module: none (order_service.gtt_orders
# and order_service.orders only).
"""Good-till-triggered orders: price triggers the broker keeps until they fire."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import GttOrder

CREATE_GTT_SQL = """
INSERT INTO gtt_orders
    (trading_account_id, strategy_id, tradingsymbol, exchange, instrument_token,
     trigger_type, trigger_values, last_price, orders, expires_at)
VALUES
    (:trading_account_id, :strategy_id, :tradingsymbol, :exchange, :instrument_token,
     :trigger_type, CAST(:trigger_values AS JSONB), :last_price, CAST(:orders AS JSONB), :expires_at)
RETURNING id
"""


def trigger_type_for(trigger_values: Sequence[Decimal]) -> str:
    """``single`` for one trigger price, ``two-leg`` (stop-loss + target) for two.

    >>> trigger_type_for([Decimal("100")]), trigger_type_for([Decimal("90"), Decimal("120")])
    ('single', 'two-leg')
    """
    if len(trigger_values) == 1:
        return "single"
    if len(trigger_values) == 2:
        return "two-leg"
    raise ValueError("a GTT has one or two trigger prices")


class GttOrderService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create_gtt(
        self,
        *,
        trading_account_id: int,
        tradingsymbol: str,
        exchange: str,
        instrument_token: int,
        trigger_values: Sequence[Decimal],
        last_price: Decimal,
        orders: List[Dict[str, Any]],
        strategy_id: Optional[int] = None,
        expires_at: Optional[dt.datetime] = None,
    ) -> int:
        """Store a new active GTT; returns its id."""
        gtt_id = (
            await self.session.execute(
                text(CREATE_GTT_SQL),
                {
                    "trading_account_id": trading_account_id,
                    "strategy_id": strategy_id,
                    "tradingsymbol": tradingsymbol,
                    "exchange": exchange,
                    "instrument_token": instrument_token,
                    "trigger_type": trigger_type_for(trigger_values),
                    "trigger_values": json.dumps([str(v) for v in trigger_values]),
                    "last_price": last_price,
                    "orders": json.dumps(orders),
                    "expires_at": expires_at,
                },
            )
        ).scalar_one()
        return int(gtt_id)

    async def active_gtts(self, trading_account_id: int) -> List[GttOrder]:
        result = await self.session.execute(
            select(GttOrder)
            .where(GttOrder.trading_account_id == trading_account_id, GttOrder.status == "active")
            .order_by(GttOrder.id)
        )
        return list(result.scalars())

    async def mark_triggered(self, gtt_id: int, parent_order_id: uuid.UUID) -> bool:
        """Record that the GTT fired and which order it placed."""
        result = await self.session.execute(
            update(GttOrder)
            .where(GttOrder.id == gtt_id, GttOrder.status == "active")
            .values(status="triggered", parent_order_id=parent_order_id)
        )
        return result.rowcount == 1

    async def expire_due(self, now: dt.datetime) -> int:
        """Expire every active GTT whose expiry has passed; returns how many."""
        result = await self.session.execute(
            text(
                "UPDATE order_service.gtt_orders SET status = 'expired' "
                "WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= :now"
            ),
            {"now": now},
        )
        return result.rowcount
