"""Client for the algo engine, owner of strategies and portfolios.

Replaces direct SQL on the algo engine's tables (strategy, strategies,
portfolio, strategy_portfolio).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from app.clients.base import ServiceClient, ServiceNotFoundError, shared_client


class StrategyServiceClient(ServiceClient):
    """Strategies and portfolios, served by ``backend/algo-engine``."""

    service_name = "algo_engine"
    settings_url_field = "strategy_service_url"

    async def get_strategy(self, strategy_id: int) -> Dict[str, Any]:
        """The strategy's record; ``ServiceNotFoundError`` if there is none."""
        return await self._request("GET", f"/strategies/{strategy_id}")

    async def validate_strategy(self, strategy_id: int) -> bool:
        """Whether orders may be placed for this strategy (exists and is active)."""
        try:
            body = await self._request("GET", f"/strategies/{strategy_id}/validate")
        except ServiceNotFoundError:
            return False
        return bool(body and body.get("valid"))

    async def sync_strategy_pnl(self, strategy_id: int, pnl_data: Dict[str, Any]) -> Dict[str, Any]:
        """Push the strategy's total P&L after the order service computed it."""
        return await self._request("POST", f"/strategies/{strategy_id}/sync-pnl", json=pnl_data, idempotent=True)

    async def get_default_strategy(self, account_id: int) -> Optional[Dict[str, Any]]:
        """The account's default strategy, or None when it has none yet."""
        try:
            return await self._request("GET", f"/strategies/default/{account_id}")
        except ServiceNotFoundError:
            return None

    async def create_default_strategy(self, account_id: int, name: str = "Default strategy") -> Dict[str, Any]:
        """Create (or return the existing) default strategy of an account."""
        payload = {"trading_account_id": account_id, "name": name}
        return await self._request("POST", "/strategies/default", json=payload, idempotent=True)

    async def get_strategy_portfolio(self, strategy_id: int) -> List[Dict[str, Any]]:
        """The portfolios a strategy allocates to, with ``allocation_pct``."""
        return await self._request("GET", f"/strategies/{strategy_id}/portfolio")

    async def create_portfolio(self, data: Dict[str, Any]) -> Dict[str, Any]:
        """Create a portfolio; ``data`` holds ``name``, ``trading_account_id``, ``capital``..."""
        return await self._request("POST", "/portfolios", json=data)

    async def link_strategy_portfolio(
        self, strategy_id: int, portfolio_id: int, allocation_pct: float = 100.0
    ) -> Dict[str, Any]:
        """Allocate a strategy to a portfolio (idempotent on the pair)."""
        payload = {"portfolio_id": portfolio_id, "allocation_pct": allocation_pct}
        return await self._request("PUT", f"/strategies/{strategy_id}/portfolio", json=payload)


async def get_strategy_client() -> StrategyServiceClient:
    """The shared algo engine client, built from settings on first use."""
    return shared_client(StrategyServiceClient)
