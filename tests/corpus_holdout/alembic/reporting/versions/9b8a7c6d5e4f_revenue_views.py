"""revenue materialized view, kpi targets

Revision ID: 9b8a7c6d5e4f
Revises:
Create Date: 2024-11-18 16:40:03.553210
"""
import sqlalchemy as sa
from alembic import op

revision = "9b8a7c6d5e4f"
down_revision = None


def upgrade():
    op.execute("CREATE SCHEMA IF NOT EXISTS reporting")
    op.execute(
        """
        CREATE MATERIALIZED VIEW reporting.mv_revenue AS
        SELECT date_trunc('day', p.captured_at) AS day,
               sum(p.amount_cents) AS cents
          FROM core.payments p
         GROUP BY 1
        WITH NO DATA
        """
    )
    op.execute("CREATE UNIQUE INDEX ON reporting.mv_revenue (day)")
    op.execute(sa.text("GRANT SELECT ON core.payments TO reporting_ro"))
    op.create_table(
        "kpi_targets",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("target", sa.Numeric),
        sa.Column("owner_account_id", sa.BigInteger, sa.ForeignKey("core.accounts.id")),
        schema="reporting",
    )
    op.create_index(
        "ix_stock_movements_moved_at",
        "stock_movements",
        ["moved_at"],
        schema="inventory",
        postgresql_concurrently=True,
    )


def downgrade():
    op.drop_index("ix_stock_movements_moved_at", table_name="stock_movements", schema="inventory")
    op.drop_table("kpi_targets", schema="reporting")
    op.execute("DROP MATERIALIZED VIEW IF EXISTS reporting.mv_revenue")


# expect: 21 BND100 core.payments
# expect: 27 BND103 core.payments
# expect: 33 BND102 core.accounts
# expect: 38 BND103 inventory.stock_movements
# expect: 46 BND103 inventory.stock_movements
