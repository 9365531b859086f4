"""Client for the market data service, owner of the instrument registry."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

from app.clients.base import ServiceClient, shared_client


class MarketDataServiceClient(ServiceClient):
    """Instrument metadata (token, lot size, tick size), served by ``market_data``."""

    service_name = "market_data"
    settings_url_field = "market_data_service_url"

    async def get_instrument(self, symbol: str, exchange: str = "NSE") -> Dict[str, Any]:
        """The instrument traded as ``symbol`` on ``exchange``."""
        return await self._request("GET", f"/instruments/{exchange}/{symbol}")

    async def get_instrument_by_token(self, instrument_token: int) -> Dict[str, Any]:
        return await self._request("GET", f"/instruments/token/{instrument_token}")

    async def get_instruments(self, instrument_tokens: Iterable[int]) -> List[Dict[str, Any]]:
        """Several instruments in one call (unknown tokens are left out)."""
        tokens = sorted(set(instrument_tokens))
        return await self._request("POST", "/instruments/batch", json={"instrument_tokens": tokens}, idempotent=True)


async def get_market_data_client() -> MarketDataServiceClient:
    """The shared market data client, built from settings on first use."""
    return shared_client(MarketDataServiceClient)
