"""Order-service SQL composed at run time: psycopg.sql, f-strings, format, helpers."""
from psycopg import sql

LEGACY_SCHEMA = "tradingdb"
QUOTES = "quotes"
BALANCES_TABLE = f"{LEGACY_SCHEMA}.balances"


def quote_rows(cur, instrument_id):
    cur.execute(
        sql.SQL("SELECT * FROM {} WHERE instrument_id = %s").format(sql.Identifier(LEGACY_SCHEMA, QUOTES)),
        (instrument_id,),
    )
    return cur.fetchall()


def update_balance(cur, account_id, amount):
    query = sql.SQL("UPDATE {table} SET {col} = {col} + {amount} WHERE account_id = {id}").format(
        table=sql.Identifier("tradingdb", "balances"),
        col=sql.Identifier("cash"),
        amount=sql.Literal(amount),
        id=sql.Placeholder("account_id"),
    )
    cur.execute(query, {"account_id": account_id})


def own_insert(cur, columns, values):
    query = sql.SQL("INSERT INTO orders.order_notes ({}) VALUES ({})").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(values)),
    )
    cur.execute(query, values)


def by_table_name(cur, table_name):
    cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("tradingdb", table_name)))


def strategy_rows(cur):
    stmt = sql.Composed([sql.SQL("SELECT * FROM "), sql.Identifier("public", "strategy"), sql.SQL(" LIMIT 10")])
    cur.execute(stmt)


def plus_composition(cur):
    stmt = sql.SQL("DELETE FROM ") + sql.Identifier("public", "strategy_portfolio") + sql.SQL(" WHERE weight = 0")
    cur.execute(stmt)


def fstring_constants(cur, order_id):
    cur.execute(f"SELECT cash, reserved FROM {BALANCES_TABLE} WHERE account_id = %s", (order_id,))
    cur.execute(f"SELECT * FROM {LEGACY_SCHEMA}.{QUOTES} ORDER BY ts DESC LIMIT 1")
    cur.execute(f"SELECT * FROM {LEGACY_SCHEMA}.orders WHERE id = %s", (order_id,))


def format_constants(cur):
    cur.execute("DELETE FROM {}.{} WHERE ts < now() - interval '1 day'".format(LEGACY_SCHEMA, QUOTES))
    cur.execute("SELECT * FROM {schema}.signals WHERE signal_id = {id}".format(schema="tradingdb", id=1))


def percent_dynamic(cur, table):
    cur.execute("SELECT * FROM tradingdb.%s WHERE id = 1" % table)
    cur.execute("SELECT * FROM %s" % BALANCES_TABLE)
    cur.execute("SELECT * FROM %s.%s WHERE id = %d" % (LEGACY_SCHEMA, "signals", 1))
    cur.execute("SELECT * FROM %(s)s.candles" % {"s": LEGACY_SCHEMA})


def where_fragment(cur, conditions, params):
    where = " AND ".join(conditions)
    cur.execute(f"SELECT * FROM tradingdb.accounts WHERE {where}", params)


def _count_query(table, where="TRUE"):
    """Build a count over ``table``."""
    return f"SELECT count(*) FROM {table} WHERE {where}"


def counts(cur):
    cur.execute(_count_query("tradingdb.fills"))
    cur.execute(_count_query("tradingdb.candles", where="day = current_date"))
    cur.execute(_count_query(table="public.portfolio"))


def concat(cur, extra):
    base = "SELECT o.id FROM tradingdb.orders o "
    join = "JOIN public.strategy s ON s.strategy_id = o.strategy_id "
    cur.execute(base + join + extra)


# expect: 11 BND100 tradingdb.quotes
# expect: 19 BND101 tradingdb.balances
# expect: 36 BND105 tradingdb.{}
# expect: 40 BND100 public.strategy
# expect: 45 BND101 public.strategy_portfolio
# expect: 50 BND100 tradingdb.balances
# expect: 51 BND100 tradingdb.quotes
# expect: 56 BND101 tradingdb.quotes
# expect: 57 BND100 tradingdb.signals
# expect: 61 BND105 tradingdb.{}
# expect: 62 BND100 tradingdb.balances
# expect: 63 BND100 tradingdb.signals
# expect: 64 BND100 tradingdb.candles
# expect: 69 BND100 tradingdb.accounts
# expect: 79 BND100 tradingdb.candles
# expect: 80 BND100 public.portfolio
# expect: 85 BND100 public.strategy
