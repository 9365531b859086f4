"""Live dashboard tiles over asyncpg; the pool connects with the default search_path."""
import asyncpg

TOP_TAGS = """
    SELECT t.name, count(*) AS n
      FROM public.tag t
      JOIN public.package_tag pt ON pt.tag_id = t.id
     GROUP BY t.name
     ORDER BY n DESC
     LIMIT $1
"""


class Tiles:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def top_tags(self, limit: int = 10):
        async with self.pool.acquire() as conn:
            return await conn.fetch(TOP_TAGS, limit)

    async def dataset_count(self) -> int:
        async with self.pool.acquire() as conn:
            return await conn.fetchval("SELECT count(*) FROM package WHERE state = 'active'")

    async def newest_users(self):
        async with self.pool.acquire() as conn:
            return await conn.fetch("SELECT name, created FROM user_account ORDER BY created DESC LIMIT 5")

    async def public_users(self):
        async with self.pool.acquire() as conn:
            return await conn.fetch("SELECT * FROM accounts.v_public_users")

    async def store_snapshot(self, payload):
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("DELETE FROM insights.snapshot WHERE taken < now() - interval '90 days'")
                await conn.execute("INSERT INTO insights.snapshot (payload) VALUES ($1)", payload)
                await conn.execute("UPDATE package SET views_cache = $1 WHERE id = $2", payload["views"], payload["id"])

    async def load_views(self, records):
        async with self.pool.acquire() as conn:
            await conn.copy_records_to_table("page_view", records=records, schema_name="insights")
            await conn.copy_records_to_table("resource_view", records=records)

    async def export_harvest(self, out):
        async with self.pool.acquire() as conn:
            await conn.copy_from_query("SELECT * FROM harvest.job WHERE finished_at > now() - interval '1 day'", output=out)
            await conn.copy_from_table("harvest_source", output=out)

    async def cursor_over_jobs(self):
        async with self.pool.acquire() as conn:
            async with conn.transaction():
                async for record in conn.cursor("SELECT id, status FROM jobs.job WHERE queue_name = $1", "search"):
                    yield record

    async def prepared_members(self, org_id):
        async with self.pool.acquire() as conn:
            stmt = await conn.prepare("SELECT user_id, capacity FROM public.member WHERE group_id = $1")
            return await stmt.fetch(org_id)

    async def stream_sizes(self):
        async with self.pool.acquire() as conn:
            return await conn.fetch(
                "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE schemaname = ANY($1::text[])",
                ["public", "insights"],
            )


# expect: 6 BND100 public.tag
# expect: 7 BND100 public.package_tag
# expect: 28 BND100 public.user_account
# expect: 39 BND101 public.package
# expect: 44 BND104 public.resource_view
# expect: 48 BND100 harvest.job
# expect: 49 BND100 public.harvest_source
# expect: 54 BND100 jobs.job
# expect: 59 BND100 public.member
