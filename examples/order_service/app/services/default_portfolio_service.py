# Cross-service database access in this module (owner: algo_engine; to be
# replaced by app/clients/strategy_service_client.py):
#   public.strategy            read, write
#   public.portfolio           read, write
#   public.strategy_portfolio  write
"""Make sure every trading account has a default strategy and portfolio.

Orders placed without a strategy are booked on the account's default
strategy, which allocates to the account's default portfolio.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger(__name__)

DEFAULT_STRATEGY_NAME = "Default strategy"
DEFAULT_PORTFOLIO_NAME = "Default portfolio"

FIND_DEFAULT_STRATEGY_SQL = text(
    """
    SELECT strategy_id, name, status
    FROM public.strategy
    WHERE trading_account_id = :trading_account_id
      AND is_default = TRUE
    LIMIT 1
    """
)

CREATE_DEFAULT_STRATEGY_SQL = """
    INSERT INTO public.strategy (name, trading_account_id, status, is_default, created_by)
    VALUES (:name, :trading_account_id, 'ACTIVE', TRUE, 'order_service')
    RETURNING strategy_id
"""


@dataclass(frozen=True)
class DefaultSetup:
    """The account's default strategy and portfolio, and whether we just made them."""

    trading_account_id: int
    strategy_id: int
    portfolio_id: int
    created: bool


class DefaultPortfolioService:
    """Looks up, and creates when missing, an account's default strategy and portfolio."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_default_strategy(self, trading_account_id: int) -> Optional[Dict[str, Any]]:
        """Select the default strategy from public.strategy for an account, if it has one."""
        result = await self.session.execute(FIND_DEFAULT_STRATEGY_SQL, {"trading_account_id": trading_account_id})
        row = result.mappings().first()
        return dict(row) if row else None

    async def get_or_create_default_strategy(self, trading_account_id: int) -> int:
        existing = await self.get_default_strategy(trading_account_id)
        if existing:
            return int(existing["strategy_id"])
        result = await self.session.execute(
            text(CREATE_DEFAULT_STRATEGY_SQL),
            {"name": DEFAULT_STRATEGY_NAME, "trading_account_id": trading_account_id},
        )
        strategy_id = int(result.scalar_one())
        logger.info("Created default strategy %s in public.strategy for account %s", strategy_id, trading_account_id)
        return strategy_id

    async def get_default_portfolio(self, trading_account_id: int) -> Optional[Dict[str, Any]]:
        result = await self.session.execute(
            text(
                """
                SELECT portfolio_id, name, capital
                FROM public.portfolio
                WHERE trading_account_id = :trading_account_id AND is_default
                """
            ),
            {"trading_account_id": trading_account_id},
        )
        row = result.mappings().first()
        return dict(row) if row else None

    async def create_default_portfolio(self, trading_account_id: int, strategy_id: int) -> int:
        """Create the default portfolio and allocate the default strategy to it in full."""
        result = await self.session.execute(
            text(
                """
                INSERT INTO public.portfolio (name, trading_account_id, is_default, capital)
                VALUES (:name, :trading_account_id, TRUE, 0)
                RETURNING portfolio_id
                """
            ),
            {"name": DEFAULT_PORTFOLIO_NAME, "trading_account_id": trading_account_id},
        )
        portfolio_id = int(result.scalar_one())
        await self.session.execute(
            text(
                """
                INSERT INTO public.strategy_portfolio (strategy_id, portfolio_id, allocation_pct)
                VALUES (:strategy_id, :portfolio_id, 100)
                ON CONFLICT (strategy_id, portfolio_id) DO NOTHING
                """
            ),
            {"strategy_id": strategy_id, "portfolio_id": portfolio_id},
        )
        logger.info(
            "Created default portfolio %s in public.portfolio for account %s (strategy %s)",
            portfolio_id, trading_account_id, strategy_id,
        )
        return portfolio_id

    async def ensure_default_setup(self, trading_account_id: int) -> DefaultSetup:
        """Return the account's default strategy and portfolio, creating what is missing.

        The caller owns the transaction: nothing is committed here.
        """
        existing_strategy = await self.get_default_strategy(trading_account_id)
        existing_portfolio = await self.get_default_portfolio(trading_account_id)
        if existing_strategy and existing_portfolio:
            return DefaultSetup(
                trading_account_id,
                int(existing_strategy["strategy_id"]),
                int(existing_portfolio["portfolio_id"]),
                created=False,
            )
        strategy_id = await self.get_or_create_default_strategy(trading_account_id)
        if existing_portfolio:
            portfolio_id = int(existing_portfolio["portfolio_id"])
        else:
            portfolio_id = await self.create_default_portfolio(trading_account_id, strategy_id)
        return DefaultSetup(trading_account_id, strategy_id, portfolio_id, created=True)
