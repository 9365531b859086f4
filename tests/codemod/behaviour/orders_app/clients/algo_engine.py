"""Client of the algo_engine service (HTTP, JSON)."""

from __future__ import annotations

from .base import AsyncServiceClient


class AlgoEngineClient(AsyncServiceClient):
    service = "algo_engine"
    url_variable = "ALGO_ENGINE_URL"

    async def get_strategy_card(self, strategy_id: int) -> dict:
        return await self._request("GET", f"/strategies/{strategy_id}/card")


async def get_algo_client() -> AlgoEngineClient:
    return AlgoEngineClient()
