"""A pytest plugin: fake owning services for the order service's rewritten code.

After ``boundary-lint fix``, the order service calls the algo engine, the user
service and analytics through their HTTP clients instead of reading their
tables. Loaded with ``-p fake_owning_services`` into a run of the example's
own tests (on a fixed copy), it installs each shared client with an
``httpx.MockTransport`` whose handler is the owning service: it answers the
endpoint from the owner's (legacy) tables, as a real owner would: a resource
that does not exist is a 404 (the clients turn it into ``None`` where their
annotation says ``Optional``, and raise ``ServiceNotFoundError`` elsewhere).

The fakes work in the test's own database session when the test has one, so
the tests' database assertions -- including "nothing is committed by the
service" -- hold as they did before the rewrite; tests with only a database
get a connection of their own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from typing import Any, Awaitable, Callable, Dict, List

import httpx
import pytest

Run = Callable[[str, Dict[str, Any]], Awaitable[List[Dict[str, Any]]]]
CALLS: List[str] = []  # "service METHOD /path" for every request the fakes answered
LOG_VARIABLE = "FAKE_OWNING_SERVICES_LOG"  # if set, the calls are written there as JSON at the end


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _answer(body: Any, status: int = 200) -> httpx.Response:
    if isinstance(body, list):
        body = [{k: _plain(v) for k, v in row.items()} for row in body]
    elif isinstance(body, dict):
        body = {k: _plain(v) for k, v in body.items()}
    return httpx.Response(status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


def _found(rows: List[Dict[str, Any]]) -> httpx.Response:
    """The first row, or 404 when there is none."""
    return _answer(rows[0]) if rows else httpx.Response(404, json={"detail": "not found"})


class Service:
    """Routes ``(METHOD, path regex)`` to async handlers ``(request, match, run)``."""

    def __init__(self, name: str, run: Run) -> None:
        self.name = name
        self.run = run
        self.routes = []

    def route(self, method: str, pattern: str):
        def register(handler):
            self.routes.append((method, re.compile(pattern + r"\Z"), handler))
            return handler
        return register

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        CALLS.append(f"{self.name} {request.method} {request.url.path}")
        for method, pattern, handler in self.routes:
            match = pattern.match(request.url.path)
            if method == request.method and match:
                return await handler(request, match, self.run)
        return httpx.Response(404)


def algo_engine(run: Run) -> Service:
    service = Service("algo_engine", run)

    @service.route("GET", r"/strategies/default/(\d+)")
    async def default_strategy(request, match, run):
        rows = await run("SELECT strategy_id, name, status FROM public.strategy "
                         "WHERE trading_account_id = :a AND is_default LIMIT 1", {"a": int(match[1])})
        return _found(rows)

    @service.route("POST", r"/strategies/default")
    async def create_default_strategy(request, match, run):
        body = json.loads(request.content)
        rows = await run("INSERT INTO public.strategy (name, trading_account_id, status, is_default, created_by) "
                         "VALUES (:name, :a, 'ACTIVE', TRUE, :by) RETURNING strategy_id",
                         {"name": body["name"], "a": body["trading_account_id"],
                          "by": request.headers.get("X-Service-Identity", "unknown")})
        return _answer(rows[0], 201)

    @service.route("POST", r"/portfolios")
    async def create_portfolio(request, match, run):
        body = json.loads(request.content)
        rows = await run("INSERT INTO public.portfolio (name, trading_account_id, is_default, capital) "
                         "VALUES (:name, :a, :d, 0) RETURNING portfolio_id",
                         {"name": body["name"], "a": body["trading_account_id"], "d": body.get("is_default", False)})
        return _answer(rows[0], 201)

    @service.route("PUT", r"/strategies/(\d+)/portfolio")
    async def link(request, match, run):
        body = json.loads(request.content)
        await run("INSERT INTO public.strategy_portfolio (strategy_id, portfolio_id, allocation_pct) "
                  "VALUES (:s, :p, :pct) ON CONFLICT (strategy_id, portfolio_id) DO NOTHING",
                  {"s": int(match[1]), "p": body["portfolio_id"], "pct": body["allocation_pct"]})
        return _answer({"strategy_id": int(match[1]), "portfolio_id": body["portfolio_id"]})

    @service.route("GET", r"/strategies/(\d+)")
    async def strategy(request, match, run):
        rows = await run("SELECT strategy_id, name, status, trading_account_id FROM public.strategy "
                         "WHERE strategy_id = :s", {"s": int(match[1])})
        return _found(rows)

    @service.route("POST", r"/strategies/(\d+)/sync-pnl")
    async def sync_pnl(request, match, run):
        body = json.loads(request.content)
        await run("UPDATE public.strategy SET total_pnl = :pnl, updated_at = NOW() WHERE strategy_id = :s",
                  {"pnl": Decimal(body["total_pnl"]), "s": int(match[1])})
        return httpx.Response(204)

    return service


def user_service(run: Run) -> Service:
    service = Service("user_service", run)

    @service.route("GET", r"/accounts/([^/]+)")
    async def account(request, match, run):
        return _found(await run("SELECT * FROM public.kite_accounts WHERE account_id = :a", {"a": match[1]}))

    @service.route("POST", r"/accounts/(\d+)/promote-tier")
    async def promote(request, match, run):
        minutes = json.loads(request.content)["duration_minutes"]
        rows = await run("UPDATE public.kite_accounts ka SET sync_tier = 'hot', tier_updated_at = NOW(), "
                         "hot_tier_until = NOW() + make_interval(mins => :m) "
                         "FROM user_service.trading_accounts ta "
                         "WHERE ta.broker_account_id = ka.account_id AND ta.trading_account_id = :t "
                         "RETURNING ka.account_id, ka.hot_tier_until", {"m": minutes, "t": int(match[1])})
        return _found(rows)

    @service.route("GET", r"/accounts/([^/]+)/holdings")
    async def holdings(request, match, run):
        return _answer(await run("SELECT tradingsymbol, exchange, isin, quantity, average_price, last_price "
                                 "FROM public.holdings WHERE account_id = :a ORDER BY tradingsymbol",
                                 {"a": match[1]}))

    return service


def analytics(run: Run) -> Service:
    service = Service("analytics", run)

    @service.route("GET", r"/analytics/pnl/previous-cumulative")
    async def previous(request, match, run):
        params = request.url.params
        rows = await run("SELECT cumulative_pnl FROM public.strategy_pnl_metrics "
                         "WHERE strategy_id = :s AND metric_date < :d ORDER BY metric_date DESC LIMIT 1",
                         {"s": int(params["strategy_id"]), "d": dt.date.fromisoformat(params["before_date"])})
        return _answer({"cumulative_pnl": rows[0]["cumulative_pnl"] if rows else None})

    @service.route("POST", r"/analytics/pnl/calculate")
    async def calculate(request, match, run):
        body = json.loads(request.content)
        values = {k: Decimal(str(body[k])) for k in ("day_pnl", "cumulative_pnl", "realized_pnl", "unrealized_pnl")}
        values.update(s=body["strategy_id"], d=dt.date.fromisoformat(body["metric_date"]), n=body["trade_count"])
        await run("INSERT INTO public.strategy_pnl_metrics (strategy_id, metric_date, day_pnl, cumulative_pnl, "
                  "realized_pnl, unrealized_pnl, trade_count, updated_at) VALUES (:s, :d, :day_pnl, "
                  ":cumulative_pnl, :realized_pnl, :unrealized_pnl, :n, NOW()) "
                  "ON CONFLICT (strategy_id, metric_date) DO UPDATE SET day_pnl = EXCLUDED.day_pnl, "
                  "cumulative_pnl = EXCLUDED.cumulative_pnl, realized_pnl = EXCLUDED.realized_pnl, "
                  "unrealized_pnl = EXCLUDED.unrealized_pnl, trade_count = EXCLUDED.trade_count, updated_at = NOW()",
                  values)
        return _answer({"strategy_id": body["strategy_id"], "metric_date": body["metric_date"]})

    return service


def _session_runner(session) -> Run:
    from sqlalchemy import text

    async def run(sql: str, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        result = await session.execute(text(sql), params)
        return [dict(row) for row in result.mappings()] if result.returns_rows else []

    return run


def _connection_runner(url: str) -> Run:
    from app.db import raw_connection

    async def run(sql: str, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        sql = re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)
        async with raw_connection(url) as conn:
            cursor = await conn.execute(sql, params)
            rows = await cursor.fetchall() if cursor.description else []
            await conn.commit()
            return [dict(row) for row in rows]

    return run


@pytest.fixture(autouse=True)
def _fake_owning_services(request):
    """Shared clients served by the fakes, for every test that has a database."""
    if "session" not in request.fixturenames and "database" not in request.fixturenames:
        yield None
        return
    from app.clients.account_service_client import AccountServiceClient
    from app.clients.analytics_service_client import AnalyticsServiceClient
    from app.clients.base import set_shared_client
    from app.clients.strategy_service_client import StrategyServiceClient

    if "session" in request.fixturenames:
        run = _session_runner(request.getfixturevalue("session"))
    else:
        run = _connection_runner(request.getfixturevalue("database").url)
    services = {}
    for cls, build in ((StrategyServiceClient, algo_engine), (AccountServiceClient, user_service),
                       (AnalyticsServiceClient, analytics)):
        services[cls.service_name] = build(run)
        set_shared_client(cls, cls(f"http://{cls.service_name}.fake", transport=httpx.MockTransport(
            services[cls.service_name]), headers={"X-Service-Identity": "order_service"}, max_attempts=1))
    yield services


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get(LOG_VARIABLE)
    if path:
        with open(path, "w", encoding="utf-8") as log:
            json.dump(CALLS, log)
