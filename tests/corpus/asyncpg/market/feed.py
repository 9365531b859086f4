"""Market feed writer (asyncpg): COPY, prepared statements, record arrays."""
import asyncpg

UPSERT_QUOTE = """
INSERT INTO tradingdb.quotes (instrument_id, ts, price)
VALUES ($1, $2, $3)
ON CONFLICT (instrument_id, ts) DO UPDATE SET price = EXCLUDED.price
"""


class Feed:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def write(self, quotes) -> None:
        async with self.pool.acquire() as conn:
            await conn.executemany(UPSERT_QUOTE, quotes)
            await conn.copy_records_to_table("candles", records=[], schema_name="tradingdb")
            await conn.copy_to_table("order_events", source="/tmp/events.csv", schema_name="tradingdb", format="csv")

    async def watchers(self, instrument_id: int):
        async with self.pool.acquire() as conn:
            stmt = await conn.prepare(
                "SELECT DISTINCT o.account_id FROM tradingdb.orders o WHERE o.instrument_id = $1 AND o.status = 'open'"
            )
            return [r["account_id"] for r in await stmt.fetch(instrument_id)]

    async def halt(self, conn: asyncpg.Connection, instrument_id: int) -> str:
        return await conn.execute(
            """
            WITH halted AS (
                UPDATE tradingdb.instruments SET halted = true WHERE instrument_id = $1 RETURNING instrument_id
            )
            UPDATE tradingdb.orders o SET status = 'held'
            FROM halted h WHERE o.instrument_id = h.instrument_id AND o.status = 'open'
            """,
            instrument_id,
        )

    async def exposure(self, conn: asyncpg.Connection):
        return await conn.fetch(
            """
            SELECT sp.portfolio_id, sum(p.quantity * q.price) AS exposure
            FROM orders.positions p
            JOIN tradingdb.quotes q ON q.instrument_id = p.instrument_id
            JOIN public.strategy_portfolio sp ON sp.portfolio_id = p.portfolio_id
            GROUP BY sp.portfolio_id
            """
        )

    async def registry_sync(self, conn: asyncpg.Connection, rows) -> None:
        await conn.executemany("UPDATE public.instrument_registry SET symbol = $2 WHERE instrument_id = $1", rows)
        await conn.execute("TRUNCATE public.strategy_pnl_metrics")

    async def fetchval_user(self, conn: asyncpg.Connection, user_id: int):
        return await conn.fetchval("SELECT email FROM public.users WHERE id = $1", user_id)


# expect: 19 BND101 tradingdb.order_events
# expect: 24 BND100 tradingdb.orders
# expect: 34 BND101 tradingdb.orders
# expect: 44 BND100 orders.positions
# expect: 46 BND100 public.strategy_portfolio
# expect: 53 BND101 public.strategy_pnl_metrics
# expect: 56 BND100 public.users
