"""customers, links to accounts, warehouses and products

Revision ID: 3f1c2a9d8e7b
Revises: 1a2b3c4d5e6f
Create Date: 2024-10-02 09:14:51.120388
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql import column, table

revision = "3f1c2a9d8e7b"
down_revision = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None

warehouses = table(
    "warehouses",
    column("id", sa.BigInteger),
    column("code", sa.String),
    schema="core",
)


def upgrade():
    op.create_table(
        "customers",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "account_id",
            sa.BigInteger,
            sa.ForeignKey("core.accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("vat_number", sa.String(32)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        schema="billing",
    )
    op.create_index("ix_customers_account_id", "customers", ["account_id"], unique=True, schema="billing")
    op.add_column("invoice_lines", sa.Column("warehouse_id", sa.BigInteger), schema="core")
    op.create_foreign_key(
        "fk_invoice_lines_warehouse",
        "invoice_lines",
        "warehouses",
        ["warehouse_id"],
        ["id"],
        source_schema="core",
        referent_schema="core",
    )
    op.add_column("accounts", sa.Column("billing_email", sa.Text(), nullable=True), schema="core")
    op.alter_column(
        "products",
        "list_price_cents",
        existing_type=sa.Integer(),
        type_=sa.BigInteger(),
        schema="core",
    )
    op.bulk_insert(warehouses, [{"id": 0, "code": "VIRTUAL"}])
    op.execute(
        """
        UPDATE core.accounts a
           SET billing_email = c.email
          FROM billing.customers c
         WHERE c.account_id = a.id
        """
    )
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "INSERT INTO billing.customers (account_id) "
            "SELECT id FROM core.accounts WHERE deleted_at IS NULL ON CONFLICT DO NOTHING"
        )
    )
    with op.batch_alter_table("memberships", schema="core") as batch_op:
        batch_op.add_column(sa.Column("billing_role", sa.String(16)))
    op.create_unique_constraint("uq_tax_rates_country_day", "tax_rates", ["country_code", "valid_from"], schema="core")


def downgrade():
    op.drop_constraint("uq_tax_rates_country_day", "tax_rates", schema="core", type_="unique")
    op.drop_constraint("fk_invoice_lines_warehouse", "invoice_lines", schema="core", type_="foreignkey")
    op.drop_column("invoice_lines", "warehouse_id", schema="core")
    op.drop_index("ix_customers_account_id", table_name="customers", schema="billing")
    op.drop_table("customers", schema="billing")


# expect: 17 BND106 core.warehouses
# expect: 31 BND102 core.accounts
# expect: 43 BND102 core.warehouses
# expect: 49 BND103 core.accounts
# expect: 51 BND103 core.products
# expect: 57 BND101 core.warehouses
# expect: 60 BND101 core.accounts
# expect: 70 BND100 core.accounts
# expect: 73 BND103 core.memberships
