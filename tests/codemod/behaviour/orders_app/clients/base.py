"""What every HTTP client of the orders service shares: the base URL from the environment,
JSON, and one error type for everything that goes wrong."""

from __future__ import annotations

import os
from typing import Any, ClassVar

import httpx

from .errors import ServiceError


class _Client:
    service: ClassVar[str] = ""
    url_variable: ClassVar[str] = ""

    def __init__(self) -> None:
        self._base_url = os.environ.get(self.url_variable)

    def _check(self, method: str, path: str) -> None:
        if not self._base_url:
            raise ServiceError(f"{self.service}: {self.url_variable} is not set")

    def _failed(self, method: str, path: str, exc: Exception) -> ServiceError:
        return ServiceError(f"{self.service}: {method} {path}: {exc}")


class AsyncServiceClient(_Client):
    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        self._check(method, path)
        try:
            async with httpx.AsyncClient(base_url=self._base_url, timeout=5.0) as http:
                response = await http.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()
        except httpx.HTTPError as exc:
            raise self._failed(method, path, exc) from exc


class SyncServiceClient(_Client):
    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        self._check(method, path)
        try:
            with httpx.Client(base_url=self._base_url, timeout=5.0) as http:
                response = http.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()
        except httpx.HTTPError as exc:
            raise self._failed(method, path, exc) from exc
