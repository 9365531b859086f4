"""link orders to signals and strategies

Revision ID: a1b2c3d4e5f6
Revises: 9f8e7d6c5b4a
Create Date: 2024-03-02 10:11:12.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "a1b2c3d4e5f6"
down_revision = "9f8e7d6c5b4a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_signal",
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("signal_id", sa.BigInteger(), nullable=False),
        sa.Column("strategy_id", sa.BigInteger(), sa.ForeignKey("public.strategy.strategy_id")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.orders.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["signal_id"], ["tradingdb.signals.signal_id"]),
        sa.PrimaryKeyConstraint("order_id", "signal_id"),
        schema="orders",
    )
    op.create_index(op.f("ix_orders_order_signal_signal_id"), "order_signal", ["signal_id"], unique=False, schema="orders")
    op.create_foreign_key(
        "fk_orders_account",
        "orders",
        "accounts",
        ["account_id"],
        ["account_id"],
        source_schema="tradingdb",
        referent_schema="tradingdb",
    )
    op.add_column("orders", sa.Column("signal_id", sa.BigInteger(), nullable=True), schema="tradingdb")
    op.add_column("signals", sa.Column("order_count", sa.Integer(), server_default="0"), schema="tradingdb")
    op.alter_column(
        "balances",
        "reserved",
        existing_type=sa.NUMERIC(precision=18, scale=4),
        nullable=False,
        schema="tradingdb",
    )
    op.execute("UPDATE tradingdb.signals SET order_count = 0 WHERE order_count IS NULL")


def downgrade() -> None:
    op.drop_column("signals", "order_count", schema="tradingdb")
    op.drop_constraint("fk_orders_account", "orders", schema="tradingdb", type_="foreignkey")
    op.drop_column("orders", "signal_id", schema="tradingdb")
    op.drop_index(op.f("ix_orders_order_signal_signal_id"), table_name="order_signal", schema="orders")
    op.drop_table("order_signal", schema="orders")


# expect: 23 BND102 public.strategy
# expect: 25 BND102 tradingdb.signals
# expect: 33 BND102 tradingdb.accounts
# expect: 40 BND103 tradingdb.signals
# expect: 42 BND103 tradingdb.balances
# expect: 48 BND101 tradingdb.signals
# expect: 52 BND103 tradingdb.signals
