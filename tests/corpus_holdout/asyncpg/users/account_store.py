"""Account storage of the users service (asyncpg pool)."""
from __future__ import annotations

import logging
from typing import Any, Iterable, Sequence

import asyncpg

logger = logging.getLogger(__name__)

TOP_SPENDERS = """
WITH spend AS (
    SELECT account_id, sum(amount_cents) AS total
      FROM core.payments
     WHERE captured_at > now() - interval '90 days'
     GROUP BY account_id
), ranked AS (
    SELECT account_id, total, dense_rank() OVER (ORDER BY total DESC) AS r
      FROM spend
)
SELECT a.email, ranked.total
  FROM ranked
  JOIN core.accounts a ON a.id = ranked.account_id
 WHERE ranked.r <= $1
"""


class AccountStore:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def get(self, account_id: int) -> asyncpg.Record | None:
        async with self._pool.acquire() as conn:
            return await conn.fetchrow("SELECT * FROM core.accounts WHERE id = $1", account_id)

    async def with_balance(self, account_id: int) -> asyncpg.Record | None:
        return await self._pool.fetchrow(
            """
            SELECT a.id,
                   a.email,
                   coalesce(sum(i.total_cents) FILTER (WHERE i.status = 'open'), 0) AS owed_cents
              FROM accounts a
              LEFT JOIN core.invoices i ON i.account_id = a.id
             WHERE a.id = $1
             GROUP BY a.id
            """,
            account_id,
        )

    async def deactivate(self, account_id: int) -> None:
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("UPDATE core.accounts SET deleted_at = now() WHERE id = $1", account_id)
                await conn.execute("DELETE FROM api_keys WHERE account_id = $1", account_id)
                await conn.execute(
                    "UPDATE billing.subscriptions SET cancelled_at = now() WHERE account_id = $1 AND cancelled_at IS NULL",
                    account_id,
                )
        logger.info("deactivated %s; DELETE FROM shipping.saved_addresses is left to the shipping service", account_id)

    async def import_accounts(self, records: Iterable[tuple[Any, ...]]) -> None:
        async with self._pool.acquire() as conn:
            await conn.copy_records_to_table(
                "account_import", records=records, columns=["email", "display_name"], schema_name="users"
            )
            await conn.copy_records_to_table(
                "customers",
                records=[(r[0],) for r in records],
                columns=["email"],
                schema_name="billing",
            )

    async def export(self, path: str) -> None:
        async with self._pool.acquire() as conn:
            await conn.copy_from_table("organizations", schema_name="core", output=path, format="csv")
            await conn.copy_from_query(
                "SELECT sku, on_hand FROM core.stock_levels WHERE on_hand < 0", output=path + ".neg", format="csv"
            )

    async def count_active_members(self) -> int:
        return await self._pool.fetchval("SELECT count(*) FROM core.memberships WHERE revoked_at IS NULL")

    async def upsert_organizations(self, rows: Sequence[tuple[str, str]]) -> None:
        await self._pool.executemany(
            """
            INSERT INTO core.organizations (slug, name) VALUES ($1, $2)
            ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name
            """,
            rows,
        )

    async def top_spenders(self, n: int = 10) -> list[asyncpg.Record]:
        return await self._pool.fetch(TOP_SPENDERS, n)

    async def adopt_billing_emails(self) -> str:
        async with self._pool.acquire() as conn:
            return await conn.execute(
                """
                MERGE INTO core.accounts AS a
                USING billing.customers AS c ON c.account_id = a.id
                WHEN MATCHED AND a.billing_email IS NULL THEN
                    UPDATE SET billing_email = c.email
                """
            )


# expect: 14 BND100 core.payments
# expect: 43 BND100 core.invoices
# expect: 56 BND101 billing.subscriptions
# expect: 67 BND101 billing.customers
# expect: 77 BND100 core.stock_levels
# expect: 100 BND100 billing.customers
