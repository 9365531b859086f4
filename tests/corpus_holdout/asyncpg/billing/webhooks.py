"""Payment-provider webhooks and dunning for the billing service (asyncpg)."""
import json
import logging

import asyncpg

logger = logging.getLogger("billing.webhooks")

DUNNING_SQL = """
    SELECT i.id, i.number, c.email
      FROM core.invoices i
      JOIN users.v_billing_contacts c USING (account_id)
      LEFT JOIN LATERAL (
            SELECT max(d.sent_at) AS last_sent
              FROM billing.dunning_log d
             WHERE d.invoice_id = i.id
      ) d ON true
     WHERE i.status = 'open'
       AND (d.last_sent IS NULL OR d.last_sent < now() - interval '7 days')
"""


async def record_payment(conn: asyncpg.Connection, event: dict) -> None:
    async with conn.transaction():
        payment_id = await conn.fetchval(
            """
            INSERT INTO core.payments (invoice_id, provider, provider_ref, amount_cents, raw)
            VALUES ($1, $2, $3, $4, $5::jsonb)
            ON CONFLICT (provider, provider_ref) DO NOTHING
            RETURNING id
            """,
            event["invoice_id"],
            event["provider"],
            event["id"],
            event["amount"],
            json.dumps(event),
        )
        if payment_id is None:
            logger.warning("duplicate webhook: INSERT INTO core.payments skipped for %s", event["id"])
            return
        await conn.execute("UPDATE core.invoices SET status = 'paid', paid_at = now() WHERE id = $1", event["invoice_id"])
        await conn.execute(
            "INSERT INTO core.shipments (invoice_id, status) "
            "SELECT id, 'pending' FROM core.invoices WHERE id = $1 "
            "AND NOT EXISTS (SELECT 1 FROM core.shipments s WHERE s.invoice_id = $1)",
            event["invoice_id"],
        )


async def dunning_candidates(pool: asyncpg.Pool) -> list:
    async with pool.acquire() as conn:
        stmt = await conn.prepare(DUNNING_SQL)
        return await stmt.fetch()


async def vat_numbers(conn: asyncpg.Connection):
    out = {}
    async with conn.transaction():
        async for rec in conn.cursor("SELECT id, vat_number FROM core.organizations WHERE vat_number IS NOT NULL"):
            out[rec["id"]] = rec["vat_number"]
    return out


async def snapshot_accounts(conn: asyncpg.Connection, path: str) -> None:
    await conn.copy_from_table("accounts", schema_name="core", columns=["id", "email"], output=path, format="csv")
    await conn.copy_records_to_table("ledger_entries", records=[], schema_name="billing")


# expect: 43 BND101 core.shipments
# expect: 59 BND100 core.organizations
# expect: 65 BND100 core.accounts
