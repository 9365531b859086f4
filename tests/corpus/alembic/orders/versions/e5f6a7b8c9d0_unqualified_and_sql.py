"""unqualified names, SQL in migrations, partial index

Revision ID: e5f6a7b8c9d0
Revises: b2c3d4e5f6a7
"""
import sqlalchemy as sa
from alembic import op

revision = "e5f6a7b8c9d0"
down_revision = "b2c3d4e5f6a7"

BACKFILL = """
UPDATE tradingdb.orders o
   SET strategy_name = s.name
  FROM public.strategy s
 WHERE s.strategy_id = o.strategy_id;
UPDATE tradingdb.signals SET consumed = true WHERE signal_id IN (SELECT signal_id FROM tradingdb.orders);
"""


def upgrade():
    op.create_table(
        "fill_fees",
        sa.Column("fill_id", sa.BigInteger, sa.ForeignKey("fills.id")),
        sa.Column("account_id", sa.BigInteger, sa.ForeignKey("accounts.account_id")),
        sa.Column("strategy_id", sa.BigInteger, sa.ForeignKey("strategy.strategy_id")),
    )
    op.add_column("orders", sa.Column("strategy_name", sa.Text))
    op.add_column("quotes", sa.Column("order_hint", sa.Text))
    op.execute(BACKFILL)
    op.create_index(
        "ix_orders_open",
        "orders",
        ["account_id"],
        postgresql_where=sa.text("status = 'open'"),
    )
    op.get_bind().exec_driver_sql("ANALYZE tradingdb.orders")
    op.execute(sa.text("DELETE FROM tradingdb.quotes WHERE price < :p").bindparams(p=0))
    op.drop_index("ix_candles_legacy", "candles", schema="tradingdb")


def downgrade():
    op.drop_column("quotes", "order_hint")
    op.drop_column("orders", "strategy_name")
    op.drop_table("fill_fees")


# expect: 15 BND100 public.strategy
# expect: 17 BND101 tradingdb.signals
# expect: 25 BND102 tradingdb.accounts
# expect: 26 BND102 public.strategy
# expect: 29 BND103 tradingdb.quotes
# expect: 38 BND101 tradingdb.quotes
# expect: 39 BND103 tradingdb.candles
# expect: 43 BND103 tradingdb.quotes
# expect: 17 BND108 tradingdb.signals
