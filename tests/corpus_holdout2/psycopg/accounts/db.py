"""Connection helpers of the accounts web app (psycopg2, one connection per process).

Handlers never touch a cursor: they call run/one/all/scalar with SQL and params.
"""
import psycopg2
import psycopg2.extras

_conn = None


def connection():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg2.connect("dbname=portal application_name=accounts")
    return _conn


def run(sql, params=None):
    """Execute one statement and commit."""
    conn = connection()
    with conn.cursor() as cur:
        cur.execute(sql, params)
    conn.commit()


def one(sql, params=None):
    with connection().cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def all(sql, params=None):
    with connection().cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def scalar(sql, params=None):
    row = one(sql, params)
    return None if row is None else next(iter(row.values()))
