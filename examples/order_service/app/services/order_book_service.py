# Cross-service database access in this module: none. Orders and trades are
# order_service tables; the trading account comes from
# user_service.v_trading_accounts, a view user_service grants us (may_read).
"""Placing orders, recording their fills, and reporting on them.

Strategy ids are checked through the algo engine API (orders.strategy_id used
to be a foreign key into the algo engine's tables; migration 007 dropped it).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, List, Optional

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.clients.strategy_service_client import StrategyServiceClient

logger = logging.getLogger(__name__)

ORDER_COLUMNS = (
    "id, trading_account_id, strategy_id, tradingsymbol, exchange, transaction_type, "
    "order_type, product, quantity, price, status, filled_quantity, average_price, created_at"
)

INSERT_ORDER_SQL = """
INSERT INTO orders
    (trading_account_id, strategy_id, idempotency_key, tradingsymbol, exchange, instrument_token,
     transaction_type, order_type, product, quantity, price, trigger_price)
VALUES
    (:trading_account_id, :strategy_id, :idempotency_key, :tradingsymbol, :exchange, :instrument_token,
     :transaction_type, :order_type, :product, :quantity, :price, :trigger_price)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id
"""

# The CTE is called "strategy"; the statement reads only order_service.orders.
STRATEGY_ORDER_SUMMARY_SQL = """
WITH strategy AS (
    SELECT o.strategy_id,
           COUNT(*) AS order_count,
           SUM(o.quantity * COALESCE(o.average_price, o.price, 0)) AS notional
    FROM order_service.orders o
    WHERE o.trading_account_id = :trading_account_id
      AND o.status <> 'REJECTED'
    GROUP BY o.strategy_id
)
SELECT strategy_id, order_count, notional
FROM strategy
ORDER BY strategy_id
"""


class OrderRejected(ValueError):
    """The order failed validation and was not stored."""


@dataclass(frozen=True)
class OrderRequest:
    trading_account_id: int
    tradingsymbol: str
    exchange: str
    transaction_type: str
    quantity: int
    order_type: str = "MARKET"
    product: str = "MIS"
    price: Optional[Decimal] = None
    trigger_price: Optional[Decimal] = None
    strategy_id: Optional[int] = None
    instrument_token: Optional[int] = None
    idempotency_key: Optional[str] = None


class OrderBookService:
    """The order service's own order book.

    Args:
        session: the order service's database session.
        strategy_client: validates strategy ids; when None, orders with a
            strategy id are rejected (there is no database check any more).
    """

    def __init__(self, session: AsyncSession, strategy_client: Optional[StrategyServiceClient] = None) -> None:
        self.session = session
        self.strategy_client = strategy_client

    async def _active_trading_account(self, trading_account_id: int) -> bool:
        status = (
            await self.session.execute(
                text("SELECT status FROM user_service.v_trading_accounts WHERE trading_account_id = :id"),
                {"id": trading_account_id},
            )
        ).scalar()
        return status == "active"

    async def place_order(self, request: OrderRequest) -> uuid.UUID:
        """Validate and store a new order; returns its id (the existing one on a replay)."""
        if request.order_type in ("LIMIT", "SL") and request.price is None:
            raise OrderRejected(f"{request.order_type} orders need a price")
        if not await self._active_trading_account(request.trading_account_id):
            raise OrderRejected(f"trading account {request.trading_account_id} is not active")
        if request.strategy_id is not None:
            # Was enforced by fk_orders_strategy_id -> public.strategies(id) until migration 007.
            if self.strategy_client is None:
                raise OrderRejected("strategy_id is validated by the algo engine API, not public.strategy")
            if not await self.strategy_client.validate_strategy(request.strategy_id):
                raise OrderRejected(f"strategy {request.strategy_id} is not valid")
        params = {
            "trading_account_id": request.trading_account_id,
            "strategy_id": request.strategy_id,
            "idempotency_key": request.idempotency_key or uuid.uuid4().hex,
            "tradingsymbol": request.tradingsymbol,
            "exchange": request.exchange,
            "instrument_token": request.instrument_token,
            "transaction_type": request.transaction_type,
            "order_type": request.order_type,
            "product": request.product,
            "quantity": request.quantity,
            "price": request.price,
            "trigger_price": request.trigger_price,
        }
        order_id = (await self.session.execute(text(INSERT_ORDER_SQL), params)).scalar()
        if order_id is None:  # replayed idempotency key
            order_id = (
                await self.session.execute(
                    text("SELECT id FROM orders WHERE idempotency_key = :key"), {"key": params["idempotency_key"]}
                )
            ).scalar_one()
        logger.info(
            "Order %s placed for strategy %s (no longer checked against public.strategy)",
            order_id, request.strategy_id,
        )
        return order_id

    async def get_order(self, order_id: uuid.UUID) -> Optional[Dict[str, Any]]:
        result = await self.session.execute(
            text(f"SELECT {ORDER_COLUMNS} FROM order_service.orders WHERE id = CAST(:order_id AS UUID)"),
            {"order_id": str(order_id)},
        )
        row = result.mappings().first()
        return dict(row) if row else None

    async def list_orders(
        self, trading_account_id: int, *, status: Optional[str] = None, strategy_id: Optional[int] = None, limit: int = 100
    ) -> List[Dict[str, Any]]:
        """The account's orders, newest first, optionally by status and strategy."""
        conditions = ["trading_account_id = :trading_account_id"]
        params: Dict[str, Any] = {"trading_account_id": trading_account_id, "limit": limit}
        if status is not None:
            conditions.append("status = :status")
            params["status"] = status
        if strategy_id is not None:
            conditions.append("strategy_id = :strategy_id")
            params["strategy_id"] = strategy_id
        where = " AND ".join(conditions)
        result = await self.session.execute(
            text(f"SELECT {ORDER_COLUMNS} FROM order_service.orders WHERE {where} ORDER BY created_at DESC LIMIT :limit"),
            params,
        )
        return [dict(row) for row in result.mappings()]

    async def record_trade(
        self, order_id: uuid.UUID, *, broker_trade_id: str, quantity: int, price: Decimal, charges: Decimal = Decimal("0")
    ) -> int:
        """Store a fill and roll it up into the order; returns the trade id."""
        order = await self.get_order(order_id)
        if order is None:
            raise LookupError(f"order {order_id} does not exist")
        trade_id = (
            await self.session.execute(
                text(
                    """
                    INSERT INTO trades
                        (order_id, trading_account_id, strategy_id, broker_trade_id, tradingsymbol, exchange,
                         instrument_token, transaction_type, quantity, price, charges)
                    SELECT o.id, o.trading_account_id, o.strategy_id, :broker_trade_id, o.tradingsymbol,
                           o.exchange, COALESCE(o.instrument_token, 0), o.transaction_type, :quantity, :price, :charges
                    FROM orders o
                    WHERE o.id = CAST(:order_id AS UUID)
                    RETURNING id
                    """
                ),
                {
                    "order_id": str(order_id),
                    "broker_trade_id": broker_trade_id,
                    "quantity": quantity,
                    "price": price,
                    "charges": charges,
                },
            )
        ).scalar_one()
        # Roll the fills up into orders.filled_quantity / average_price.
        await self.session.execute(
            text(
                """
                UPDATE orders o
                SET filled_quantity = t.filled,
                    average_price = t.avg_price,
                    status = CASE WHEN t.filled >= o.quantity THEN 'COMPLETE' ELSE 'OPEN' END
                FROM (
                    SELECT order_id, SUM(quantity) AS filled, SUM(quantity * price) / SUM(quantity) AS avg_price
                    FROM trades
                    WHERE order_id = CAST(:order_id AS UUID)
                    GROUP BY order_id
                ) t
                WHERE o.id = t.order_id
                """
            ),
            {"order_id": str(order_id)},
        )
        return int(trade_id)

    async def cancel_order(self, order_id: uuid.UUID, reason: str = "cancelled by user") -> bool:
        """Cancel an order that has not completed; False if it could not be cancelled."""
        result = await self.session.execute(
            text(
                "UPDATE order_service.orders SET status = 'CANCELLED', status_message = :reason "
                "WHERE id = CAST(:order_id AS UUID) AND status IN ('PENDING', 'OPEN')"
            ),
            {"order_id": str(order_id), "reason": reason},
        )
        return result.rowcount == 1

    async def strategy_order_summary(self, trading_account_id: int) -> List[Dict[str, Any]]:
        """Order count and notional per strategy of an account."""
        result = await self.session.execute(
            text(STRATEGY_ORDER_SUMMARY_SQL), {"trading_account_id": trading_account_id}
        )
        return [dict(row) for row in result.mappings()]
