"""End-of-day risk report (psycopg 3 sync cursors, default tuple rows and dict_row)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional

import psycopg
from psycopg.rows import dict_row

from orders_app.sites import site


@site("psycopg", {"trading_account_id": 1001}, {"trading_account_id": 1003}, {"trading_account_id": 1002})
def order_limits(conn: psycopg.Connection, trading_account_id: int) -> Optional[Dict[str, Any]]:
    """Tuple cursor; fetchone(); a bare boolean condition; `a, b = row` unpacking."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT max_order_value, max_daily_loss FROM public.risk_limits "
            "WHERE trading_account_id = %s AND is_enabled",
            (trading_account_id,),
        )
        row = cur.fetchone()
    if row is None:
        return None
    max_order, max_loss = row
    return {"max_order": max_order, "max_loss": max_loss, "loss_capped": max_loss is not None}


@site("psycopg", {})
def enabled_accounts(conn: psycopg.Connection) -> List[int]:
    """dict_row cursor; fetchall(); a for loop with key access."""
    accounts = []
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT trading_account_id FROM public.risk_limits WHERE is_enabled = TRUE ORDER BY trading_account_id"
        )
        for row in cur.fetchall():
            accounts.append(row["trading_account_id"])
    return accounts


@site("psycopg", {"trading_account_id": 1002}, {"trading_account_id": 1001}, {"trading_account_id": 42})
def limit_note(conn: psycopg.Connection, trading_account_id: int) -> str:
    """dict_row cursor; fetchone(); key access of a nullable text column."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT note FROM public.risk_limits WHERE trading_account_id = %(a)s", {"a": trading_account_id})
        row = cur.fetchone()
    if not row:
        return "no limits"
    return row["note"] or "-"


@site("psycopg", {"trading_account_id": 1005}, {"trading_account_id": 42}, writes=True)
def disable_limits(conn: psycopg.Connection, trading_account_id: int) -> int:
    """UPDATE with two constant SET values (FALSE, a string); cur.rowcount."""
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE public.risk_limits SET is_enabled = FALSE, note = 'disabled by orders' "
            "WHERE trading_account_id = %s",
            (trading_account_id,),
        )
        return cur.rowcount


@site("psycopg", {"before": date(2024, 1, 1)}, {"before": date(2024, 5, 1)}, writes=True)
def purge_stale_limits(conn: psycopg.Connection, before: date) -> int:
    """DELETE with `<` on a date and a constant boolean condition; cur.rowcount."""
    with conn.cursor() as cur:
        cur.execute("DELETE FROM public.risk_limits WHERE updated_on < %s AND is_enabled = FALSE", (before,))
        return cur.rowcount


@site("psycopg", {"offset": 0}, {"offset": 2}, {"offset": 4})
def limits_page(conn: psycopg.Connection, offset: int) -> List[Dict[str, Any]]:
    """dict_row cursor; a constant LIMIT and a bound OFFSET; the dict rows returned."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT trading_account_id, max_order_value, updated_on FROM public.risk_limits "
            "ORDER BY trading_account_id LIMIT 2 OFFSET %s",
            (offset,),
        )
        return cur.fetchall()


@site("psycopg", {"max_value": Decimal("100000.00")}, {"max_value": Decimal("1")})
def accounts_above(conn: psycopg.Connection, max_value: Decimal) -> List[int]:
    """`>=` on numeric, IS NOT NULL; fetchall() of tuple rows; a for loop appending row[0]."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT trading_account_id FROM public.risk_limits "
            "WHERE max_order_value >= %s AND max_daily_loss IS NOT NULL ORDER BY trading_account_id",
            (max_value,),
        )
        rows = cur.fetchall()
    result = []
    for row in rows:
        result.append(row[0])
    return result


@site("psycopg", {"trading_account_id": 1006, "max_order_value": Decimal("60000.00")}, writes=True)
def create_limits(conn: psycopg.Connection, trading_account_id: int, max_order_value: Decimal) -> int:
    """INSERT ... RETURNING limit_id read with fetchone()[0]."""
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO public.risk_limits "
            "(trading_account_id, max_order_value, max_daily_loss, is_enabled, updated_on) "
            "VALUES (%s, %s, NULL, TRUE, %s) RETURNING limit_id",
            (trading_account_id, max_order_value, date(2024, 5, 9)),
        )
        return cur.fetchone()[0]


@site("psycopg", {"trading_account_id": 1002, "max_order_value": Decimal("250000.00")},
      {"trading_account_id": 1007, "max_order_value": Decimal("10.00")}, writes=True)
def upsert_limits(conn: psycopg.Connection, trading_account_id: int, max_order_value: Decimal) -> int:
    """Upsert ON CONFLICT (unique column) DO UPDATE; psycopg named placeholders; cur.rowcount."""
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO public.risk_limits (trading_account_id, max_order_value, is_enabled, updated_on) "
            "VALUES (%(a)s, %(v)s, TRUE, %(d)s) "
            "ON CONFLICT (trading_account_id) DO UPDATE SET max_order_value = EXCLUDED.max_order_value, "
            "updated_on = EXCLUDED.updated_on",
            {"a": trading_account_id, "v": max_order_value, "d": date(2024, 5, 10)},
        )
        return cur.rowcount


# --- sites a correct codemod must leave as SQL ------------------------------------


@site("psycopg", {"trading_account_id": 1001}, writes=True)
def freeze_account(conn: psycopg.Connection, trading_account_id: int) -> None:
    """`with conn.transaction():` writing the service's own table and another service's."""
    with conn.transaction():
        with conn.cursor() as cur:
            cur.execute(
                "INSERT INTO orders.order_events (order_id, kind, detail) VALUES (NULL, 'freeze', %s)",
                (str(trading_account_id),),
            )
            cur.execute(
                "UPDATE public.risk_limits SET is_enabled = FALSE WHERE trading_account_id = %s",
                (trading_account_id,),
            )


@site("psycopg", {"trading_account_id": 1002})
def limits_with_fallback(conn: psycopg.Connection, trading_account_id: int) -> Optional[Decimal]:
    """SQL inside `except ServiceError:` after a call to the owner's (sync) client."""
    from orders_app.clients.errors import ServiceError
    from orders_app.clients.risk import get_risk_client

    try:
        return Decimal(get_risk_client().get_limit_summary(trading_account_id)["max_order_value"])
    except ServiceError:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT max_order_value FROM public.risk_limits WHERE trading_account_id = %s", (trading_account_id,)
            )
            row = cur.fetchone()
        return row[0] if row else None
