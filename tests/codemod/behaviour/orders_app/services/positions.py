"""Position and execution views (psycopg 3 AsyncConnection cursors)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

import psycopg
from psycopg.rows import dict_row

from orders_app.sites import site


@site("psycopg_async", {"strategy_id": 1}, {"strategy_id": 2}, {"strategy_id": 999})
async def strategy_pnl_and_risk(conn: psycopg.AsyncConnection, strategy_id: int) -> Optional[Tuple[Decimal, int]]:
    """cur.execute() then fetchone() on a default (tuple) cursor; index access."""
    async with conn.cursor() as cur:
        await cur.execute("SELECT total_pnl, risk_score FROM public.strategy WHERE strategy_id = %s", (strategy_id,))
        row = await cur.fetchone()
    if row is None:
        return None
    return row[0], row[1]


@site("psycopg_async", {"strategy_id": 1}, {"strategy_id": 3})
async def live_executions(conn: psycopg.AsyncConnection, strategy_id: int) -> List[Dict[str, Any]]:
    """dict_row cursor; `<>` constant condition; fetchall() returned as a list of dicts."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT execution_id, qty, price FROM algo_engine.executions "
            "WHERE strategy_id = %(sid)s AND status <> 'cancelled' ORDER BY execution_id",
            {"sid": strategy_id},
        )
        return await cur.fetchall()


@site("psycopg_async", {"strategy_id": 5, "qty": 3, "price": Decimal("1812.50")}, writes=True)
async def book_fill(conn: psycopg.AsyncConnection, strategy_id: int, qty: int, price: Decimal) -> int:
    """INSERT with %s placeholders; cur.rowcount returned."""
    async with conn.cursor() as cur:
        await cur.execute(
            "INSERT INTO algo_engine.executions (strategy_id, order_ref, status, qty, price, executed_at, trade_date) "
            "VALUES (%s, %s, 'filled', %s, %s, %s, %s)",
            (strategy_id, uuid.UUID("9e5d1f00-2c3b-4a59-8e7d-6f5a4b3c2d1e"), qty, price,
             datetime(2024, 5, 8, 10, 0, tzinfo=timezone.utc), date(2024, 5, 8)),
        )
        return cur.rowcount


@site("psycopg_async", {"pattern": "%core%"}, {"pattern": "zzz%"})
async def portfolio_names_like(conn: psycopg.AsyncConnection, pattern: str) -> List[str]:
    """ILIKE with a bound pattern; a constant LIMIT; fetchall() of tuple rows, row[0] in a comprehension."""
    async with conn.cursor() as cur:
        await cur.execute(
            "SELECT name FROM public.portfolio WHERE name ILIKE %s ORDER BY name LIMIT 5", (pattern,)
        )
        rows = await cur.fetchall()
    return [r[0] for r in rows]


@site("psycopg_async", {"trading_account_id": 1001}, {"trading_account_id": 1002})
async def open_portfolios(conn: psycopg.AsyncConnection, trading_account_id: int) -> List[Tuple[int, str]]:
    """dict_row cursor, fetchall(); `closed_on IS NULL` and a bare boolean NOT; tuples from key access."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT portfolio_id, name FROM public.portfolio "
            "WHERE trading_account_id = %s AND closed_on IS NULL AND NOT is_default ORDER BY portfolio_id",
            (trading_account_id,),
        )
        rows = await cur.fetchall()
    return [(row["portfolio_id"], row["name"]) for row in rows]


@site("psycopg_async", {"portfolio_id": 21, "capital": Decimal("15000.00")}, writes=True)
async def move_capital(conn: psycopg.AsyncConnection, portfolio_id: int, capital: Decimal) -> int:
    """UPDATE in `async with conn.transaction():` that writes nothing else: one statement, still atomic alone."""
    async with conn.transaction():
        async with conn.cursor() as cur:
            await cur.execute(
                "UPDATE public.portfolio SET capital = %s WHERE portfolio_id = %s AND closed_on IS NULL",
                (capital, portfolio_id),
            )
            return cur.rowcount
