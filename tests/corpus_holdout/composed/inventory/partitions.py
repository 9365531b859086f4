"""Inventory tables addressed by names computed at run time."""
from datetime import date

from psycopg2 import sql
from psycopg2.extensions import quote_ident


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def ensure_partition(cur, day: date) -> None:
    suffix = day.strftime("%Y_%m")
    cur.execute(
        f"CREATE TABLE IF NOT EXISTS inventory.stock_movements_{suffix} "
        f"PARTITION OF inventory.stock_movements "
        f"FOR VALUES FROM ('{day:%Y-%m-01}') TO ('{_next_month(day):%Y-%m-01}')"
    )


def purge_old(cur, table: str) -> None:
    cur.execute(f"DELETE FROM {table} WHERE moved_at < now() - interval '2 years'")


def per_warehouse(cur, code: str) -> list:
    cur.execute(f"SELECT * FROM core.stock_levels_{code.lower()}")
    return cur.fetchall()


def shipping_table_size(conn, table: str) -> int:
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM shipping.%s" % quote_ident(table, cur))
    return cur.fetchone()[0]


def stock_in_schema(cur, schema: str) -> list:
    cur.execute(sql.SQL("SELECT sku, on_hand FROM {}.stock_levels").format(sql.Identifier(schema)))
    return cur.fetchall()


def own_dynamic(cur, table: str) -> None:
    cur.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier("inventory", table)))


# expect: 22 BND105 {}
# expect: 26 BND105 core.stock_levels_{}
# expect: 32 BND100 shipping.{}
# expect: 37 BND105 {}.stock_levels
