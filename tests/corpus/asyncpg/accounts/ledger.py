"""Account ledger (asyncpg). Unqualified names resolve through accounts, public."""
import asyncpg

LEDGER_SQL = """
    WITH movements AS (
        SELECT f.order_id, f.qty * f.price AS amount
        FROM tradingdb.fills f
        JOIN tradingdb.orders o ON o.id = f.order_id
        WHERE o.account_id = $1
    ), orders AS (
        SELECT 1 AS placeholder
    )
    SELECT sum(amount) FROM movements, orders
"""


async def ledger_total(pool: asyncpg.Pool, account_id: int):
    return await pool.fetchval(LEDGER_SQL, account_id)


async def close_account(conn: asyncpg.Connection, account_id: int) -> None:
    async with conn.transaction(isolation="serializable"):
        await conn.execute("UPDATE users SET closed_at = now() WHERE id = $1", account_id)
        await conn.execute("DELETE FROM user_sessions WHERE user_id = $1", account_id)
        await conn.execute("UPDATE tradingdb.accounts SET status = 'closed' WHERE account_id = $1", account_id)
        await conn.execute("UPDATE tradingdb.orders SET status = 'cancelled' WHERE account_id = $1 AND status = 'open'", account_id)
        await conn.execute("DELETE FROM public.portfolio WHERE account_id = $1", account_id)


async def positions(conn: asyncpg.Connection, account_id: int):
    rows = await conn.fetch(
        """
        SELECT p.instrument_id, p.quantity, r.symbol
          FROM orders.positions AS p
          JOIN public.instrument_registry AS r USING (instrument_id)
         WHERE p.account_id = $1
        """,
        account_id,
    )
    return [dict(r) for r in rows]


async def balance(conn: asyncpg.Connection, account_id: int):
    return await conn.fetchval("SELECT cash FROM tradingdb.balances WHERE account_id = $1", account_id)


async def strategy_names(conn: asyncpg.Connection, ids):
    return await conn.fetch("SELECT strategy_id, name FROM strategy WHERE strategy_id = ANY($1::bigint[])", ids)


# expect: 7 BND100 tradingdb.fills
# expect: 8 BND100 tradingdb.orders
# expect: 26 BND101 tradingdb.orders
# expect: 27 BND101 public.portfolio
# expect: 34 BND100 orders.positions
# expect: 35 BND100 public.instrument_registry
# expect: 48 BND100 public.strategy
# expect: 26 BND108 tradingdb.orders
