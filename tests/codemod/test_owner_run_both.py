"""Proof by running both: the example's consumer functions before ``fix`` (SQL on the
database) and after ``fix --assume-clients --write-clients --write-owner-handlers``
(generated client -> HTTP over httpx's ASGI transport -> generated FastAPI router -> the
same database), on fresh copies of one throwaway PostgreSQL database, give equal results:
rows, a missing row, a value, and a write's effect on the owner's table.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import itertools
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List

import psycopg
import pytest
from psycopg.rows import dict_row

pytest.importorskip("fastapi")
import httpx  # noqa: E402

from example_pg import load_by_path, pg_cluster  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "order_service"
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".boundary_lint_cache")
TEMPLATE = f"run_both_template_{os.getpid()}"
_numbers = itertools.count(1)
# both databases get a default portfolio for account 1002 (the seed has none): a row to find
SETUP_SQL = ("INSERT INTO public.portfolio (portfolio_id, name, trading_account_id, is_default, capital) "
             "VALUES (7, 'Default portfolio', 1002, TRUE, 1234.50)")


def _fix(target: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "boundary_lint.cli", "fix", *extra, "app"], cwd=target,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    base = tmp_path_factory.mktemp("run_both")
    before, after = base / "before", base / "after"
    shutil.copytree(EXAMPLE, before, ignore=IGNORE)
    shutil.copytree(EXAMPLE, after, ignore=IGNORE)
    proc = _fix(after, "--assume-clients", "--write-clients", "--write-owner-handlers", "../owner_handlers",
                "--contract", "contract.yaml")
    assert proc.returncode == 0, proc.stderr
    return before, after, base / "owner_handlers", proc


@pytest.fixture(scope="module")
def cluster():
    cluster = pg_cluster.shared_cluster()
    cluster.drop_database(TEMPLATE)
    dsn = cluster.create_database(TEMPLATE)
    pg_cluster.apply_sql_files(dsn, [pg_cluster.LEGACY_SCHEMA_SQL, pg_cluster.LEGACY_SEED_SQL,
                                     *pg_cluster.migration_paths()])
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SETUP_SQL)
    yield cluster
    cluster.drop_database(TEMPLATE)


@contextmanager
def fresh_database(cluster):
    name = f"run_both_{os.getpid()}_{next(_numbers)}"
    dsn = cluster.create_database(name, template=TEMPLATE)
    try:
        yield dsn, cluster.sqlalchemy_url(name)
    finally:
        cluster.drop_database(name)


@contextmanager
def the_app(root: Path):
    """``import app`` from ``root``; every ``app`` module imported before is put back after."""
    saved = {k: v for k, v in sys.modules.items() if k == "app" or k.startswith("app.")}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module
    finally:
        sys.path.remove(str(root))
        for name in [k for k in sys.modules if k == "app" or k.startswith("app.")]:
            del sys.modules[name]
        sys.modules.update(saved)


def owner_app(handlers: Path, engine, requests: List[str]):
    from fastapi import FastAPI
    from sqlalchemy.ext.asyncio import AsyncSession

    app = FastAPI()

    async def session():
        async with AsyncSession(engine, expire_on_commit=False) as s:
            yield s

    for path in sorted(handlers.glob("*_router.py")):
        module = load_by_path(f"run_both_{path.stem}", path, fresh=True)
        app.include_router(module.router)
        app.dependency_overrides[module.get_session] = session

    @app.middleware("http")
    async def record(request, call_next):
        requests.append(f"{request.method} {request.url.path}")
        return await call_next(request)

    return app


def table(dsn: str, sql: str) -> List[dict]:
    with psycopg.connect(dsn, row_factory=dict_row) as conn:
        return conn.execute(sql).fetchall()


STRATEGIES = "SELECT strategy_id, name, trading_account_id, status, is_default, created_by FROM public.strategy " \
             "ORDER BY strategy_id"


async def _default_strategy(m, s, account):
    return await m("app.services.default_portfolio_service").DefaultPortfolioService(s).get_default_strategy(account)


async def _default_portfolio(m, s, account):
    return await m("app.services.default_portfolio_service").DefaultPortfolioService(s).get_default_portfolio(account)


async def _token(m, s, symbol):
    return await m("app.services.position_service").PositionService(s).resolve_instrument_token(symbol, "NSE")


async def _create_strategy(m, s, account):
    strategy_id = await m("app.services.default_portfolio_service").DefaultPortfolioService(
        s).get_or_create_default_strategy(account)
    await s.commit()
    return strategy_id


CASES: Dict[str, Callable[..., Any]] = {
    "default strategy found": lambda m, s: _default_strategy(m, s, 1002),
    "default strategy missing": lambda m, s: _default_strategy(m, s, 1001),
    "default portfolio found": lambda m, s: _default_portfolio(m, s, 1002),
    "default portfolio missing": lambda m, s: _default_portfolio(m, s, 1001),
    "instrument token found": lambda m, s: _token(m, s, "INFY"),
    "instrument token missing": lambda m, s: _token(m, s, "NO-SUCH"),
    "default strategy created": lambda m, s: _create_strategy(m, s, 1001),
    "default strategy exists": lambda m, s: _create_strategy(m, s, 1002),
}


def run_case(cluster, root: Path, case: str, handlers: Path = None):
    """(result, the owner's strategy table after, the HTTP requests made)."""
    requests: List[str] = []

    async def go():
        from sqlalchemy.ext.asyncio import AsyncSession

        with the_app(root) as m:
            engine = m("app.db").create_engine(url, pool_size=2)
            owner_engine = m("app.db").create_engine(url, pool_size=2)
            clients = []
            if handlers is not None:
                transport = httpx.ASGITransport(app=owner_app(handlers, owner_engine, requests))
                base = m("app.clients.base")
                for module, cls in (("strategy_service_client", "StrategyServiceClient"),
                                    ("market_data_service_client", "MarketDataServiceClient")):
                    client_cls = getattr(m(f"app.clients.{module}"), cls)
                    client = client_cls("http://owner.test", transport=transport, max_attempts=1)
                    base.set_shared_client(client_cls, client)
                    clients.append(client)
            try:
                async with AsyncSession(engine, expire_on_commit=False) as session:
                    return await CASES[case](m, session)
            finally:
                for client in clients:
                    await client.aclose()
                await engine.dispose()
                await owner_engine.dispose()

    with fresh_database(cluster) as (dsn, url):
        result = asyncio.run(go())
        return result, table(dsn, STRATEGIES), requests


@pytest.mark.parametrize("case", sorted(CASES))
def test_before_and_after_give_the_same(trees, cluster, case):
    before, after, handlers, _ = trees
    expected, expected_table, _ = run_case(cluster, before, case)
    got, got_table, requests = run_case(cluster, after, case, handlers)
    assert requests, f"{case}: the rewritten code made no request to the owner"
    assert got == expected
    assert [type(v) for v in (got.values() if isinstance(got, dict) else [got])] == \
        [type(v) for v in (expected.values() if isinstance(expected, dict) else [expected])]
    assert got_table == expected_table


def test_the_cases_cover_a_missing_row_a_decimal_and_a_write(trees, cluster):
    before, _, _, _ = trees
    found, _, _ = run_case(cluster, before, "default portfolio found")
    assert found["capital"] == Decimal("1234.50") and isinstance(found["capital"], Decimal)
    missing, _, _ = run_case(cluster, before, "default portfolio missing")
    assert missing is None
    created, table_after, _ = run_case(cluster, before, "default strategy created")
    assert any(r["strategy_id"] == created and r["trading_account_id"] == 1001 for r in table_after)


def test_the_generated_contract_is_valid_openapi_and_names_every_operation(trees):
    yaml = pytest.importorskip("yaml")
    validator = pytest.importorskip("openapi_spec_validator")
    _, after, _, proc = trees
    document = yaml.safe_load((after / "contract.yaml").read_text())
    validator.validate(document)
    operations = {op["operationId"]: (verb.upper(), path) for path, item in document["paths"].items()
                  for verb, op in item.items()}
    assert operations == {
        "algo_engine.create_default_strategy": ("POST", "/strategies/default"),
        "algo_engine.get_default_strategy": ("GET", "/strategies/default/{trading_account_id}"),
        "algo_engine.get_portfolio": ("GET", "/portfolio/first"),
        "market_data.get_instrument_registry_instrument_token": ("GET", "/instrument_registry/first/instrument_token"),
    }
    assert "client methods written   2" in proc.stderr
    refused = {(r["path"], r["reason"].split(" (")[0]) for r in document["x-refused"]["algo_engine"]}
    assert ("app/services/transfer_instruction_generator.py", "client method does not take these arguments") in refused
    assert ("app/services/pnl_service.py", "write in a transaction that also writes other tables") in refused


def test_the_generated_code_is_lint_clean(trees):
    _, after, handlers, _ = trees
    proc = subprocess.run([sys.executable, "-m", "flake8", "--max-line-length", "120",
                           str(after / "app" / "clients"), str(handlers)], capture_output=True, text=True)
    assert proc.stdout == "" and proc.returncode == 0, proc.stdout + proc.stderr
