"""reorder rules; reservation flag on invoice lines

Revision ID: 5c4d3e2f1a0b
Revises: 4b3c2d1e0f9a
Create Date: 2025-01-07 11:02:37.004112
"""
import sqlalchemy as sa
from alembic import op

revision = "5c4d3e2f1a0b"
down_revision = "4b3c2d1e0f9a"


def upgrade():
    op.create_table(
        "reorder_rules",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("sku", sa.Text, sa.ForeignKey("products.sku"), nullable=False),
        sa.Column("warehouse_id", sa.BigInteger, sa.ForeignKey("warehouses.id"), nullable=False),
        sa.Column("supplier_org_id", sa.BigInteger, nullable=True),
        sa.Column("min_qty", sa.Integer, nullable=False, server_default="0"),
    )
    op.add_column("invoice_lines", sa.Column("reserved", sa.Boolean, server_default=sa.false()))
    op.create_foreign_key("fk_reorder_supplier", "reorder_rules", "organizations", ["supplier_org_id"], ["id"])
    op.execute("UPDATE stock_levels SET reserved = 0 WHERE reserved IS NULL")
    op.rename_table("stock_snapshots", "stock_snapshots_old")
    op.drop_table("promo_codes", schema="public")
    op.execute("SELECT setval('inventory.reorder_rules_id_seq', 1000, false)")


def downgrade():
    op.rename_table("stock_snapshots_old", "stock_snapshots")
    op.drop_constraint("fk_reorder_supplier", "reorder_rules", type_="foreignkey")
    op.drop_column("invoice_lines", "reserved")
    op.drop_table("reorder_rules")


# expect: 23 BND103 core.invoice_lines
# expect: 24 BND102 core.organizations
# expect: 27 BND104 public.promo_codes
# expect: 34 BND103 core.invoice_lines
