"""A PostgreSQL task queue on psycopg 3: jobs are rows, workers take them with SKIP LOCKED."""
from __future__ import annotations

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

FETCH_JOB = """
WITH candidate AS (
    SELECT id
      FROM jobs.job
     WHERE queue_name = %(queue)s
       AND status = 'todo'
       AND (scheduled_at IS NULL OR scheduled_at <= now())
     ORDER BY priority DESC, id
     LIMIT 1
       FOR UPDATE SKIP LOCKED
)
UPDATE jobs.job j
   SET status = 'doing', started_at = now()
  FROM candidate
 WHERE j.id = candidate.id
RETURNING j.*
"""

NOTIFY_SQL = "NOTIFY jobs_channel, %s"


class Queue:
    def __init__(self, conninfo: str) -> None:
        self.conn = psycopg.connect(conninfo, autocommit=True, row_factory=dict_row)

    def take(self, queue: str):
        return self.conn.execute(FETCH_JOB, {"queue": queue}).fetchone()

    def defer(self, task_name: str, args: dict, queue: str = "default"):
        row = self.conn.execute(
            "INSERT INTO jobs.job (queue_name, task_name, args) VALUES (%s, %s, %s) RETURNING id",
            (queue, task_name, psycopg.types.json.Jsonb(args)),
        ).fetchone()
        self.conn.execute(NOTIFY_SQL, (queue,))
        return row["id"]

    def finish(self, job_id: int, status: str) -> None:
        with self.conn.transaction():
            self.conn.execute("UPDATE jobs.job SET status = %s, finished_at = now() WHERE id = %s", (status, job_id))
            self.conn.execute("INSERT INTO jobs.event (job_id, type) VALUES (%s, %s)", (job_id, status))

    def retry_harvest_failures(self) -> int:
        cur = self.conn.execute(
            """
            UPDATE jobs.job
               SET status = 'todo', attempts = attempts + 1
             WHERE status = 'failed'
               AND task_name = 'harvest.fetch'
               AND args->>'source_id' IN (SELECT id::text FROM harvest.source_config WHERE retry)
            """
        )
        return cur.rowcount

    def table_size(self, table: str) -> int:
        query = sql.SQL("SELECT pg_total_relation_size({})").format(sql.Literal(f"jobs.{table}"))
        return self.conn.execute(query).fetchone()["pg_total_relation_size"]

    def catalog_columns(self, table: str):
        query = sql.SQL("SELECT attname FROM pg_catalog.{} WHERE attrelid = %s::regclass").format(
            sql.Identifier(table)
        )
        return self.conn.execute(query, (f"jobs.{table}",)).fetchall()

    def stats_view(self, view: str):
        return self.conn.execute(f"SELECT * FROM pg_catalog.{view}").fetchall()

    def purge(self, older_than_days: int) -> None:
        self.conn.execute(
            sql.SQL("DELETE FROM {} WHERE finished_at < now() - make_interval(days => %s)").format(
                sql.Identifier("jobs", "event")
            ),
            (older_than_days,),
        )

    def owner_emails(self, job_ids):
        return self.conn.execute(
            "SELECT j.id, u.email FROM jobs.job j JOIN public.user_account u ON u.id = j.owner_id WHERE j.id = ANY(%s)",
            (list(job_ids),),
        ).fetchall()

    def copy_events(self, out):
        with self.conn.cursor() as cur:
            with cur.copy("COPY (SELECT * FROM jobs.event ORDER BY id) TO STDOUT") as copy:
                for data in copy:
                    out.write(data)

    def import_legacy(self, rows):
        with self.conn.cursor() as cur:
            with cur.copy("COPY jobs.job (queue_name, task_name, args) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute("DELETE FROM public.celery_taskmeta WHERE date_done < now() - interval '30 days'")

    def partition_for(self, day):
        name = sql.Identifier("jobs", f"event_{day:%Y%m%d}")
        self.conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} PARTITION OF jobs.event FOR VALUES FROM (%s) TO (%s)")
                          .format(name), (day, day))

    def listen(self):
        self.conn.execute("LISTEN jobs_channel")
        return self.conn.notifies()

    def any_table_rows(self, schema: str, table: str) -> int:
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        return self.conn.execute(query).fetchone()["count"]

    def enqueue_reindex(self, package_ids):
        self.conn.execute(
            "INSERT INTO jobs.job (queue_name, task_name, args) "
            "SELECT 'search', 'reindex', jsonb_build_object('id', p.id) FROM package p WHERE p.id = ANY(%s)",
            (list(package_ids),),
        )


# expect: 56 BND100 harvest.source_config
# expect: 84 BND100 public.user_account
# expect: 99 BND104 public.celery_taskmeta
# expect: 111 BND105 {}.{}
# expect: 117 BND100 public.package
