"""Order-service queries with SQLAlchemy: text() with :name binds, Core, 1.4 and 2.x spellings."""
from __future__ import annotations

from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .models import Position

POSITION_VALUE = text(
    """
    SELECT p.id,
           p.quantity * q.price AS value,
           i.symbol
      FROM orders.positions p
      JOIN tradingdb.quotes q ON q.instrument_id = p.instrument_id
      JOIN tradingdb.instruments i ON i.instrument_id = p.instrument_id
     WHERE p.account_id = :account_id
       AND q.ts = (SELECT max(ts) FROM tradingdb.quotes WHERE instrument_id = p.instrument_id)
    """
)


async def position_values(session: AsyncSession, account_id: int):
    result = await session.execute(POSITION_VALUE, {"account_id": account_id})
    return result.mappings().all()


async def strategy_meta(session: AsyncSession, strategy_id: int):
    row = await session.execute(
        text("SELECT s.name, s.meta->>'risk' AS risk FROM public.strategy s WHERE s.strategy_id = :sid::bigint"),
        {"sid": strategy_id},
    )
    return row.one_or_none()


async def record_event(session: AsyncSession, order_id, payload):
    await session.execute(
        text(
            "INSERT INTO tradingdb.order_events (order_id, payload) "
            "VALUES (:order_id::uuid, CAST(:payload AS jsonb))"
        ),
        {"order_id": order_id, "payload": payload},
    )
    await session.execute(
        text("UPDATE public.portfolio SET updated_at = now(), meta = meta || '{\"touched\": true}'::jsonb WHERE id = :pid"),
        {"pid": payload["portfolio_id"]},
    )


def legacy_engine_report(engine, day):
    # SQLAlchemy 1.4 style: a plain string to Engine.execute
    return engine.execute(
        "SELECT f.order_id, sum(f.qty) FROM tradingdb.fills f "
        "JOIN public.strategy_portfolio sp ON sp.strategy_id = f.strategy_id "
        "WHERE f.filled_at::date = %s GROUP BY f.order_id",
        day,
    ).fetchall()


def driver_sql(conn, account_id):
    return conn.exec_driver_sql(
        "SELECT cash FROM tradingdb.balances WHERE account_id = %(a)s", {"a": account_id}
    ).scalar()


def positions_with_core(session: Session, account_id: int):
    # Core select over our own mapped table: nothing to report
    stmt = select(Position).where(Position.account_id == account_id)
    return session.scalars(stmt).all()


def bound_in(session: Session, ids):
    stmt = text("SELECT * FROM tradingdb.candles WHERE instrument_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    return session.execute(stmt, {"ids": ids}).all()


def from_statement(session: Session):
    stmt = select(Position).from_statement(
        text("SELECT p.* FROM orders.positions p JOIN public.portfolio pf ON pf.id = p.portfolio_id WHERE pf.archived")
    )
    return session.scalars(stmt).all()


def with_connection(engine, signal_ids):
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE tradingdb.signals SET consumed = true WHERE signal_id = ANY(:ids)"),
            {"ids": signal_ids},
        )
        conn.execute(text("DELETE FROM orders.order_notes WHERE position_id IS NULL"))


def columns_typed(session: Session):
    stmt = text("SELECT account_id, status FROM tradingdb.accounts").columns(account_id=int, status=str)
    return session.execute(stmt).all()


# expect: 16 BND100 tradingdb.quotes
# expect: 31 BND100 public.strategy
# expect: 46 BND101 public.portfolio
# expect: 55 BND100 public.strategy_portfolio
# expect: 63 BND100 tradingdb.balances
# expect: 74 BND100 tradingdb.candles
# expect: 82 BND100 public.portfolio
# expect: 90 BND101 tradingdb.signals
# expect: 97 BND100 tradingdb.accounts
# expect: 93 BND108 orders.order_notes
