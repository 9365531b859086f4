"""Client of the risk service (HTTP, JSON); synchronous, for the batch jobs."""

from __future__ import annotations

from .base import SyncServiceClient


class RiskClient(SyncServiceClient):
    service = "risk"
    url_variable = "RISK_SERVICE_URL"

    def get_limit_summary(self, trading_account_id: int) -> dict:
        return self._request("GET", f"/limits/{trading_account_id}/summary")


def get_risk_client() -> RiskClient:
    return RiskClient()
