"""Client of the risk service (HTTP, JSON); synchronous, for the batch jobs."""

from __future__ import annotations

import os
from typing import Any, Optional

import httpx

from .errors import ServiceError


class RiskClient:
    def __init__(self, base_url: Optional[str]) -> None:
        self._base_url = base_url

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self._base_url:
            raise ServiceError("risk: RISK_SERVICE_URL is not set")
        try:
            with httpx.Client(base_url=self._base_url, timeout=5.0) as http:
                response = http.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()
        except httpx.HTTPError as exc:
            raise ServiceError(f"risk: {method} {path}: {exc}") from exc

    def get_limit_summary(self, trading_account_id: int) -> dict:
        return self._request("GET", f"/limits/{trading_account_id}/summary")


def get_risk_client() -> RiskClient:
    return RiskClient(os.environ.get("RISK_SERVICE_URL"))
