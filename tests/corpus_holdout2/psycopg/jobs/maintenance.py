"""Nightly maintenance tasks of the queue, written against a tiny wrapper."""
import contextlib

import psycopg2


@contextlib.contextmanager
def cursor(dsn):
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            yield cur
    finally:
        conn.close()


def q(cur, statement, params=()):
    """Every statement of this module goes through here."""
    cur.execute(statement, params)
    return cur.fetchall() if cur.description else cur.rowcount


VACUUM_TABLES = ["jobs.job", "jobs.event"]

OWNER_REPORT = """
    SELECT u.name,
           count(*) FILTER (WHERE j.status = 'failed') AS failed,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY j.finished_at - j.started_at) AS p90
      FROM jobs.job j
      JOIN public.user_account u ON u.id = j.owner_id
     GROUP BY u.name
"""

STUCK_SQL = "UPDATE jobs.job SET status = 'todo', started_at = NULL WHERE status = 'doing' AND started_at < now() - '1 hour'::interval"


def nightly(dsn):
    with cursor(dsn) as cur:
        q(cur, STUCK_SQL)
        q(cur, OWNER_REPORT)
        for table in VACUUM_TABLES:
            q(cur, "VACUUM (ANALYZE) " + table)
        q(cur, "DELETE FROM jobs.event WHERE at < now() - interval '30 days'")
        q(cur, "DELETE FROM public.harvest_log WHERE created < now() - interval '90 days'")


def reindex_orphans(dsn):
    with cursor(dsn) as cur:
        return q(
            cur,
            "INSERT INTO jobs.job (queue_name, task_name, args) "
            "SELECT 'search', 'reindex', jsonb_build_object('id', p.id) "
            "FROM package p LEFT JOIN jobs.job j ON j.args->>'id' = p.id "
            "WHERE j.id IS NULL",
        )


def trim_args(dsn):
    with cursor(dsn) as cur:
        # jsonb minus operator with a text array: sqlglot has trouble with the cast
        q(cur, "UPDATE jobs.job SET args = args - '{password,token}'::text[] WHERE args ?| array['password', 'token']")


def org_load(dsn):
    with cursor(dsn) as cur:
        return q(cur, "SELECT o.name, sum(j.attempts, 0) FROM public.organization o JOIN jobs.job j ON j.org_id = o.id GROUP BY 1")


def temp_queue(dsn):
    with cursor(dsn) as cur:
        q(cur, "CREATE TEMP TABLE moved ON COMMIT DROP AS SELECT id FROM jobs.job WHERE queue_name = 'legacy'")
        q(cur, "UPDATE jobs.job SET queue_name = 'default' WHERE id IN (SELECT id FROM moved)")
        q(cur, "INSERT INTO harvest.queue_audit (moved) SELECT count(*) FROM moved")


# expect: 30 BND100 public.user_account
# expect: 44 BND104 public.harvest_log
# expect: 53 BND100 public.package
# expect: 66 BND100 public.organization
# expect: 73 BND101 harvest.queue_audit
