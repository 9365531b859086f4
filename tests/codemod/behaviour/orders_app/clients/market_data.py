"""Client of the market_data service (HTTP, JSON); synchronous, for the batch jobs."""

from __future__ import annotations

import os
from typing import Any, Optional

import httpx

from .errors import ServiceError


class MarketDataClient:
    def __init__(self, base_url: Optional[str]) -> None:
        self._base_url = base_url

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self._base_url:
            raise ServiceError("market_data: MARKET_DATA_URL is not set")
        try:
            with httpx.Client(base_url=self._base_url, timeout=5.0) as http:
                response = http.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()
        except httpx.HTTPError as exc:
            raise ServiceError(f"market_data: {method} {path}: {exc}") from exc

    def get_quote(self, instrument_token: int) -> dict:
        return self._request("GET", f"/quotes/{instrument_token}")


def get_market_data_client() -> MarketDataClient:
    return MarketDataClient(os.environ.get("MARKET_DATA_URL"))
