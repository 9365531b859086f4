"""DataFrames behind the weekly business review (pandas + SQLAlchemy engine)."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import text

CUTOFF = "2019-01-01"
ORG_SIZES = """
    SELECT o.id,
           o.name,
           count(m.account_id) AS members
      FROM core.organizations o
      LEFT JOIN core.memberships m ON m.organization_id = o.id
     GROUP BY o.id, o.name
"""


def invoices_frame(engine, since):
    return pd.read_sql(
        "SELECT id, account_id, total_cents, issued_at FROM core.invoices WHERE issued_at >= %(since)s",
        engine,
        params={"since": since},
        parse_dates=["issued_at"],
    )


def accounts_frame(engine):
    return pd.read_sql_table("accounts", engine, schema="core", columns=["id", "country_code"])


def aliases_frame(engine):
    return pd.read_sql_table("sku_aliases", engine)


def stock_frame(conn):
    return pd.read_sql_query(text("SELECT sku, warehouse_id, on_hand FROM core.stock_levels"), conn)


def movements_frame(conn):
    return pd.read_sql("SELECT * FROM inventory.stock_movements WHERE moved_at > now() - interval '30 days'", conn)


def publish(df: pd.DataFrame, engine) -> None:
    df.to_sql("revenue_daily", engine, schema="reporting", if_exists="replace", index=False)
    df[["sku", "forecast"]].to_sql("demand_forecast", engine, schema="inventory", if_exists="append", method="multi")


def legacy_frame(engine):
    query = f"SELECT * FROM public.legacy_customers WHERE created_at < '{CUTOFF}'"
    return pd.read_sql(query, engine)


def org_sizes(engine):
    return pd.read_sql(ORG_SIZES, engine, index_col="id")


def sla_frame(hook):
    return hook.get_pandas_df("SELECT carrier_code, p95_hours FROM shipping.delivery_sla")


def payments_in_chunks(engine):
    for chunk in pd.read_sql("SELECT * FROM core.payments ORDER BY id", engine, chunksize=50_000):
        yield chunk.groupby("currency")["amount_cents"].sum()


def describe(frame: pd.DataFrame) -> str:
    return frame.to_markdown() + "\n\nSelect rows from the table above to drill down."


# expect: 12 BND100 core.organizations
# expect: 13 BND100 core.memberships
# expect: 28 BND100 core.accounts
# expect: 32 BND100 public.sku_aliases
# expect: 36 BND100 core.stock_levels
# expect: 45 BND101 inventory.demand_forecast
# expect: 49 BND104 public.legacy_customers
# expect: 58 BND100 shipping.delivery_sla
# expect: 62 BND100 core.payments
