"""analytics views over the shared schema

Revision ID: d4e5f6a7b8c9
Revises: 1a2b3c4d5e6f
"""
from alembic import op
import sqlalchemy as sa

revision = "d4e5f6a7b8c9"
down_revision = "1a2b3c4d5e6f"

SCHEMA = "analytics"

VIEW = f"""
CREATE OR REPLACE VIEW {SCHEMA}.v_strategy_fills AS
SELECT s.strategy_id, s.name, f.qty, f.price, o.account_id
FROM public.strategy s
JOIN tradingdb.orders o ON o.strategy_id = s.strategy_id
JOIN tradingdb.fills f ON f.order_id = o.id
"""


def upgrade():
    op.execute(VIEW)
    op.create_table(
        "strategy_rankings",
        sa.Column("strategy_id", sa.BigInteger, sa.ForeignKey("public.strategy.strategy_id"), primary_key=True),
        sa.Column("rank", sa.Integer),
        schema=SCHEMA,
    )
    op.add_column("pnl_daily", sa.Column("fees", sa.Numeric), schema="public")
    op.add_column("strategy", sa.Column("rank", sa.Integer), schema="public")
    op.create_foreign_key(
        None, "strategy_rankings", "portfolio", ["portfolio_id"], ["id"],
        source_schema=SCHEMA, referent_schema="public",
    )
    op.execute(sa.text("GRANT SELECT ON analytics.v_strategy_fills TO reporting"))


def downgrade():
    op.drop_column("strategy", "rank", schema="public")
    op.drop_table("strategy_rankings", schema=SCHEMA)
    op.execute(f"DROP VIEW IF EXISTS {SCHEMA}.v_strategy_fills")


# expect: 18 BND100 tradingdb.orders
# expect: 27 BND102 public.strategy
# expect: 32 BND103 public.strategy
# expect: 34 BND102 public.portfolio
# expect: 41 BND103 public.strategy
# expect: 17 BND107 public.strategy
