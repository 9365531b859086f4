"""Client for the analytics service, owner of strategy P&L metrics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Dict, List, Optional

from app.clients.base import ServiceClient, shared_client


class AnalyticsServiceClient(ServiceClient):
    """Daily strategy P&L and drawdown, served by ``analytics``."""

    service_name = "analytics"
    settings_url_field = "analytics_service_url"

    async def calculate_and_store_pnl_metrics(
        self, strategy_id: int, metric_date: dt.date, pnl_data: Dict[str, Any]
    ) -> Dict[str, Any]:
        """Store one day's P&L; the service derives the cumulative figures (upsert)."""
        payload = {"strategy_id": strategy_id, "metric_date": metric_date.isoformat(), **_jsonable(pnl_data)}
        return await self._request("POST", "/analytics/pnl/calculate", json=payload, idempotent=True)

    async def get_previous_cumulative_pnl(self, strategy_id: int, before_date: dt.date) -> Decimal:
        """Cumulative P&L of the last day before ``before_date`` (0 when none)."""
        body = await self._request(
            "GET",
            "/analytics/pnl/previous-cumulative",
            params={"strategy_id": strategy_id, "before_date": before_date.isoformat()},
        )
        value = (body or {}).get("cumulative_pnl")
        return Decimal(str(value)) if value is not None else Decimal("0")

    async def get_pnl_metrics(
        self, strategy_id: int, start: Optional[dt.date] = None, end: Optional[dt.date] = None
    ) -> List[Dict[str, Any]]:
        params: Dict[str, Any] = {"strategy_id": strategy_id}
        if start:
            params["start"] = start.isoformat()
        if end:
            params["end"] = end.isoformat()
        return await self._request("GET", "/analytics/pnl/metrics", params=params)

    async def get_drawdown(self, strategy_id: int) -> Dict[str, Any]:
        return await self._request("GET", "/analytics/pnl/drawdown", params={"strategy_id": strategy_id})


def _jsonable(data: Dict[str, Any]) -> Dict[str, Any]:
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in data.items()}


async def get_analytics_client() -> AnalyticsServiceClient:
    """The shared analytics client, built from settings on first use."""
    return shared_client(AnalyticsServiceClient)
