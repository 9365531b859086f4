"""Client of the algo_engine service (HTTP, JSON)."""

from __future__ import annotations

import os
from typing import Any, Optional

import httpx

from .errors import ServiceError


class AlgoEngineClient:
    def __init__(self, base_url: Optional[str]) -> None:
        self._base_url = base_url

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self._base_url:
            raise ServiceError("algo_engine: ALGO_ENGINE_URL is not set")
        try:
            async with httpx.AsyncClient(base_url=self._base_url, timeout=5.0) as http:
                response = await http.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()
        except httpx.HTTPError as exc:
            raise ServiceError(f"algo_engine: {method} {path}: {exc}") from exc

    async def get_strategy_card(self, strategy_id: int) -> dict:
        return await self._request("GET", f"/strategies/{strategy_id}/card")


async def get_algo_client() -> AlgoEngineClient:
    return AlgoEngineClient(os.environ.get("ALGO_ENGINE_URL"))
