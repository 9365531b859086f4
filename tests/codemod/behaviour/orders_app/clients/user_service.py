"""Client of the user_service service (HTTP, JSON)."""

from __future__ import annotations

from .base import AsyncServiceClient


class UserServiceClient(AsyncServiceClient):
    service = "user_service"
    url_variable = "USER_SERVICE_URL"

    async def get_account_health(self, account_id: str) -> dict:
        return await self._request("GET", f"/accounts/{account_id}/health")


async def get_user_client() -> UserServiceClient:
    return UserServiceClient()
