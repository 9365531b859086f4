# Cross-service database access in this module (owner: algo_engine; to be
# replaced by app/clients/strategy_service_client.py):
#   public.strategy            read
#   public.strategy_portfolio  read
#   public.portfolio           read
"""Instructions for moving open positions from one strategy to another.

When a strategy is retired or merged, its open positions are re-booked on
another strategy of the same account without trading: the generator says
which quantity of which instrument moves from which strategy/portfolio to
which, and ``apply`` re-books them in the order service's positions table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.clients.base import ServiceClientError
from app.clients.strategy_service_client import StrategyServiceClient

logger = logging.getLogger(__name__)

STRATEGY_LOOKUP_SQL = "SELECT strategy_id, name, status, trading_account_id FROM public.strategy WHERE strategy_id = :strategy_id"

STRATEGY_PORTFOLIOS_SQL = """
SELECT sp.portfolio_id,
       p.name AS portfolio_name,
       sp.allocation_pct
FROM public.strategy_portfolio sp
JOIN public.portfolio p ON p.portfolio_id = sp.portfolio_id
WHERE sp.strategy_id = :strategy_id
ORDER BY sp.allocation_pct DESC, sp.portfolio_id
"""

OPEN_POSITIONS_OF_STRATEGY_SQL = """
SELECT id, trading_account_id, tradingsymbol, exchange, instrument_token, product, quantity, average_price
FROM order_service.positions
WHERE strategy_id = (:strategy_id)::bigint AND quantity <> 0
ORDER BY tradingsymbol, product
"""


class TransferError(ValueError):
    """The transfer cannot be done (unknown strategy, different accounts, ...)."""


@dataclass(frozen=True)
class TransferInstruction:
    position_id: int
    tradingsymbol: str
    exchange: str
    instrument_token: int
    product: str
    quantity: int
    from_strategy_id: int
    to_strategy_id: int
    from_portfolio_id: Optional[int]
    to_portfolio_id: Optional[int]


class TransferInstructionGenerator:
    """Plans and applies the re-booking of positions between two strategies.

    Args:
        session: the order service's database session.
        strategy_client: when given, strategies are looked up through the algo
            engine API first and the database only when the API fails.
    """

    def __init__(self, session: AsyncSession, strategy_client: Optional[StrategyServiceClient] = None) -> None:
        self.session = session
        self.strategy_client = strategy_client

    async def get_strategy_info(self, strategy_id: int) -> Optional[Dict[str, Any]]:
        """The strategy (id, name, status, account) or None when it does not exist."""
        if self.strategy_client is not None:
            try:
                return await self.strategy_client.get_strategy(strategy_id)
            except ServiceClientError as exc:
                logger.warning("Strategy API failed for %s: %s; falling back to public.strategy", strategy_id, exc)
        # Fallback: direct read, kept until the API has proven reliable.
        result = await self.session.execute(text(STRATEGY_LOOKUP_SQL), {"strategy_id": strategy_id})
        row = result.mappings().first()
        return dict(row) if row else None

    async def get_primary_portfolio_id(self, strategy_id: int) -> Optional[int]:
        """The portfolio with the largest allocation of the strategy, if any."""
        result = await self.session.execute(text(STRATEGY_PORTFOLIOS_SQL), {"strategy_id": strategy_id})
        rows: List[Any] = list(result.mappings())
        return int(rows[0]["portfolio_id"]) if rows else None

    async def generate(self, from_strategy_id: int, to_strategy_id: int) -> List[TransferInstruction]:
        """One instruction per open position of ``from_strategy_id``."""
        if from_strategy_id == to_strategy_id:
            raise TransferError("source and target strategy are the same")
        source = await self.get_strategy_info(from_strategy_id)
        target = await self.get_strategy_info(to_strategy_id)
        if source is None or target is None:
            missing = from_strategy_id if source is None else to_strategy_id
            raise TransferError(f"strategy {missing} does not exist")
        if int(source["trading_account_id"]) != int(target["trading_account_id"]):
            raise TransferError("strategies belong to different trading accounts")
        from_portfolio = await self.get_primary_portfolio_id(from_strategy_id)
        to_portfolio = await self.get_primary_portfolio_id(to_strategy_id)
        result = await self.session.execute(text(OPEN_POSITIONS_OF_STRATEGY_SQL), {"strategy_id": from_strategy_id})
        return [
            TransferInstruction(
                position_id=int(row["id"]),
                tradingsymbol=row["tradingsymbol"],
                exchange=row["exchange"],
                instrument_token=int(row["instrument_token"]),
                product=row["product"],
                quantity=int(row["quantity"]),
                from_strategy_id=from_strategy_id,
                to_strategy_id=to_strategy_id,
                from_portfolio_id=from_portfolio,
                to_portfolio_id=to_portfolio,
            )
            for row in result.mappings()
        ]

    async def apply(self, instructions: List[TransferInstruction]) -> int:
        """Re-book each position on its target strategy; returns positions moved.

        A position the target strategy already holds in the same instrument
        and product is merged into it (quantities add, average price weighted).
        """
        moved = 0
        for ins in instructions:
            merged = await self.session.execute(
                text(
                    """
                    UPDATE order_service.positions AS target
                    SET average_price = CASE WHEN target.quantity + source.quantity = 0 THEN 0
                            ELSE (target.average_price * target.quantity + source.average_price * source.quantity)
                                 / (target.quantity + source.quantity) END,
                        quantity = target.quantity + source.quantity,
                        realized_pnl = target.realized_pnl + source.realized_pnl
                    FROM order_service.positions AS source
                    WHERE source.id = :position_id
                      AND target.trading_account_id = source.trading_account_id
                      AND target.instrument_token = source.instrument_token
                      AND target.product = source.product
                      AND target.strategy_id = :to_strategy_id
                    """
                ),
                {"position_id": ins.position_id, "to_strategy_id": ins.to_strategy_id},
            )
            if merged.rowcount:
                await self.session.execute(
                    text("DELETE FROM order_service.positions WHERE id = :position_id"),
                    {"position_id": ins.position_id},
                )
            else:
                await self.session.execute(
                    text("UPDATE order_service.positions SET strategy_id = :to_strategy_id WHERE id = :position_id"),
                    {"position_id": ins.position_id, "to_strategy_id": ins.to_strategy_id},
                )
            moved += 1
        logger.info("Moved %d positions between strategies", moved)
        return moved
