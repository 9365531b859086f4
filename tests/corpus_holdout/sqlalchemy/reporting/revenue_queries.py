"""Revenue and stock reports (SQLAlchemy Core: text(), table(), exec_driver_sql)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import column, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

REVENUE_BY_MONTH = text("""
    WITH monthly AS (
        SELECT date_trunc('month', i.issued_at) AS month,
               sum(l.quantity * l.unit_price_cents) AS revenue_cents
          FROM core.invoices i
          JOIN core.invoice_lines l ON l.invoice_id = i.id
         WHERE i.status <> 'void'
         GROUP BY 1
    )
    SELECT month,
           revenue_cents,
           revenue_cents - lag(revenue_cents) OVER (ORDER BY month) AS delta_cents
      FROM monthly
     ORDER BY month
""")

shipments_t = table(
    "shipments",
    column("id"),
    column("status"),
    column("delivered_at"),
    schema="core",
)


def revenue_by_month(session: Session) -> list:
    return session.execute(REVENUE_BY_MONTH).all()


def churned(session: Session, since: date) -> list:
    return session.execute(
        text(
            "SELECT a.id, a.email FROM core.accounts a "
            "WHERE a.deleted_at >= :since "
            "AND NOT EXISTS (SELECT 1 FROM core.payments p "
            "WHERE p.account_id = a.id AND p.captured_at > :since)"
        ),
        {"since": since},
    ).all()


def stock_turnover(conn: Connection) -> list:
    sql = text(
        """
        SELECT p.sku,
               p.name,
               sum(m.quantity) FILTER (WHERE m.kind = 'out') / nullif(avg(s.on_hand), 0) AS turnover
          FROM core.products p
          JOIN inventory.stock_movements m ON m.sku = p.sku
          JOIN core.stock_levels s ON s.sku = p.sku
         GROUP BY p.sku, p.name
        """
    )
    return conn.execute(sql).mappings().all()


def delivered(conn: Connection) -> list:
    return conn.execute(select(shipments_t.c.id).where(shipments_t.c.status == "delivered")).all()


def refresh(conn: Connection) -> None:
    conn.execute(text("REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.mv_revenue"))
    conn.execute(
        text("INSERT INTO reporting.snapshots (taken_at, payload) SELECT now(), to_jsonb(t) FROM core.tax_rates t")
    )
    conn.exec_driver_sql("DELETE FROM reporting.snapshots WHERE taken_at < now() - interval '1 year'")


def targets(conn: Connection) -> list:
    return conn.execute(text("SELECT name, target FROM kpi_targets WHERE year = :y"), {"y": date.today().year}).all()


# expect: 15 BND100 core.invoice_lines
# expect: 27 BND106 core.shipments
# expect: 42 BND100 core.accounts
# expect: 44 BND100 core.payments
# expect: 59 BND100 core.stock_levels
# expect: 73 BND100 core.tax_rates
