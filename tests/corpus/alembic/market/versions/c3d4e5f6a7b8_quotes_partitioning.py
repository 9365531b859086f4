"""quotes partitioning and the registry

Revision ID: c3d4e5f6a7b8
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "c3d4e5f6a7b8"
down_revision = None


def upgrade():
    op.execute(
        """
        CREATE TABLE IF NOT EXISTS tradingdb.quotes_2024 PARTITION OF tradingdb.quotes
            FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
        """
    )
    op.create_table(
        "instrument_aliases",
        sa.Column("alias", sa.String(64), primary_key=True),
        sa.Column("instrument_id", sa.BigInteger, sa.ForeignKey("tradingdb.instruments.instrument_id")),
        sa.Column("listed_by", sa.BigInteger, sa.ForeignKey("tradingdb.accounts.account_id")),
        schema="market",
    )
    op.create_index("ix_candles_day", "candles", ["day"], schema="tradingdb")
    op.create_index("ix_fills_instrument", "fills", ["instrument_id"], schema="tradingdb", postgresql_concurrently=True)
    op.drop_table("legacy_ticks", schema="tradingdb")
    op.create_table_comment("instrument_registry", "market data registry", schema="public")
    op.create_table(
        "orders_by_instrument",
        sa.Column("instrument_id", sa.BigInteger),
        sa.Column("order_id", sa.BigInteger, sa.ForeignKey("tradingdb.orders.id")),
        schema="public",
    )


def downgrade():
    op.drop_table("orders_by_instrument", schema="public")
    op.drop_index("ix_fills_instrument", table_name="fills", schema="tradingdb")
    op.drop_index("ix_candles_day", table_name="candles", schema="tradingdb")
    op.drop_table("instrument_aliases", schema="market")
    op.execute("DROP TABLE IF EXISTS tradingdb.quotes_2024")


# expect: 16 BND104 tradingdb.quotes_2024
# expect: 24 BND102 tradingdb.accounts
# expect: 28 BND103 tradingdb.fills
# expect: 29 BND104 tradingdb.legacy_ticks
# expect: 32 BND104 public.orders_by_instrument
# expect: 34 BND102 tradingdb.orders
# expect: 40 BND104 public.orders_by_instrument
# expect: 41 BND103 tradingdb.fills
# expect: 44 BND104 tradingdb.quotes_2024
