"""Strategy permissions, engine setup for other databases: text that is not PostgreSQL SQL."""

PERMISSIONS = [
    "create: strategy",
    "update: strategy",
    "update: portfolio_rebalance_many",
    "delete: backtests",
    "select: signals",
    "insert: orders",
]

CHANGELOG = [
    "with: portfolio weights in the API",
    "drop: legacy strategy_v1 column",
]

COUCHBASE_KEYSPACES = "SELECT RAW name FROM system:keyspaces"
COUCHBASE_INDEXES = "SELECT * FROM system:indexes WHERE keyspace_id = $1"


def duckdb_setup(cursor, extension):
    cursor.execute(f"INSTALL {extension} FROM community")
    cursor.execute("INSTALL spatial FROM community")
    cursor.execute(f"LOAD {extension}")


def snowflake_use(cursor, database, schema):
    cursor.execute("USE {}".format(database))
    cursor.execute(f"USE SCHEMA {database}.{schema}")


def couchbase_query(cursor, bucket):
    cursor.execute("SELECT name FROM system:keyspaces WHERE bucket = $1", (bucket,))
    return cursor.fetchall()
