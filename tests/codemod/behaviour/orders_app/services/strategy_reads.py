"""Strategy and portfolio lookups for the order screens (SQLAlchemy AsyncSession, text())."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from orders_app.sites import site

STRATEGY_BY_ID = "SELECT strategy_id, name, status FROM public.strategy WHERE strategy_id = :strategy_id"
# the full row the export and badge helpers hand around
STRATEGY_ROW = (
    "SELECT strategy_id, name, status, total_pnl FROM public.strategy WHERE strategy_id = :strategy_id"
)


@site("sqlalchemy_async", {"strategy_id": 2}, {"strategy_id": 999})
async def strategy_name(session: AsyncSession, strategy_id: int) -> Optional[str]:
    """fetchone() on a chained execute of a module-level SQL constant (shared with strategy_label);
    `row is None`; attribute access (row.name)."""
    row = (await session.execute(text(STRATEGY_BY_ID), {"strategy_id": strategy_id})).fetchone()
    if row is None:
        return None
    return row.name


@site("sqlalchemy_async", {"strategy_id": 3}, {"strategy_id": 999})
async def strategy_label(session: AsyncSession, strategy_id: int) -> str:
    """result = execute(); row = result.first(); `if not row`; index access row[1], row[2]."""
    result = await session.execute(text(STRATEGY_BY_ID), {"strategy_id": strategy_id})
    row = result.first()
    if not row:
        return "unknown strategy"
    return f"{row[1]} ({row[2]})"


@site("sqlalchemy_async", {"strategy_id": 1}, {"strategy_id": 2}, {"strategy_id": 999})
async def strategy_total_pnl(session: AsyncSession, strategy_id: int) -> Optional[Decimal]:
    """scalar() of one numeric column: a Decimal value or None."""
    result = await session.execute(
        text("SELECT total_pnl FROM public.strategy WHERE strategy_id = :sid"), {"sid": strategy_id}
    )
    return result.scalar()


@site("sqlalchemy_async", {"strategy_id": 1}, {"strategy_id": 2})
async def strategy_risk_score(session: AsyncSession, strategy_id: int) -> int:
    """scalar_one_or_none() of a nullable int column, defaulted by the caller's `or`."""
    score = (
        await session.execute(
            text("SELECT risk_score FROM public.strategy WHERE strategy_id = :strategy_id"),
            {"strategy_id": strategy_id},
        )
    ).scalar_one_or_none()
    return score or 0


@site("sqlalchemy_async", {"strategy_id": 1}, {"strategy_id": 2}, {"strategy_id": 999})
async def strategy_summary(session: AsyncSession, strategy_id: int) -> Optional[Dict[str, Any]]:
    """mappings().first(); dict(row) returned: numeric, timestamptz, uuid and jsonb values, NULLs."""
    result = await session.execute(
        text(
            "SELECT name, total_pnl, created_at, external_ref, config "
            "FROM public.strategy WHERE strategy_id = :strategy_id"
        ),
        {"strategy_id": strategy_id},
    )
    row = result.mappings().first()
    return dict(row) if row else None


@site("sqlalchemy_async", {"trading_account_id": 1001}, {"trading_account_id": 1002}, {"trading_account_id": 77})
async def active_strategies(session: AsyncSession, trading_account_id: int) -> List[Dict[str, Any]]:
    """mappings().all() with a constant filter (status = 'active') and ORDER BY; key access in a comprehension."""
    result = await session.execute(
        text(
            "SELECT strategy_id, name FROM public.strategy "
            "WHERE trading_account_id = :account AND status = 'active' ORDER BY name"
        ),
        {"account": trading_account_id},
    )
    rows = result.mappings().all()
    return [{"id": r["strategy_id"], "label": r["name"].upper()} for r in rows]


@site("sqlalchemy_async", {"trading_account_id": 1001}, {"trading_account_id": 1002})
async def strategy_names_by_id(session: AsyncSession, trading_account_id: int) -> Dict[int, str]:
    """all(); a for loop over the rows with attribute access."""
    result = await session.execute(
        text("SELECT strategy_id, name FROM public.strategy WHERE trading_account_id = :a ORDER BY strategy_id"),
        {"a": trading_account_id},
    )
    names: Dict[int, str] = {}
    for row in result.all():
        names[row.strategy_id] = row.name
    return names


@site("sqlalchemy_async", {})
async def running_strategy_ids(session: AsyncSession) -> List[int]:
    """scalars().all() of one column; constant IN ('active', 'paused') filter."""
    result = await session.execute(
        text(
            "SELECT strategy_id FROM public.strategy "
            "WHERE status IN ('active', 'paused') ORDER BY strategy_id"
        )
    )
    return list(result.scalars().all())


@site("sqlalchemy_async", {"trading_account_id": 1001}, {"trading_account_id": 1003}, {"trading_account_id": 1002})
async def archived_strategy_count(session: AsyncSession, trading_account_id: int) -> int:
    """fetchall(); len(rows); a bare boolean column as the condition (AND is_archived)."""
    result = await session.execute(
        text("SELECT strategy_id FROM public.strategy WHERE trading_account_id = :a AND is_archived"),
        {"a": trading_account_id},
    )
    rows = result.fetchall()
    return len(rows)


@site("sqlalchemy_async", {"trading_account_id": 1001}, {"trading_account_id": 1002}, {"trading_account_id": 5})
async def newest_strategy(session: AsyncSession, trading_account_id: int) -> Optional[tuple]:
    """ORDER BY created_at DESC LIMIT 1; fetchone(); tuple unpacking `a, b = row`."""
    result = await session.execute(
        text(
            "SELECT strategy_id, created_at FROM public.strategy "
            "WHERE trading_account_id = :a ORDER BY created_at DESC LIMIT 1"
        ),
        {"a": trading_account_id},
    )
    row = result.fetchone()
    if row is None:
        return None
    strategy_id, created_at = row
    return strategy_id, created_at.date().isoformat()


@site("sqlalchemy_async", {})
async def unrated_strategy_names(session: AsyncSession) -> List[str]:
    """IS NULL condition; all(); list comprehension with attribute access."""
    rows = (
        await session.execute(
            text("SELECT name FROM public.strategy WHERE risk_score IS NULL ORDER BY strategy_id")
        )
    ).all()
    return [r.name for r in rows]


@site("sqlalchemy_async", {"trading_account_id": 1001, "page": 0, "size": 2},
      {"trading_account_id": 1001, "page": 1, "size": 2}, {"trading_account_id": 1001, "page": 5, "size": 2})
async def strategies_page(session: AsyncSession, trading_account_id: int, page: int, size: int) -> List[Dict[str, Any]]:
    """LIMIT :limit OFFSET :offset bound; mappings().all(); dict(row) for each row."""
    result = await session.execute(
        text(
            "SELECT strategy_id, name, status FROM public.strategy WHERE trading_account_id = :a "
            "ORDER BY strategy_id LIMIT :limit OFFSET :offset"
        ),
        {"a": trading_account_id, "limit": size, "offset": page * size},
    )
    return [dict(row) for row in result.mappings().all()]


@site("sqlalchemy_async", {"trading_account_id": 1001}, {"trading_account_id": 1003})
async def default_strategy(session: AsyncSession, trading_account_id: int) -> Optional[Dict[str, Any]]:
    """The registry's explicit rewrite (get_default_strategy); fetchone(); row._mapping."""
    result = await session.execute(
        text(
            """SELECT strategy_id, name, status FROM public.strategy
               WHERE trading_account_id = :trading_account_id AND is_default = TRUE
               ORDER BY strategy_id LIMIT 1"""
        ),
        {"trading_account_id": trading_account_id},
    )
    row = result.fetchone()
    if row is None:
        return None
    return dict(row._mapping)


@site("sqlalchemy_async", {"portfolio_id": 10}, {"portfolio_id": 12}, {"portfolio_id": 99})
async def open_portfolio_capital(session: AsyncSession, portfolio_id: int) -> Decimal:
    """first() with `IS NULL` (closed_on IS NULL); attribute access behind `if row`."""
    row = (
        await session.execute(
            text(
                "SELECT capital, closed_on FROM public.portfolio "
                "WHERE portfolio_id = :portfolio_id AND closed_on IS NULL"
            ),
            {"portfolio_id": portfolio_id},
        )
    ).first()
    if row:
        return row.capital
    return Decimal("0")


@site("sqlalchemy_async", {"portfolio_id": 11}, {"portfolio_id": 99})
async def fetch_portfolio(session: AsyncSession, portfolio_id: int):
    """A helper returning mappings().first() (a mapping row) to its caller."""
    result = await session.execute(
        text(
            "SELECT portfolio_id, name, capital, is_default FROM public.portfolio "
            "WHERE portfolio_id = :portfolio_id"
        ),
        {"portfolio_id": portfolio_id},
    )
    return result.mappings().first()


@site("sqlalchemy_async", {"strategy_id": 1, "since": date(2024, 5, 3)}, {"strategy_id": 3, "since": date(2024, 5, 1)})
async def traded_value_since(session: AsyncSession, strategy_id: int, since: date) -> Decimal:
    """A schema-qualified table of the owner's own schema; `>=` on a date; fetchall(); sum over rows."""
    result = await session.execute(
        text(
            "SELECT qty, price FROM algo_engine.executions "
            "WHERE strategy_id = :strategy_id AND trade_date >= :since "
            "ORDER BY executed_at, execution_id"
        ),
        {"strategy_id": strategy_id, "since": since},
    )
    rows = result.fetchall()
    return sum((row.qty * row.price for row in rows), Decimal("0"))


@site("sqlalchemy_async", {"trading_account_id": 1001}, {"trading_account_id": 1002})
async def strategy_ids_and_names(session: AsyncSession, trading_account_id: int) -> List[str]:
    """all() unpacked in the for target (`for strategy_id, name in rows`)."""
    rows = (
        await session.execute(
            text("SELECT strategy_id, name FROM public.strategy WHERE trading_account_id = :a ORDER BY strategy_id"),
            {"a": trading_account_id},
        )
    ).all()
    return [f"{strategy_id}:{name}" for strategy_id, name in rows]


@site("sqlalchemy_async", {"instrument_token": 738561}, {"instrument_token": 12335874})
async def lot_size_for_order(session: AsyncSession, instrument_token: int) -> int:
    """An async function reading a table whose owner has a synchronous client (market_data); scalar()."""
    lot = (
        await session.execute(
            text("SELECT lot_size FROM public.instrument_registry WHERE instrument_token = :token"),
            {"token": instrument_token},
        )
    ).scalar()
    return lot if lot is not None else 1


@site("sqlalchemy_async", {"portfolio_id": 20}, {"portfolio_id": 99})
async def portfolio_name(session: AsyncSession, portfolio_id: int) -> str:
    """one_or_none(); attribute access behind `row is not None`."""
    result = await session.execute(
        text("SELECT name FROM public.portfolio WHERE portfolio_id = :portfolio_id"), {"portfolio_id": portfolio_id}
    )
    row = result.one_or_none()
    return row.name if row is not None else f"portfolio {portfolio_id}"


@site("sqlalchemy_async", {"strategy_id": 1}, {"strategy_id": 6})
async def strategy_owner_account(session: AsyncSession, strategy_id: int) -> int:
    """scalar_one() (raises when there is none) for a strategy the caller knows exists."""
    result = await session.execute(
        text("SELECT trading_account_id FROM public.strategy WHERE strategy_id = :sid"), {"sid": strategy_id}
    )
    return result.scalar_one()


@site("sqlalchemy_async", {"strategy_id": 8}, {"strategy_id": 999})
async def strategy_display_name(session: AsyncSession, strategy_id: int) -> str:
    """A projection alias (name AS display_name) read by attribute."""
    row = (
        await session.execute(
            text("SELECT name AS display_name FROM public.strategy WHERE strategy_id = :sid"), {"sid": strategy_id}
        )
    ).first()
    return row.display_name if row else "?"


@site("sqlalchemy_async", {"strategy_id": 2}, {"strategy_id": 999})
async def strategy_csv_line(session: AsyncSession, strategy_id: int) -> str:
    """Iterating a tuple row's values: on a dict that is row.values() (a dict iterates its keys)."""
    row = (await session.execute(text(STRATEGY_ROW), {"strategy_id": strategy_id})).fetchone()
    if row is None:
        return ""
    return ",".join(str(value) for value in row)


# --- sites a correct codemod must leave as SQL ------------------------------------


@site("sqlalchemy_async", {})
async def portfolios_closed_before_cutover(session: AsyncSession) -> List[int]:
    """A cast of a literal in the condition ('2024-01-01'::date): a value the client cannot be given."""
    result = await session.execute(
        text("SELECT portfolio_id FROM public.portfolio WHERE closed_on < '2024-01-01'::date ORDER BY portfolio_id")
    )
    return [row.portfolio_id for row in result.all()]


@site("sqlalchemy_async", {"strategy_id": 3})
async def strategy_export_header(session: AsyncSession, strategy_id: int) -> List[str]:
    """row._fields: a Row attribute with no dict equivalent in docs/fix.md's list."""
    row = (
        await session.execute(
            text("SELECT strategy_id, name, total_pnl FROM public.strategy WHERE strategy_id = :sid"),
            {"sid": strategy_id},
        )
    ).first()
    return list(row._fields)


@site("sqlalchemy_async", {"strategy_id": 1}, {"strategy_id": 4})
async def strategy_name_from_star(session: AsyncSession, strategy_id: int) -> Optional[str]:
    """SELECT * read by position (row[1]): no projection name to turn the index into."""
    row = (
        await session.execute(text("SELECT * FROM public.strategy WHERE strategy_id = :sid"), {"sid": strategy_id})
    ).fetchone()
    return row[1] if row else None


@site("sqlalchemy_async", {"strategy_id": 5}, {"strategy_id": 999})
async def load_strategy_row(session: AsyncSession, strategy_id: int):
    """A helper returning a tuple Row (fetchone()) to its caller: a dict is another object kind."""
    result = await session.execute(text(STRATEGY_ROW), {"strategy_id": strategy_id})
    return result.fetchone()


@site("sqlalchemy_async", {"trading_account_id": 1002})
async def strategy_rows_for_account(session: AsyncSession, trading_account_id: int):
    """A helper returning all() (a list of tuple Rows) to its caller."""
    return (
        await session.execute(
            text("SELECT strategy_id, name FROM public.strategy WHERE trading_account_id = :a ORDER BY strategy_id"),
            {"a": trading_account_id},
        )
    ).all()


def _strategy_badge(row) -> str:
    return f"#{row[0]} {row.name}"


@site("sqlalchemy_async", {"strategy_id": 3})
async def strategy_badge(session: AsyncSession, strategy_id: int) -> str:
    """A tuple Row passed to another function, which reads it by index and by attribute."""
    row = (await session.execute(text(STRATEGY_ROW), {"strategy_id": strategy_id})).fetchone()
    return _strategy_badge(row)


@site("sqlalchemy_async", {"order_id": 1}, {"order_id": 3})
async def order_with_strategy_name(session: AsyncSession, order_id: int) -> Optional[str]:
    """A JOIN of the service's own table with another service's: no conventional method."""
    result = await session.execute(
        text(
            "SELECT o.order_id, s.name FROM orders.orders o "
            "JOIN public.strategy s ON s.strategy_id = o.strategy_id WHERE o.order_id = :order_id"
        ),
        {"order_id": order_id},
    )
    row = result.first()
    return row.name if row else None


@site("sqlalchemy_async", {})
async def strategies_per_status(session: AsyncSession) -> Dict[str, int]:
    """GROUP BY with count(*): a computed column, no conventional method."""
    result = await session.execute(
        text("SELECT status, count(*) AS n FROM public.strategy GROUP BY status ORDER BY status")
    )
    return {row.status: row.n for row in result.all()}
