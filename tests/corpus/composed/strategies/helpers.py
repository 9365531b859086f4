"""Strategy engine: SQL built by small helpers of this module."""

SCHEMA = "public"


def select_all(table, limit=100):
    return f"SELECT * FROM {table} LIMIT {limit}"


def qualified(name):
    return f"{SCHEMA}.{name}"


def upsert(table, key):
    return (
        f"INSERT INTO {table} AS t (id, payload) VALUES (%s, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET payload = EXCLUDED.payload"
    )


def run(cur):
    cur.execute(select_all("public.portfolio"))
    cur.execute(select_all("tradingdb.quotes", limit=10))
    cur.execute(select_all(qualified("strategy")))
    cur.execute(upsert("tradingdb.signals", "signal_id"), (1, "{}"))
    cur.execute(upsert("tradingdb.balances", "account_id"), (1, "{}"))
    cur.execute(select_all(qualified("users")))


# expect: 23 BND100 tradingdb.quotes
# expect: 26 BND101 tradingdb.balances
# expect: 27 BND100 public.users
