"""Introspection helpers of the strategies service: system catalogs with run-time names."""
from psycopg import sql


def catalog_view(conn, view):
    return conn.execute(sql.SQL("SELECT * FROM pg_catalog.{}").format(sql.Identifier(view))).fetchall()


def info_view(cur, view):
    cur.execute(f"SELECT * FROM information_schema.{view} WHERE table_schema = 'public'")
    return cur.fetchall()


def stat_view(cur, which):
    cur.execute("SELECT * FROM pg_catalog.pg_stat_%s" % which)
    return cur.fetchall()


def any_public_table(cur, table):
    cur.execute(f"SELECT count(*) FROM public.{table}")
    return cur.fetchone()[0]


# expect: 20 BND105 public.{}
