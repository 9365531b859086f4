"""Billing SQL assembled at run time: f-strings, psycopg.sql, %, .format, helpers."""
from psycopg import sql

CORE = "core"
ACCOUNTS = f"{CORE}.accounts"
INVOICE_COLUMNS = ("id", "number", "total_cents", "status")


def account_email(cur, account_id):
    cur.execute(f"SELECT email FROM {ACCOUNTS} WHERE id = %s", (account_id,))
    return cur.fetchone()


def invoice_page(cur, status, limit, offset):
    cols = ", ".join(INVOICE_COLUMNS)
    cur.execute(
        f"SELECT {cols} FROM {CORE}.invoices WHERE status = %s ORDER BY id LIMIT {int(limit)} OFFSET {int(offset)}",
        (status,),
    )
    return cur.fetchall()


def events_for_month(cur, month):
    cur.execute(f"SELECT count(*) FROM billing.invoice_events_{month:%Y%m}")
    return cur.fetchone()[0]


def from_any_schema(cur, schema):
    cur.execute(f"SELECT id FROM {schema}.invoices WHERE status = 'open'")
    return cur.fetchall()


def store_in_core(cur, table, payload):
    cur.execute(f"INSERT INTO core.{table} (payload) VALUES (%s)", (payload,))


def purge_user_rows(cur, table, account_id):
    cur.execute(f"DELETE FROM users.{table} WHERE account_id = %s", (account_id,))


def organisation(cur, org_id):
    query = sql.SQL("SELECT {fields} FROM {table} WHERE id = {id}").format(
        fields=sql.SQL(", ").join(map(sql.Identifier, ["id", "name", "vat_number"])),
        table=sql.Identifier("core", "organizations"),
        id=sql.Placeholder(),
    )
    cur.execute(query, (org_id,))
    return cur.fetchone()


def truncate_core(cur, table_name):
    cur.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier("core", table_name)))


def purge_payments(cur, day):
    cur.execute("DELETE FROM %s.payments WHERE captured_at < %%s" % CORE, (day,))


def stock_count(cur):
    cur.execute("SELECT count(*) FROM {}.{} WHERE on_hand > 0".format(CORE, "stock_levels"))
    return cur.fetchone()[0]


def _latest(table, column="updated_at"):
    """Latest row of ``table`` by ``column``."""
    return f"SELECT * FROM {table} ORDER BY {column} DESC LIMIT 1"


def latest_rows(cur):
    cur.execute(_latest("core.warehouses"))
    warehouse = cur.fetchone()
    cur.execute(_latest("billing.fx_rates", column="day"))
    return warehouse, cur.fetchone()


def in_stock_products(cur, extra_where):
    base = "SELECT p.sku, p.name FROM core.products p "
    join = "JOIN core.stock_levels s ON s.sku = p.sku "
    cur.execute(base + join + "WHERE s.on_hand > 0 AND " + extra_where)
    return cur.fetchall()


def search_accounts(cur, filters):
    clauses, params = [], []
    for key, value in filters.items():
        clauses.append(f"{key} = %s")
        params.append(value)
    query = "SELECT id, email FROM core.accounts"
    if clauses:
        query += " WHERE " + " AND ".join(clauses)
    cur.execute(query, params)
    return cur.fetchall()


# expect: 10 BND100 core.accounts
# expect: 29 BND105 {}.invoices
# expect: 34 BND105 core.{}
# expect: 38 BND101 users.{}
# expect: 44 BND100 core.organizations
# expect: 52 BND105 core.{}
# expect: 60 BND100 core.stock_levels
# expect: 70 BND100 core.warehouses
# expect: 78 BND100 core.stock_levels
# expect: 88 BND100 core.accounts
