"""Queue introspection: system catalogs with run-time names, and the queue's own tables."""
from psycopg import sql

REL_SIZE = "SELECT pg_total_relation_size(%s::regclass)"


def catalog_rows(conn, view):
    return conn.execute(sql.SQL("SELECT * FROM pg_catalog.{}").format(sql.Identifier(view))).fetchall()


def info_schema(conn, view):
    return conn.execute(f"SELECT * FROM information_schema.{view} WHERE table_schema = 'jobs'").fetchall()


def stat_rows(conn, which):
    return conn.execute("SELECT * FROM pg_catalog.pg_stat_%s" % which).fetchall()


def toast_of(conn, table):
    return conn.execute("SELECT reltoastrelid FROM pg_catalog.pg_class WHERE relname = %s", (table,)).fetchone()


def own_partition(conn, day):
    conn.execute(f"CREATE TABLE IF NOT EXISTS jobs.event_{day:%Y%m} PARTITION OF jobs.event FOR VALUES FROM ('{day:%Y-%m-01}') TO ('{day:%Y-%m-28}')")


def own_tables(conn):
    conn.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    conn.execute("COMMENT ON EXTENSION pgcrypto IS 'job ids'")
    conn.execute("CREATE INDEX IF NOT EXISTS job_args_trgm ON jobs.job USING gin ((args->>'name') gin_trgm_ops)")
    conn.execute("CREATE EVENT TRIGGER jobs_ddl ON ddl_command_end EXECUTE FUNCTION jobs.log_ddl()")
    conn.execute("GRANT USAGE ON SCHEMA jobs TO harvest_rw")
    conn.execute("GRANT EXECUTE ON FUNCTION jobs.enqueue(text, jsonb) TO harvest_rw")
    conn.execute("GRANT USAGE ON SEQUENCE jobs.job_id_seq TO harvest_rw")
    conn.execute("COMMENT ON FUNCTION jobs.enqueue(text, jsonb) IS 'the one way in'")
    conn.execute("COMMENT ON TYPE jobs.job_status IS 'lifecycle'")
    conn.execute("CREATE TYPE jobs.retry_policy AS (max_attempts int, backoff interval)")
    conn.execute("CREATE DOMAIN jobs.queue_name AS text CHECK (VALUE ~ '^[a-z_]+$')")
    conn.execute("SELECT id FROM job WHERE status = 'todo' ORDER BY id LIMIT 10")
    conn.execute("LISTEN jobs_channel")


def lock_queue(conn):
    conn.execute("SELECT pg_advisory_lock(hashtext('jobs.job'))")
    conn.execute("LOCK TABLE jobs.job IN SHARE MODE")
