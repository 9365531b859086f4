"""Broker account lookups for order routing (asyncpg, the hot path)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence, Tuple

import asyncpg

from orders_app.sites import site


@site("asyncpg", {"account_id": "ZX1002"}, {"account_id": "NOPE"})
async def account_user_name(conn: asyncpg.Connection, account_id: str) -> Optional[str]:
    """fetchrow() with $1; key access behind `if row`."""
    row = await conn.fetchrow(
        "SELECT account_id, user_name, sync_tier FROM public.kite_accounts WHERE account_id = $1", account_id
    )
    if row:
        return row["user_name"]
    return None


@site("asyncpg", {"account_id": "ZX1001"}, {"account_id": "NOPE"})
async def account_tier(conn: asyncpg.Connection, account_id: str) -> str:
    """fetchval() of one column, with a default for a missing account."""
    tier = await conn.fetchval("SELECT sync_tier FROM public.kite_accounts WHERE account_id = $1", account_id)
    return tier or "cold"


@site("asyncpg", {})
async def active_account_ids(conn: asyncpg.Connection) -> List[str]:
    """fetch() with `= TRUE`, ORDER BY; list comprehension with key access."""
    rows = await conn.fetch(
        "SELECT account_id, user_name FROM public.kite_accounts WHERE is_active = TRUE ORDER BY account_id"
    )
    return [r["account_id"] for r in rows]


@site("asyncpg", {"before": datetime(2024, 6, 1, tzinfo=timezone.utc)},
      {"before": datetime(2024, 1, 1, tzinfo=timezone.utc)})
async def keys_expiring_before(conn: asyncpg.Connection, before: datetime) -> Dict[str, datetime]:
    """fetch() with `<` on a timestamptz and IS NOT NULL; dict comprehension."""
    rows = await conn.fetch(
        "SELECT account_id, api_key_expires_at FROM public.kite_accounts "
        "WHERE api_key_expires_at < $1 AND api_key_expires_at IS NOT NULL ORDER BY api_key_expires_at",
        before,
    )
    return {r["account_id"]: r["api_key_expires_at"] for r in rows}


@site("asyncpg", {"account_id": "ZX1004", "tier": "hot"}, {"account_id": "NOPE", "tier": "hot"}, writes=True)
async def set_sync_tier(conn: asyncpg.Connection, account_id: str, tier: str) -> None:
    """execute() of an UPDATE with positional $n arguments; the status string is discarded."""
    await conn.execute("UPDATE public.kite_accounts SET sync_tier = $1 WHERE account_id = $2", tier, account_id)


@site("asyncpg", {"account_id": "ZX1001"}, {"account_id": "ZX1003"}, {"account_id": "NOPE"})
async def available_margin(conn: asyncpg.Connection, account_id: str) -> Decimal:
    """The registry's explicit rewrite get_account_margin(account_id), written with $1; fetchval()."""
    margin = await conn.fetchval("SELECT margin FROM public.kite_accounts WHERE account_id = $1", account_id)
    return margin if margin is not None else Decimal("0")


@site("asyncpg", {"account_id": "ZX1001"}, {"account_id": "ZX1003"}, {"account_id": "NOPE"})
async def account_profile(conn: asyncpg.Connection, account_id: str) -> Optional[Dict[str, Any]]:
    """fetchrow(); dict(row) returned: text, bool, timestamptz, numeric and NULL values."""
    row = await conn.fetchrow(
        "SELECT account_id, user_name, is_active, api_key_expires_at, margin "
        "FROM public.kite_accounts WHERE account_id = $1",
        account_id,
    )
    return dict(row) if row is not None else None


@site("asyncpg", {"tiers": ["hot", "warm"]}, {"tiers": ["frozen"]})
async def accounts_in_tiers(conn: asyncpg.Connection, tiers: Sequence[str]) -> List[Tuple[str, str]]:
    """`= ANY($1)` with a list; fetch(); tuples built from key access."""
    rows = await conn.fetch(
        "SELECT account_id, sync_tier FROM public.kite_accounts WHERE sync_tier = ANY($1) ORDER BY account_id",
        list(tiers),
    )
    return [(r["account_id"], r["sync_tier"]) for r in rows]


@site("asyncpg", {"account_id": "ZX1005"}, {"account_id": "NOPE"})
async def account_exists(conn: asyncpg.Connection, account_id: str) -> bool:
    """fetchrow(); `row is not None`."""
    row = await conn.fetchrow("SELECT account_id FROM public.kite_accounts WHERE account_id = $1", account_id)
    return row is not None


@site("asyncpg", {"trading_account_id": 1002}, {"trading_account_id": 1003})
async def account_for_trading_account(conn: asyncpg.Connection, trading_account_id: int) -> Optional[Tuple[str, bool]]:
    """fetchrow(); index access row[0], row[1]."""
    row = await conn.fetchrow(
        "SELECT account_id, is_active FROM public.kite_accounts WHERE trading_account_id = $1",
        trading_account_id,
    )
    if row is None:
        return None
    return row[0], row[1]


# --- sites a correct codemod must leave as SQL ------------------------------------


@site("asyncpg", {"account_id": "ZX1002"}, {"account_id": "NOPE"})
async def margin_row(conn: asyncpg.Connection, account_id: str) -> Optional[Decimal]:
    """The explicit rewrite's statement (get_account_margin, `value or null`) read as a row: another shape."""
    row = await conn.fetchrow("SELECT margin FROM public.kite_accounts WHERE account_id = $1", account_id)
    return row["margin"] if row else None


@site("asyncpg", {"account_id": "ZX1002"}, writes=True)
async def deactivate_account(conn: asyncpg.Connection, account_id: str) -> None:
    """`async with conn.transaction():` writing the service's own table and another service's."""
    async with conn.transaction():
        await conn.execute(
            "INSERT INTO orders.order_events (order_id, kind, detail) VALUES (NULL, 'deactivate', $1)", account_id
        )
        await conn.execute("UPDATE public.kite_accounts SET is_active = FALSE WHERE account_id = $1", account_id)
