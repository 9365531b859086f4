"""Notification outbox worker (asyncpg, LISTEN/NOTIFY, SKIP LOCKED)."""
import asyncio
import json

import asyncpg

CLAIM = """
UPDATE email_outbox
   SET claimed_at = now()
 WHERE id IN (
       SELECT id FROM email_outbox
        WHERE claimed_at IS NULL
        ORDER BY id
        FOR UPDATE SKIP LOCKED
        LIMIT $1)
RETURNING id, template, payload
"""


async def claim(conn: asyncpg.Connection, batch: int):
    return await conn.fetch(CLAIM, batch)


async def recipients(conn: asyncpg.Connection, account_ids):
    return await conn.fetch(
        """
        SELECT u.id, u.email, a.status
        FROM public.users u
        JOIN tradingdb.accounts a ON a.user_id = u.id
        WHERE a.account_id = ANY($1)
        """,
        account_ids,
    )


async def fill_notice(conn: asyncpg.Connection, fill_id: int):
    row = await conn.fetchrow(
        "SELECT f.qty, f.price, o.symbol FROM tradingdb.fills f JOIN tradingdb.orders o ON o.id = f.order_id WHERE f.id = $1",
        fill_id,
    )
    await conn.execute(
        "INSERT INTO notify.messages (kind, body) VALUES ('fill', $1::jsonb)", json.dumps(dict(row))
    )


async def listen(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    await conn.add_listener("fills", lambda *args: None)
    await conn.execute("LISTEN fills")
    while True:
        await asyncio.sleep(60)
        await conn.execute("DELETE FROM notify.messages WHERE sent_at < now() - interval '30 days'")
        await conn.execute("NOTIFY fills_done")


# expect: 28 BND100 public.users
# expect: 29 BND100 tradingdb.accounts
# expect: 38 BND100 tradingdb.fills
# expect: 38 BND100 tradingdb.orders
