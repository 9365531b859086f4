"""Client of the user_service service (HTTP, JSON)."""

from __future__ import annotations

import os
from typing import Any, Optional

import httpx

from .errors import ServiceError


class UserServiceClient:
    def __init__(self, base_url: Optional[str]) -> None:
        self._base_url = base_url

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self._base_url:
            raise ServiceError("user_service: USER_SERVICE_URL is not set")
        try:
            async with httpx.AsyncClient(base_url=self._base_url, timeout=5.0) as http:
                response = await http.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()
        except httpx.HTTPError as exc:
            raise ServiceError(f"user_service: {method} {path}: {exc}") from exc

    async def get_account_health(self, account_id: str) -> dict:
        return await self._request("GET", f"/accounts/{account_id}/health")


async def get_user_client() -> UserServiceClient:
    return UserServiceClient(os.environ.get("USER_SERVICE_URL"))
