# Cross-service database access in this module (owner: market_data; to be
# replaced by app/clients/market_data_service_client.py):
#   public.instrument_registry  read
"""Net positions per account, strategy and instrument, kept up to date from fills."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, List, Optional

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger(__name__)

OPEN_POSITIONS_SQL = """
SELECT p.id,
       p.strategy_id,
       p.tradingsymbol,
       p.exchange,
       p.product,
       p.quantity,
       p.average_price,
       p.last_price,
       p.unrealized_pnl,
       ir.lot_size,
       ir.tick_size,
       ir.instrument_type
FROM order_service.positions p
JOIN public.instrument_registry ir
  ON ir.instrument_token = p.instrument_token
WHERE p.trading_account_id = :trading_account_id
  AND p.quantity <> 0
ORDER BY p.tradingsymbol, p.strategy_id
"""

# Own table, unqualified: resolves to order_service.positions via search_path.
APPLY_FILL_SQL = """
INSERT INTO positions AS pos
    (trading_account_id, strategy_id, tradingsymbol, exchange, instrument_token, product,
     quantity, average_price, realized_pnl)
VALUES (:trading_account_id, :strategy_id, :tradingsymbol, :exchange, :instrument_token, :product,
        :signed_quantity, :price, :realized_pnl)
ON CONFLICT (trading_account_id, strategy_id, instrument_token, product) DO UPDATE SET
    quantity = EXCLUDED.quantity,
    average_price = EXCLUDED.average_price,
    realized_pnl = EXCLUDED.realized_pnl
RETURNING id
"""


@dataclass(frozen=True)
class Fill:
    """One executed trade, as the broker reports it."""

    trading_account_id: int
    strategy_id: int
    tradingsymbol: str
    exchange: str
    transaction_type: str  # BUY or SELL
    quantity: int
    price: Decimal
    product: str = "MIS"


def net_position(
    quantity: int, average_price: Decimal, realized_pnl: Decimal, fill_quantity: int, fill_price: Decimal
) -> "tuple[int, Decimal, Decimal]":
    """Apply a signed fill to a net position: (quantity, average price, realized P&L).

    >>> net_position(10, Decimal("100"), Decimal("0"), -4, Decimal("110"))
    (6, Decimal('100'), Decimal('40'))
    >>> net_position(0, Decimal("0"), Decimal("0"), 5, Decimal("20"))
    (5, Decimal('20'), Decimal('0'))
    """
    new_quantity = quantity + fill_quantity
    if quantity == 0 or (quantity > 0) == (fill_quantity > 0):
        # Opening or adding: weighted average price.
        total = average_price * abs(quantity) + fill_price * abs(fill_quantity)
        return new_quantity, total / abs(new_quantity), realized_pnl
    closed = min(abs(quantity), abs(fill_quantity))
    direction = 1 if quantity > 0 else -1
    realized_pnl += (fill_price - average_price) * closed * direction
    if new_quantity == 0:
        return 0, Decimal("0"), realized_pnl
    if (new_quantity > 0) == (quantity > 0):
        return new_quantity, average_price, realized_pnl
    return new_quantity, fill_price, realized_pnl  # flipped through zero


class PositionService:
    """Reads positions with their instrument details and applies fills to them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_open_positions(self, trading_account_id: int) -> List[Dict[str, Any]]:
        result = await self.session.execute(text(OPEN_POSITIONS_SQL), {"trading_account_id": trading_account_id})
        return [dict(row) for row in result.mappings()]

    async def resolve_instrument_token(self, tradingsymbol: str, exchange: str) -> Optional[int]:
        """The instrument token for a symbol, or None when the registry does not know it."""
        token = (
            await self.session.execute(
                text(
                    "SELECT instrument_token FROM public.instrument_registry "
                    "WHERE tradingsymbol = :tradingsymbol AND exchange = :exchange"
                ),
                {"tradingsymbol": tradingsymbol, "exchange": exchange},
            )
        ).scalar()
        return int(token) if token is not None else None

    async def apply_fill(self, fill: Fill) -> int:
        """Fold one fill into the net position; returns the position id."""
        token = await self.resolve_instrument_token(fill.tradingsymbol, fill.exchange)
        if token is None:
            raise LookupError(f"unknown instrument {fill.exchange}:{fill.tradingsymbol}")
        current = (
            await self.session.execute(
                text(
                    """
                    SELECT quantity, average_price, realized_pnl
                    FROM positions
                    WHERE trading_account_id = :trading_account_id
                      AND strategy_id = :strategy_id
                      AND instrument_token = :instrument_token
                      AND product = :product
                    FOR UPDATE
                    """
                ),
                {
                    "trading_account_id": fill.trading_account_id,
                    "strategy_id": fill.strategy_id,
                    "instrument_token": token,
                    "product": fill.product,
                },
            )
        ).mappings().first()
        signed = fill.quantity if fill.transaction_type == "BUY" else -fill.quantity
        quantity, average_price, realized = (0, Decimal("0"), Decimal("0"))
        if current:
            quantity, average_price, realized = current["quantity"], current["average_price"], current["realized_pnl"]
        quantity, average_price, realized = net_position(quantity, average_price, realized, signed, fill.price)
        position_id = (
            await self.session.execute(
                text(APPLY_FILL_SQL),
                {
                    "trading_account_id": fill.trading_account_id,
                    "strategy_id": fill.strategy_id,
                    "tradingsymbol": fill.tradingsymbol,
                    "exchange": fill.exchange,
                    "instrument_token": token,
                    "product": fill.product,
                    "signed_quantity": quantity,
                    "price": average_price,
                    "realized_pnl": realized,
                },
            )
        ).scalar_one()
        return int(position_id)

    async def mark_to_market(self, trading_account_id: int, last_prices: Dict[int, Decimal]) -> int:
        """Set last price and unrealized P&L from a token -> price map; returns rows updated."""
        updated = 0
        for token, last_price in last_prices.items():
            result = await self.session.execute(
                text(
                    """
                    UPDATE order_service.positions
                    SET last_price = :last_price,
                        unrealized_pnl = (:last_price - average_price) * quantity
                    WHERE trading_account_id = :trading_account_id AND instrument_token = :token
                    """
                ),
                {"last_price": last_price, "trading_account_id": trading_account_id, "token": token},
            )
            updated += result.rowcount
        return updated
