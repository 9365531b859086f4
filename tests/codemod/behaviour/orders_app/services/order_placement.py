"""Order placement and strategy housekeeping (SQLAlchemy AsyncSession): writes to other services' tables."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal
from typing import Optional

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from orders_app.clients.algo_engine import get_algo_client
from orders_app.clients.errors import ServiceError
from orders_app.sites import site

FILLED_AT = datetime(2024, 5, 7, 9, 30, tzinfo=timezone.utc)


@site("sqlalchemy_async", {"strategy_id": 1}, {"strategy_id": 4}, {"strategy_id": 1}, writes=True)
async def archive_strategy(session: AsyncSession, strategy_id: int) -> int:
    """UPDATE with constant SET values and a constant match condition; result.rowcount returned."""
    result = await session.execute(
        text(
            "UPDATE public.strategy SET is_archived = TRUE, status = 'archived' "
            "WHERE strategy_id = :strategy_id AND is_archived = FALSE"
        ),
        {"strategy_id": strategy_id},
    )
    return result.rowcount


@site("sqlalchemy_async", {"strategy_id": 3, "order_ref": uuid.UUID("5d0c7c1e-9a4b-4e0f-8d1a-3c2b1a098f10"),
                           "qty": 25, "price": Decimal("101.40")}, writes=True)
async def record_fill(session: AsyncSession, strategy_id: int, order_ref: uuid.UUID, qty: int, price: Decimal) -> None:
    """INSERT of one row, bound uuid/numeric/timestamptz/date values and a constant ('filled'); result discarded."""
    await session.execute(
        text(
            "INSERT INTO algo_engine.executions (strategy_id, order_ref, status, qty, price, executed_at, trade_date) "
            "VALUES (:strategy_id, :order_ref, 'filled', :qty, :price, :executed_at, :trade_date)"
        ),
        {"strategy_id": strategy_id, "order_ref": order_ref, "qty": qty, "price": price,
         "executed_at": FILLED_AT, "trade_date": FILLED_AT.date()},
    )


@site("sqlalchemy_async", {"strategy_id": 2, "name": "Bank mean revert v2"}, {"strategy_id": 999, "name": "x"},
      writes=True)
async def rename_strategy(session: AsyncSession, strategy_id: int, name: str) -> bool:
    """UPDATE with a bound SET value; `result.rowcount == 1`."""
    result = await session.execute(
        text("UPDATE public.strategy SET name = :name WHERE strategy_id = :strategy_id"),
        {"name": name, "strategy_id": strategy_id},
    )
    return result.rowcount == 1


@site("sqlalchemy_async", {"portfolio_id": 11, "name": "Derivatives (hedged)", "capital": Decimal("120000.00")},
      {"portfolio_id": 30, "name": "Intraday", "capital": Decimal("5000.25")}, writes=True)
async def save_portfolio(session: AsyncSession, portfolio_id: int, name: str, capital: Decimal) -> int:
    """Upsert: INSERT ... ON CONFLICT (pk) DO UPDATE SET c = EXCLUDED.c; a constant in the VALUES."""
    result = await session.execute(
        text(
            "INSERT INTO public.portfolio (portfolio_id, name, trading_account_id, capital, is_default) "
            "VALUES (:portfolio_id, :name, 1001, :capital, FALSE) "
            "ON CONFLICT (portfolio_id) DO UPDATE SET name = EXCLUDED.name, capital = EXCLUDED.capital"
        ),
        {"portfolio_id": portfolio_id, "name": name, "capital": capital},
    )
    return result.rowcount


@site("sqlalchemy_async", {"portfolio_id": 20}, {"portfolio_id": 31}, writes=True)
async def ensure_watch_portfolio(session: AsyncSession, portfolio_id: int) -> bool:
    """Upsert with ON CONFLICT DO NOTHING; rowcount tells whether a row was added."""
    result = await session.execute(
        text(
            "INSERT INTO public.portfolio (portfolio_id, name, trading_account_id, capital, is_default) "
            "VALUES (:portfolio_id, 'Watchlist', 1002, 0, FALSE) ON CONFLICT (portfolio_id) DO NOTHING"
        ),
        {"portfolio_id": portfolio_id},
    )
    return result.rowcount > 0


@site("sqlalchemy_async", {"trading_account_id": 1004, "name": "Gap fill"}, writes=True)
async def create_draft_strategy(session: AsyncSession, trading_account_id: int, name: str) -> int:
    """INSERT ... RETURNING strategy_id read as a value (scalar()); constants TRUE/FALSE/'draft'/0."""
    result = await session.execute(
        text(
            "INSERT INTO public.strategy "
            "(name, trading_account_id, status, is_default, is_archived, total_pnl, created_at) "
            "VALUES (:name, :account, 'draft', FALSE, FALSE, 0, :created_at) RETURNING strategy_id"
        ),
        {"name": name, "account": trading_account_id, "created_at": FILLED_AT},
    )
    return result.scalar()


@site("sqlalchemy_async", {"trading_account_id": 1002}, {"trading_account_id": 1001}, writes=True)
async def discard_drafts(session: AsyncSession, trading_account_id: int) -> int:
    """DELETE with a bound and a constant condition; rowcount."""
    result = await session.execute(
        text("DELETE FROM public.strategy WHERE trading_account_id = :a AND status = 'draft'"),
        {"a": trading_account_id},
    )
    return result.rowcount


@site("sqlalchemy_async", {"strategy_id": 1}, {"strategy_id": 3}, writes=True)
async def cancel_open_executions(session: AsyncSession, strategy_id: int) -> int:
    """UPDATE ... SET status = 'cancelled' WHERE ... AND status IN ('pending', 'partial')."""
    result = await session.execute(
        text(
            "UPDATE algo_engine.executions SET status = 'cancelled' "
            "WHERE strategy_id = :strategy_id AND status IN ('pending', 'partial')"
        ),
        {"strategy_id": strategy_id},
    )
    return result.rowcount


@site("sqlalchemy_async", {"strategy_id": 2, "status": "active"}, {"strategy_id": 999, "status": "paused"}, writes=True)
async def set_status(session: AsyncSession, strategy_id: int, status: str) -> int:
    """The registry's explicit rewrite set_strategy_status(strategy_id, status): placeholders in another order."""
    result = await session.execute(
        text("UPDATE public.strategy SET status = :status, updated_by = 'orders' WHERE strategy_id = :strategy_id"),
        {"status": status, "strategy_id": strategy_id},
    )
    return result.rowcount


@site("sqlalchemy_async", {"trading_account_id": 1001, "strategy_id": 1}, writes=True)
async def log_and_read_strategy(session: AsyncSession, trading_account_id: int, strategy_id: int) -> Optional[str]:
    """The service's own write (orders.order_events) then another service's read in one unit of work."""
    await session.execute(
        text("INSERT INTO orders.order_events (order_id, kind, detail) VALUES (NULL, 'lookup', :detail)"),
        {"detail": f"strategy {strategy_id} for {trading_account_id}"},
    )
    row = (
        await session.execute(
            text("SELECT status FROM public.strategy WHERE strategy_id = :sid AND trading_account_id = :a"),
            {"sid": strategy_id, "a": trading_account_id},
        )
    ).first()
    return row.status if row else None


# --- sites a correct codemod must leave as SQL ------------------------------------


@site("sqlalchemy_async", {"strategy_id": 3, "qty": 10}, writes=True)
async def place_order_and_go_live(session: AsyncSession, strategy_id: int, qty: int) -> int:
    """`async with session.begin():` writing the service's own table and another service's: atomic."""
    async with session.begin():
        order_id = (
            await session.execute(
                text(
                    "INSERT INTO orders.orders "
                    "(trading_account_id, strategy_id, tradingsymbol, qty, side, status, placed_at) "
                    "VALUES (1001, :sid, 'INFY', :qty, 'BUY', 'OPEN', :at) RETURNING order_id"
                ),
                {"sid": strategy_id, "qty": qty, "at": FILLED_AT},
            )
        ).scalar_one()
        await session.execute(
            text("UPDATE public.strategy SET status = 'live' WHERE strategy_id = :sid"), {"sid": strategy_id}
        )
    return order_id


@site("sqlalchemy_async", {"strategy_id": 5, "user": "orders-bot"}, writes=True)
async def claim_strategy(session: AsyncSession, strategy_id: int, user: str) -> None:
    """A write to another service's table followed by commit() of the same session."""
    await session.execute(
        text("UPDATE public.strategy SET updated_by = :user WHERE strategy_id = :sid"),
        {"user": user, "sid": strategy_id},
    )
    await session.execute(
        text("INSERT INTO orders.order_events (order_id, kind, detail) VALUES (NULL, 'claim', :user)"),
        {"user": user},
    )
    await session.commit()


@site("sqlalchemy_async", {"strategy_id": 1}, writes=True)
async def reset_strategy_pnl(session: AsyncSession, strategy_id: int) -> int:
    """A decimal literal in SET (0.00): a value the client cannot be given as is."""
    result = await session.execute(
        text("UPDATE public.strategy SET total_pnl = 0.00 WHERE strategy_id = :sid"), {"sid": strategy_id}
    )
    return result.rowcount


@site("sqlalchemy_async", {"strategy_id": 3}, {"strategy_id": 999})
async def strategy_name_with_fallback(session: AsyncSession, strategy_id: int) -> Optional[str]:
    """SQL inside `except ServiceError:` after a call to the owner's client (the fallback)."""
    try:
        card = await (await get_algo_client()).get_strategy_card(strategy_id)
        return card["name"]
    except ServiceError:
        result = await session.execute(
            text("SELECT name FROM public.strategy WHERE strategy_id = :sid"), {"sid": strategy_id}
        )
        return result.scalar()
