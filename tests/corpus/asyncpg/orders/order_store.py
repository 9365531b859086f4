"""asyncpg access for the order service: $n parameters, pools, transactions, COPY."""
from __future__ import annotations

import asyncpg

OPEN_STATUSES = ("open", "partial")


class OrderStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def open_orders(self, account_id: int):
        async with self.pool.acquire() as conn:
            return await conn.fetch(
                """
                SELECT o.id, o.symbol, o.qty, s.name AS strategy_name
                FROM tradingdb.orders o
                LEFT JOIN public.strategy s ON s.strategy_id = o.strategy_id
                WHERE o.account_id = $1 AND o.status = ANY($2::text[])
                """,
                account_id,
                list(OPEN_STATUSES),
            )

    async def instrument(self, instrument_id: int):
        return await self.pool.fetchrow(
            "SELECT * FROM tradingdb.instruments WHERE instrument_id = $1", instrument_id
        )

    async def last_price(self, instrument_id: int):
        return await self.pool.fetchval(
            "SELECT price FROM tradingdb.quotes WHERE instrument_id = $1 ORDER BY ts DESC LIMIT 1",
            instrument_id,
        )

    async def reserve(self, conn: asyncpg.Connection, account_id: int, amount) -> None:
        async with conn.transaction():
            await conn.execute(
                "UPDATE tradingdb.balances SET reserved = reserved + $2 WHERE account_id = $1",
                account_id,
                amount,
            )
            await conn.execute(
                "INSERT INTO tradingdb.order_events (account_id, kind, amount) VALUES ($1, 'reserve', $2)",
                account_id,
                amount,
            )

    async def bulk_signals(self, conn: asyncpg.Connection, rows) -> None:
        await conn.executemany(
            "INSERT INTO tradingdb.signals (strategy_id, symbol, side) VALUES ($1, $2, $3)", rows
        )

    async def copy_candles(self, conn: asyncpg.Connection, records) -> None:
        await conn.copy_records_to_table("candles", records=records, schema_name="tradingdb")

    async def export(self, conn: asyncpg.Connection, path: str) -> None:
        await conn.copy_from_table("portfolio", output=path, schema_name="public", format="csv")
        await conn.copy_from_query(
            "SELECT * FROM public.strategy_portfolio WHERE weight > $1", 0, output=path, format="csv"
        )

    async def replay(self, conn: asyncpg.Connection, account_id: int):
        stmt = await conn.prepare(
            "SELECT e.* FROM tradingdb.order_events e "
            "JOIN tradingdb.accounts a ON a.account_id = e.account_id "
            "WHERE e.account_id = $1 ORDER BY e.id"
        )
        async with conn.transaction():
            async for row in stmt.cursor(account_id):
                yield row

    async def iterate_fills(self, conn: asyncpg.Connection, since):
        async with conn.transaction():
            async for row in conn.cursor("SELECT * FROM tradingdb.fills WHERE filled_at > $1", since):
                yield row

    async def account_summary(self, conn: asyncpg.Connection, account_id: int):
        return await conn.fetchrow(
            "SELECT * FROM accounts.v_account_summary WHERE account_id = $1", account_id
        )

    async def accounts_page(self, conn: asyncpg.Connection, limit: int):
        return await conn.fetch(
            "SELECT * FROM accounts.accounts ORDER BY account_id LIMIT $1", limit
        )


# expect: 19 BND100 public.strategy
# expect: 33 BND100 tradingdb.quotes
# expect: 40 BND101 tradingdb.balances
# expect: 52 BND101 tradingdb.signals
# expect: 56 BND101 tradingdb.candles
# expect: 59 BND100 public.portfolio
# expect: 61 BND100 public.strategy_portfolio
# expect: 67 BND100 tradingdb.accounts
# expect: 86 BND100 accounts.accounts
# expect: 45 BND108 tradingdb.order_events
