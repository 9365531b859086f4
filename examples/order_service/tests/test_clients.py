"""The HTTP clients that replace direct SQL on other services' tables."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest

from app.clients.account_service_client import AccountServiceClient, get_account_client
from app.clients.analytics_service_client import AnalyticsServiceClient, get_analytics_client
from app.clients.base import (
    ServiceClientError,
    ServiceNotFoundError,
    ServiceResponseError,
    ServiceTimeoutError,
    ServiceUnavailableError,
    close_shared_clients,
)
from app.clients.market_data_service_client import MarketDataServiceClient, get_market_data_client
from app.clients.strategy_service_client import StrategyServiceClient, get_strategy_client
from app.config import Settings, override_settings

pytestmark = pytest.mark.anyio


def answers(*responses):
    """A handler giving the responses in order (an exception instance is raised), recording requests."""
    queue = list(responses)
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    handler.requests = seen
    return handler


# --- retries, backoff and errors (shared by every client) ----------------------


async def test_retries_on_503_then_succeeds(mock_client, sleeps):
    handler = answers(httpx.Response(503), httpx.Response(503), httpx.Response(200, json={"strategy_id": 7}))
    client = mock_client(StrategyServiceClient, handler)

    assert await client.get_strategy(7) == {"strategy_id": 7}
    assert len(handler.requests) == 3
    assert sleeps == [0.1, 0.2]  # exponential backoff


async def test_gives_up_after_max_attempts_with_unavailable(mock_client, sleeps):
    handler = answers(httpx.Response(503))
    client = mock_client(StrategyServiceClient, handler, max_attempts=4)

    with pytest.raises(ServiceUnavailableError) as err:
        await client.get_strategy(7)
    assert err.value.status_code == 503
    assert err.value.service == "algo_engine"
    assert len(handler.requests) == 4
    assert sleeps == [0.1, 0.2, 0.4]


async def test_backoff_is_capped_and_honours_retry_after(mock_client, sleeps):
    handler = answers(httpx.Response(503, headers={"Retry-After": "30"}), httpx.Response(200, json={}))
    client = mock_client(StrategyServiceClient, handler, max_backoff_seconds=1.5)

    await client.get_strategy(1)
    assert sleeps == [1.5]


async def test_timeout_becomes_service_timeout_error(mock_client):
    handler = answers(httpx.ReadTimeout("read timed out"))
    client = mock_client(MarketDataServiceClient, handler)

    with pytest.raises(ServiceTimeoutError, match="market_data: GET /instruments/NSE/INFY timed out"):
        await client.get_instrument("INFY")
    assert len(handler.requests) == 3  # GET is idempotent: retried
    assert issubclass(ServiceTimeoutError, ServiceUnavailableError)


async def test_connection_errors_are_retried_even_for_post(mock_client):
    handler = answers(httpx.ConnectError("connection refused"), httpx.Response(201, json={"portfolio_id": 9}))
    client = mock_client(StrategyServiceClient, handler)

    assert await client.create_portfolio({"name": "Swing"}) == {"portfolio_id": 9}
    assert len(handler.requests) == 2


async def test_post_is_not_retried_on_500_or_read_timeout(mock_client):
    client = mock_client(StrategyServiceClient, answers(httpx.Response(500)))
    with pytest.raises(ServiceUnavailableError):
        await client.create_portfolio({"name": "Swing"})

    handler = answers(httpx.ReadTimeout("slow"))
    client = mock_client(StrategyServiceClient, handler)
    with pytest.raises(ServiceTimeoutError):
        await client.create_portfolio({"name": "Swing"})
    assert len(handler.requests) == 1


async def test_404_is_a_clear_not_found_error(mock_client):
    client = mock_client(StrategyServiceClient, answers(httpx.Response(404, json={"detail": "no such strategy"})))

    with pytest.raises(ServiceNotFoundError, match="algo_engine: GET /strategies/42: not found") as err:
        await client.get_strategy(42)
    assert err.value.status_code == 404
    assert isinstance(err.value, ServiceClientError)


async def test_other_4xx_and_bad_json_are_response_errors(mock_client):
    client = mock_client(AccountServiceClient, answers(httpx.Response(422, text="tier locked")))
    with pytest.raises(ServiceResponseError, match="422: tier locked"):
        await client.update_account_tier(1001, "hot")

    client = mock_client(AccountServiceClient, answers(httpx.Response(200, text="<html>")))
    with pytest.raises(ServiceResponseError, match="not JSON"):
        await client.get_account("ZX1001")


async def test_client_sends_identity_header_from_settings():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json={"valid": True})

    settings = Settings(strategy_service_url="http://algo.internal:9000/", service_identity="order_service")
    client = StrategyServiceClient.from_settings(settings, transport=httpx.MockTransport(handler))
    async with client:
        assert await client.validate_strategy(5) is True
    assert str(seen[0].url) == "http://algo.internal:9000/strategies/5/validate"
    assert seen[0].headers["X-Service-Identity"] == "order_service"


# --- endpoints -----------------------------------------------------------------


async def test_strategy_client_endpoints(mock_client):
    def handler(request):
        routes = {
            ("GET", "/strategies/3/validate"): httpx.Response(200, json={"valid": False}),
            ("GET", "/strategies/default/1001"): httpx.Response(404),
            ("POST", "/strategies/default"): httpx.Response(201, json={"strategy_id": 11}),
            ("POST", "/strategies/1/sync-pnl"): httpx.Response(204),
            ("GET", "/strategies/1/portfolio"): httpx.Response(200, json=[{"portfolio_id": 1}]),
            ("PUT", "/strategies/1/portfolio"): httpx.Response(200, json={"ok": True}),
        }
        return routes.get((request.method, request.url.path), httpx.Response(404))

    client = mock_client(StrategyServiceClient, handler)
    assert await client.validate_strategy(3) is False
    assert await client.validate_strategy(99) is False  # 404: unknown strategy
    assert await client.get_default_strategy(1001) is None
    assert await client.create_default_strategy(1001) == {"strategy_id": 11}
    assert await client.sync_strategy_pnl(1, {"total_pnl": "10.5"}) is None
    assert await client.get_strategy_portfolio(1) == [{"portfolio_id": 1}]
    assert await client.link_strategy_portfolio(1, 2, 50) == {"ok": True}


async def test_account_client_endpoints(mock_client):
    handler = answers(httpx.Response(200, json={"account_id": "ZX1001", "sync_tier": "hot"}))
    client = mock_client(AccountServiceClient, handler)

    await client.update_account_tier(1001, "hot")
    await client.promote_account_to_hot_tier(1001, 15)
    await client.get_holdings("ZX1001")
    await client.get_tier_summary()
    await client.get_accounts_by_tier("warm")
    requests = [(r.method, r.url.path, json.loads(r.content) if r.content else None) for r in handler.requests]
    assert requests == [
        ("PUT", "/accounts/1001/tier", {"sync_tier": "hot"}),
        ("POST", "/accounts/1001/promote-tier", {"duration_minutes": 15}),
        ("GET", "/accounts/ZX1001/holdings", None),
        ("GET", "/accounts/tier-summary", None),
        ("GET", "/accounts/by-tier/warm", None),
    ]
    with pytest.raises(ValueError):
        await client.update_account_tier(1001, "lukewarm")


async def test_market_data_client_endpoints(mock_client):
    handler = answers(httpx.Response(200, json=[]))
    client = mock_client(MarketDataServiceClient, handler)

    await client.get_instrument("NIFTY24DECFUT", exchange="NFO")
    await client.get_instrument_by_token(408065)
    await client.get_instruments([5, 3, 5])
    assert [r.url.path for r in handler.requests] == [
        "/instruments/NFO/NIFTY24DECFUT",
        "/instruments/token/408065",
        "/instruments/batch",
    ]
    assert json.loads(handler.requests[2].content) == {"instrument_tokens": [3, 5]}


async def test_analytics_client_endpoints(mock_client):
    handler = answers(httpx.Response(200, json={"cumulative_pnl": "1000.50"}))
    client = mock_client(AnalyticsServiceClient, handler)

    previous = await client.get_previous_cumulative_pnl(1, dt.date(2024, 6, 5))
    assert previous == Decimal("1000.50")
    assert dict(handler.requests[0].url.params) == {"strategy_id": "1", "before_date": "2024-06-05"}

    await client.calculate_and_store_pnl_metrics(1, dt.date(2024, 6, 5), {"day_pnl": Decimal("12.5")})
    assert json.loads(handler.requests[1].content) == {
        "strategy_id": 1,
        "metric_date": "2024-06-05",
        "day_pnl": "12.5",
    }

    client = mock_client(AnalyticsServiceClient, answers(httpx.Response(200, json={})))
    assert await client.get_previous_cumulative_pnl(1, dt.date(2024, 1, 1)) == Decimal("0")


# --- factories -----------------------------------------------------------------


async def test_factories_return_one_shared_instance_configured_from_settings():
    override_settings(
        Settings(
            strategy_service_url="http://algo:1",
            account_service_url="http://users:2",
            market_data_service_url="http://md:3",
            analytics_service_url="http://analytics:4",
            service_timeout_seconds=2.5,
            service_max_attempts=5,
        )
    )
    strategy = await get_strategy_client()
    assert strategy is await get_strategy_client()
    assert (strategy.base_url, strategy.timeout, strategy.max_attempts) == ("http://algo:1", 2.5, 5)
    assert (await get_account_client()).base_url == "http://users:2"
    assert (await get_market_data_client()).base_url == "http://md:3"
    assert (await get_analytics_client()).base_url == "http://analytics:4"

    await close_shared_clients()
    assert await get_strategy_client() is not strategy


def test_settings_from_env():
    settings = Settings.from_env(
        {"STRATEGY_SERVICE_URL": "http://algo:8001", "SERVICE_CLIENT_TIMEOUT": "1.5", "SERVICE_CLIENT_MAX_ATTEMPTS": "2"}
    )
    assert settings.strategy_service_url == "http://algo:8001"
    assert settings.service_timeout_seconds == 1.5
    assert settings.service_max_attempts == 2
    assert settings.account_service_url == Settings().account_service_url
