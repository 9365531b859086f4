"""Market data partitions named at run time."""
from psycopg2 import sql

PARTITION_SQL = "CREATE TABLE IF NOT EXISTS tradingdb.quotes_{suffix} PARTITION OF tradingdb.quotes FOR VALUES IN ({day})"


def create_partition(cur, suffix, day):
    cur.execute(PARTITION_SQL.format(suffix=suffix, day=day))


def per_exchange(cur, exchange):
    cur.execute(f"SELECT * FROM market.ticks_{exchange} WHERE ts > now() - interval '1 minute'")
    cur.execute(f"SELECT * FROM {exchange}.ticks")


def copy_between(cur, source_schema):
    cur.execute(
        sql.SQL("INSERT INTO market.ticks SELECT * FROM {}.{}").format(
            sql.Identifier(source_schema), sql.Identifier("ticks")
        )
    )


def identifier_template(conn, table):
    template = sql.SQL("DELETE FROM {} WHERE ts < %s")
    with conn.cursor() as cur:
        cur.execute(template.format(sql.Identifier("tradingdb", "orders")), ("2024-01-01",))
        cur.execute(template.format(sql.Identifier("market", table)), ("2024-01-01",))


def as_string(conn):
    q = sql.SQL("SELECT {} FROM {}").format(sql.Identifier("price"), sql.Identifier("tradingdb", "fills"))
    return q.as_string(conn)


# expect: 4 BND105 tradingdb.quotes_{}
# expect: 13 BND105 {}.ticks
# expect: 19 BND105 {}.ticks
# expect: 27 BND101 tradingdb.orders
# expect: 32 BND100 tradingdb.fills
