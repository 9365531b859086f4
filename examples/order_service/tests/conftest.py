"""Fixtures for the order service example.

One PostgreSQL cluster per test session (see ``pg_cluster.py``), one template
database holding the legacy shared schema, its seed data and all seven
migrations, and a fresh database cloned from the template for every test.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List

import httpx
import pytest

EXAMPLE_ROOT = Path(__file__).resolve().parent.parent
if str(EXAMPLE_ROOT) not in sys.path:
    sys.path.insert(0, str(EXAMPLE_ROOT))  # so that `import app` finds the example


def _load_pg_cluster():
    """Load tests/pg_cluster.py under one shared module name (no sys.path tricks)."""
    name = "order_service_example_pg_cluster"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("pg_cluster.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


pg_cluster = _load_pg_cluster()

from app.clients.base import set_shared_client  # noqa: E402
from app.config import override_settings  # noqa: E402
from app.db import create_engine  # noqa: E402

TEMPLATE_DB = f"order_service_template_{os.getpid()}"
_db_numbers = itertools.count(1)


@dataclass(frozen=True)
class Database:
    name: str
    dsn: str  # libpq, for psycopg
    url: str  # postgresql+psycopg://, for SQLAlchemy


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def cluster():
    return pg_cluster.shared_cluster()


@pytest.fixture(scope="session")
def template_db(cluster) -> str:
    cluster.drop_database(TEMPLATE_DB)
    dsn = cluster.create_database(TEMPLATE_DB)
    pg_cluster.apply_sql_files(
        dsn, [pg_cluster.LEGACY_SCHEMA_SQL, pg_cluster.LEGACY_SEED_SQL, *pg_cluster.migration_paths()]
    )
    yield TEMPLATE_DB
    cluster.drop_database(TEMPLATE_DB)


@pytest.fixture
def database(cluster, template_db):
    """A fresh copy of the template database for one test."""
    name = f"t_{os.getpid()}_{next(_db_numbers)}"
    dsn = cluster.create_database(name, template=template_db)
    yield Database(name=name, dsn=dsn, url=cluster.sqlalchemy_url(name))
    cluster.drop_database(name)


@pytest.fixture
async def engine(database):
    engine = create_engine(database.url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine):
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def query(database) -> Callable[..., List[dict]]:
    """Run SQL on the test database outside the code under test (sees committed rows)."""
    import psycopg
    from psycopg.rows import dict_row

    def run(sql: str, params: Any = None) -> List[dict]:
        with psycopg.connect(database.dsn, row_factory=dict_row, autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    return run


@pytest.fixture
def sleeps() -> List[float]:
    """Delays a client asked to sleep between retries (no real waiting)."""
    return []


@pytest.fixture
def mock_client(sleeps):
    """Build a client whose HTTP goes to ``handler(request) -> httpx.Response``."""
    async def record_sleep(delay: float) -> None:
        sleeps.append(delay)

    def build(cls, handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any):
        options = {"timeout": 1.0, "max_attempts": 3, "backoff_seconds": 0.1, "sleep": record_sleep}
        options.update(kwargs)
        client = cls(f"http://{cls.service_name.replace('_', '-')}.test", transport=httpx.MockTransport(handler), **options)
        return client

    return build


@pytest.fixture(autouse=True)
def _isolated_settings_and_clients():
    """No test sees another's settings or shared clients."""
    from app.clients import base

    yield
    override_settings(None)
    for cls in list(base._shared_clients):
        set_shared_client(cls, None)


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: needs PostgreSQL's initdb/pg_ctl (a throwaway cluster)")


def pytest_collection_modifyitems(config, items):
    """Tests on the database are marked ``postgres``: ``-m "not postgres"`` leaves them out."""
    for item in items:
        if "cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
