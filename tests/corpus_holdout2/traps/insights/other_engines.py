"""Queries the insights tool sends to engines other than PostgreSQL (never the portal's tables)."""

COUCHBASE = {
    "keyspaces": "SELECT RAW name FROM system:keyspaces",
    "indexes": "SELECT * FROM system:indexes WHERE keyspace_id = $1",
    "active": "SELECT * FROM system:active_requests",
}

DUCKDB_SETUP = [
    "INSTALL httpfs",
    "INSTALL spatial FROM community",
    "LOAD httpfs",
    "INSTALL h3 FROM community",
]

SNOWFLAKE_SETUP = [
    "USE ROLE {role}",
    "USE WAREHOUSE {warehouse}",
    "USE {database}",
    "USE SCHEMA {database}.{schema}",
]

CYPHER = "MATCH (p:Package)-[:OWNED_BY]->(o:Organization) RETURN o.name, count(p)"
SPARQL = "SELECT ?dataset WHERE { ?dataset a dcat:Dataset . } LIMIT 10"
KUSTO = "package | where state == 'active' | summarize count() by owner_org"


def duckdb_install(cursor, extension):
    cursor.execute(f"INSTALL {extension} FROM community")
    cursor.execute(f"LOAD {extension}")


def snowflake_use(cursor, database):
    cursor.execute("USE {}".format(database))
    cursor.execute(f"USE DATABASE {database}")


def couchbase_keyspaces(cluster):
    return cluster.query("SELECT name FROM system:keyspaces WHERE `namespace` = 'default'")
