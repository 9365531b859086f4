"""Client of the market_data service (HTTP, JSON); synchronous, for the batch jobs."""

from __future__ import annotations

from .base import SyncServiceClient


class MarketDataClient(SyncServiceClient):
    service = "market_data"
    url_variable = "MARKET_DATA_URL"

    def get_quote(self, instrument_token: int) -> dict:
        return self._request("GET", f"/quotes/{instrument_token}")


def get_market_data_client() -> MarketDataClient:
    return MarketDataClient()
