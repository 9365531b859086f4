"""Database access: SQLAlchemy 2 async engine over psycopg 3.

Every connection sets ``search_path`` to ``order_service, public``, so an
unqualified ``orders`` is the service's own ``order_service.orders``.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator, Optional

import psycopg
from psycopg.rows import dict_row
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.config import get_settings

SEARCH_PATH = ("order_service", "public")
_CONNECT_OPTIONS = "-c search_path=" + ",".join(SEARCH_PATH)

_engine: Optional[AsyncEngine] = None
_sessionmaker: Optional[async_sessionmaker] = None


def create_engine(url: str, *, echo: bool = False, pool_size: int = 5) -> AsyncEngine:
    """A new async engine for ``url`` (``postgresql+psycopg://...``)."""
    return create_async_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=10,
        connect_args={"options": _CONNECT_OPTIONS, "application_name": "order_service"},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def get_engine() -> AsyncEngine:
    """The process-wide engine, built from settings on first use."""
    global _engine, _sessionmaker
    if _engine is None:
        _engine = create_engine(get_settings().database_url)
        _sessionmaker = make_sessionmaker(_engine)
    return _engine


@asynccontextmanager
async def session_scope() -> AsyncIterator[AsyncSession]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    get_engine()
    assert _sessionmaker is not None
    async with _sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def dispose_engine() -> None:
    """Close the pool (application shutdown)."""
    global _engine, _sessionmaker
    if _engine is not None:
        await _engine.dispose()
    _engine = None
    _sessionmaker = None


def libpq_conninfo(url: str) -> str:
    """Turn a SQLAlchemy URL into a libpq URI for plain psycopg connections.

    >>> libpq_conninfo("postgresql+psycopg://u:p@db:5432/trading")
    'postgresql://u:p@db:5432/trading'
    """
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def raw_connection(url: Optional[str] = None) -> AsyncIterator[psycopg.AsyncConnection]:
    """A plain psycopg async connection (dict rows), for code written against the driver."""
    conninfo = libpq_conninfo(url or get_settings().database_url)
    conn = await psycopg.AsyncConnection.connect(conninfo, options=_CONNECT_OPTIONS, row_factory=dict_row)
    try:
        yield conn
    finally:
        await conn.close()
