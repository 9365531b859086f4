"""Engine specs of the insights BI tool: each engine says how to list, preview and
load data. Only the PostgreSQL spec runs against the portal's own database."""
from __future__ import annotations

from typing import List


class BaseEngineSpec:
    engine = "base"
    #: statements run on connect, per engine
    setup: List[str] = []

    @classmethod
    def select_star(cls, schema: str, table: str, limit: int = 100) -> str:
        return f"SELECT * FROM {schema}.{table} LIMIT {limit}"


class DuckDBEngineSpec(BaseEngineSpec):
    engine = "duckdb"

    @classmethod
    def install_extension(cls, cursor, name: str) -> None:
        cursor.execute(f"INSTALL {name} FROM community")
        cursor.execute(f"LOAD {name}")

    @classmethod
    def read_parquet(cls, cursor, url: str):
        return cursor.execute("SELECT * FROM read_parquet(?)", [url]).fetchall()


class CouchbaseEngineSpec(BaseEngineSpec):
    engine = "couchbase"
    keyspaces_query = "SELECT name, `namespace` FROM system:keyspaces WHERE `bucket` = $1"

    @classmethod
    def get_schema_names(cls, cursor) -> List[str]:
        cursor.execute("SELECT RAW name FROM system:namespaces")
        return cursor.fetchall()


class SnowflakeEngineSpec(BaseEngineSpec):
    engine = "snowflake"

    @classmethod
    def adjust_database(cls, cursor, database: str) -> None:
        cursor.execute("USE {}".format(database))

    @classmethod
    def warehouse_sql(cls, warehouse: str) -> str:
        return f"USE WAREHOUSE {warehouse}"


class BigQueryEngineSpec(BaseEngineSpec):
    engine = "bigquery"
    partitions_query = "SELECT partition_id FROM `{project}.{dataset}.INFORMATION_SCHEMA.PARTITIONS` WHERE table_name = '{table}'"


class PostgresEngineSpec(BaseEngineSpec):
    engine = "postgresql"
    setup = ["SET statement_timeout = '30s'", "SET search_path TO insights, public"]

    @classmethod
    def table_names(cls, cursor, schema: str) -> List[str]:
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm')",
            (schema,),
        )
        return [row[0] for row in cursor.fetchall()]

    @classmethod
    def estimated_rows(cls, cursor, schema: str, table: str) -> int:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = %s::regclass",
            (f"{schema}.{table}",),
        )
        return cursor.fetchone()[0]

    @classmethod
    def column_stats(cls, cursor, table: str):
        cursor.execute(f"SELECT attname, n_distinct FROM pg_catalog.pg_stats WHERE tablename = %s", (table,))
        return cursor.fetchall()


def portal_overview(cursor):
    """The dashboard's first tile: datasets and resources per organization."""
    cursor.execute(
        """
        SELECT o.title,
               count(DISTINCT p.id) AS datasets,
               count(r.id) AS resources
          FROM public.organization o
          LEFT JOIN package p ON p.owner_org = o.id
          LEFT JOIN resource r ON r.package_id = p.id
         GROUP BY o.title
        """
    )
    return cursor.fetchall()


def refresh_cache(cursor):
    cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY insights.mv_overview")
    cursor.execute("TRUNCATE insights.tile_cache")
    cursor.execute("INSERT INTO insights.tile_cache (tile, payload) SELECT 'users', to_jsonb(count(*)) FROM accounts.v_public_users")


def job_backlog(cursor):
    cursor.execute("SELECT queue_name, count(*) FROM jobs.job WHERE status = 'todo' GROUP BY 1")
    return cursor.fetchall()


# expect: 15 BND105 {}.{}
# expect: 92 BND100 public.organization
# expect: 108 BND100 jobs.job
