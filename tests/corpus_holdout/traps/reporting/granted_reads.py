"""Reporting reads that the registry grants (may_read), and its own tables."""
import pandas as pd
from sqlalchemy import text

INVOICE_TOTALS = text("""
    SELECT i.account_id,
           c.email,
           sum(i.total_cents) AS billed_cents,
           rank() OVER (ORDER BY sum(i.total_cents) DESC) AS position
      FROM core.invoices i
      JOIN users.v_billing_contacts c USING (account_id)
     GROUP BY i.account_id, c.email
""")


def product_movements(engine):
    return pd.read_sql(
        """
        SELECT p.sku, p.name, m.moved_at, m.quantity
          FROM core.products p
          JOIN inventory.stock_movements m ON m.sku = p.sku
         WHERE m.moved_at > now() - interval '7 days'
        """,
        engine,
    )


def totals(conn):
    return conn.execute(INVOICE_TOTALS).all()


def own(conn, engine, frame):
    conn.execute(text("TRUNCATE reporting.snapshots"))
    conn.execute(text("INSERT INTO snapshots (taken_at) VALUES (now())"))
    frame.to_sql("weekly_kpis", engine, schema="reporting", if_exists="append")
    return pd.read_sql_table("kpi_targets", engine, schema="reporting")
