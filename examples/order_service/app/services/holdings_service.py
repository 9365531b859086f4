# Cross-service database access in this module (owner: user_service; to be
# replaced by AccountServiceClient.get_holdings in app/clients/account_service_client.py):
#   public.holdings  read
"""Long-term holdings of a broker account, for the sell-side checks of CNC orders.

Written against the psycopg driver directly (``%s`` placeholders), as the
order service's first version was.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List

import psycopg

HOLDINGS_SQL = (
    "SELECT tradingsymbol, exchange, isin, quantity, average_price, last_price "
    "FROM public.holdings "
    "WHERE account_id = %s::text "
    "ORDER BY tradingsymbol"
)


async def get_holdings(conn: psycopg.AsyncConnection, account_id: str) -> List[Dict[str, Any]]:
    """Every holding of the broker account, by symbol."""
    async with conn.cursor() as cur:
        await cur.execute(HOLDINGS_SQL, (account_id,))
        return [dict(row) for row in await cur.fetchall()]


async def sellable_quantity(conn: psycopg.AsyncConnection, account_id: str, tradingsymbol: str, exchange: str) -> int:
    """How many shares of a symbol a CNC sell order may take from holdings."""
    async with conn.cursor() as cur:
        await cur.execute(
            """
            SELECT COALESCE(SUM(quantity), 0) AS quantity
            FROM public.holdings
            WHERE account_id = %(account_id)s
              AND tradingsymbol = %(tradingsymbol)s
              AND exchange = %(exchange)s
            """,
            {"account_id": account_id, "tradingsymbol": tradingsymbol, "exchange": exchange},
        )
        row = await cur.fetchone()
    return int(_value(row))


def _value(row: Any) -> Any:
    if isinstance(row, dict):
        return next(iter(row.values()))
    return row[0]


def holdings_value(holdings: List[Dict[str, Any]]) -> Decimal:
    """Market value of holdings at their last price (average price when unknown).

    >>> holdings_value([{"quantity": 2, "average_price": Decimal("10"), "last_price": None}])
    Decimal('20')
    """
    return sum(
        (Decimal(h["quantity"]) * Decimal(h["last_price"] or h["average_price"]) for h in holdings),
        Decimal("0"),
    )
