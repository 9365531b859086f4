"""Client for the user service, owner of broker accounts and holdings.

Replaces direct SQL on kite_accounts, holdings and user_service.trading_accounts.
"""

from __future__ import annotations

from typing import Any, Dict, List

from app.clients.base import ServiceClient, shared_client

SYNC_TIERS = ("hot", "warm", "cold")


class AccountServiceClient(ServiceClient):
    """Broker accounts, their sync tiers and holdings, served by ``user_service``."""

    service_name = "user_service"
    settings_url_field = "account_service_url"

    async def get_account(self, account_id: str) -> Dict[str, Any]:
        """The broker account (``account_id``, ``sync_tier``, ...)."""
        return await self._request("GET", f"/accounts/{account_id}")

    async def update_account_tier(self, trading_account_id: int, sync_tier: str) -> Dict[str, Any]:
        """Set how often the account is synced: ``hot``, ``warm`` or ``cold``."""
        if sync_tier not in SYNC_TIERS:
            raise ValueError(f"sync_tier must be one of {SYNC_TIERS}, not {sync_tier!r}")
        return await self._request("PUT", f"/accounts/{trading_account_id}/tier", json={"sync_tier": sync_tier})

    async def promote_account_to_hot_tier(self, trading_account_id: int, duration_minutes: int) -> Dict[str, Any]:
        """Sync the account at the hot rate for a while (after an order, say)."""
        return await self._request(
            "POST",
            f"/accounts/{trading_account_id}/promote-tier",
            json={"duration_minutes": duration_minutes},
            idempotent=True,
        )

    async def get_tier_summary(self) -> Dict[str, int]:
        """How many accounts are in each sync tier."""
        return await self._request("GET", "/accounts/tier-summary")

    async def get_accounts_by_tier(self, tier: str) -> List[Dict[str, Any]]:
        return await self._request("GET", f"/accounts/by-tier/{tier}")

    async def get_holdings(self, account_id: str) -> List[Dict[str, Any]]:
        """Long-term holdings of a broker account."""
        return await self._request("GET", f"/accounts/{account_id}/holdings")


async def get_account_client() -> AccountServiceClient:
    """The shared user service client, built from settings on first use."""
    return shared_client(AccountServiceClient)
