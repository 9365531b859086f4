# Cross-service database access in this module (owner: user_service; to be
# replaced by app/clients/account_service_client.py):
#   public.kite_accounts           read, write
#   user_service.trading_accounts  read
# user_service.v_trading_accounts is a view user_service grants us: allowed.
"""Sync tiers of broker accounts.

How often a broker account is synced depends on its tier: ``hot`` accounts
(orders in flight) every few seconds, ``warm`` every minute, ``cold`` every
few minutes. The order service promotes an account when it places an order.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger(__name__)

SYNC_TIERS = ("hot", "warm", "cold")

UPDATE_ACCOUNT_TIER_SQL = """
UPDATE public.kite_accounts SET sync_tier = :tier, tier_updated_at = NOW()
WHERE account_id = (SELECT ka.account_id FROM public.kite_accounts ka
                   JOIN user_service.trading_accounts ta ON ta.broker_account_id = ka.account_id
                   WHERE ta.trading_account_id = :trading_account_id)
"""

PROMOTE_TO_HOT_SQL = """
UPDATE public.kite_accounts ka
SET sync_tier = 'hot',
    tier_updated_at = NOW(),
    hot_tier_until = NOW() + make_interval(mins => :duration_minutes)
FROM user_service.trading_accounts ta
WHERE ta.broker_account_id = ka.account_id
  AND ta.trading_account_id = :trading_account_id
RETURNING ka.account_id, ka.hot_tier_until
"""


class AccountTierService:
    """Reads and changes the sync tier of the broker account behind a trading account."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_account(self, account_id: str) -> Optional[Dict[str, Any]]:
        """The broker account row, or None."""
        result = await self.session.execute(
            text("SELECT * FROM public.kite_accounts WHERE account_id = :account_id"),
            {"account_id": account_id},
        )
        row = result.mappings().first()
        return dict(row) if row else None

    async def get_trading_account(self, trading_account_id: int) -> Optional[Dict[str, Any]]:
        """The trading account, through the view user_service publishes for us."""
        result = await self.session.execute(
            text(
                """
                SELECT trading_account_id, user_id, broker, broker_account_id, status
                FROM user_service.v_trading_accounts
                WHERE trading_account_id = :trading_account_id
                """
            ),
            {"trading_account_id": trading_account_id},
        )
        row = result.mappings().first()
        return dict(row) if row else None

    async def update_account_tier(self, trading_account_id: int, sync_tier: str) -> bool:
        """Set the sync tier; False when the trading account has no broker account."""
        if sync_tier not in SYNC_TIERS:
            raise ValueError(f"sync_tier must be one of {SYNC_TIERS}, not {sync_tier!r}")
        result = await self.session.execute(
            text(UPDATE_ACCOUNT_TIER_SQL),
            {"tier": sync_tier, "trading_account_id": trading_account_id},
        )
        updated = result.rowcount == 1
        if not updated:
            logger.warning("No kite_accounts row behind trading account %s; tier unchanged", trading_account_id)
        return updated

    async def promote_account_to_hot_tier(self, trading_account_id: int, duration_minutes: int = 30) -> Optional[str]:
        """Sync at the hot rate for ``duration_minutes``; returns the broker account id."""
        if duration_minutes <= 0:
            raise ValueError("duration_minutes must be positive")
        result = await self.session.execute(
            text(PROMOTE_TO_HOT_SQL),
            {"duration_minutes": duration_minutes, "trading_account_id": trading_account_id},
        )
        row = result.mappings().first()
        return row["account_id"] if row else None

    async def get_tier_summary(self) -> Dict[str, int]:
        """Number of broker accounts per tier, every tier present."""
        result = await self.session.execute(
            text("SELECT sync_tier, COUNT(*) AS accounts FROM public.kite_accounts GROUP BY sync_tier")
        )
        summary = {tier: 0 for tier in SYNC_TIERS}
        summary.update({row.sync_tier: int(row.accounts) for row in result})
        return summary
