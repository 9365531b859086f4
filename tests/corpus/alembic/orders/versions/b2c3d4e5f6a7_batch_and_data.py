"""batch operations and a data migration

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.sql import column, table

revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"

order_events = table(
    "order_events",
    column("id", sa.BigInteger),
    column("kind", sa.String),
    schema="tradingdb",
)

signals = table("signals", column("signal_id", sa.BigInteger), column("state", sa.String), schema="tradingdb")


def upgrade():
    with op.batch_alter_table("positions", schema="orders") as batch_op:
        batch_op.add_column(sa.Column("portfolio_id", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            "fk_positions_portfolio", "portfolio", ["portfolio_id"], ["id"], referent_schema="public"
        )
    with op.batch_alter_table("instruments", schema="tradingdb") as batch_op:
        batch_op.alter_column("symbol", type_=sa.String(64))
    op.bulk_insert(order_events, [{"id": 1, "kind": "migrated"}])
    op.bulk_insert(signals, [{"signal_id": 0, "state": "sentinel"}])
    op.execute(signals.update().where(signals.c.state == op.inline_literal("new")).values(state="pending"))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT account_id FROM tradingdb.accounts WHERE status = :s"), {"s": "active"})
    for (account_id,) in rows:
        conn.execute(
            sa.text("INSERT INTO tradingdb.order_events (kind, account_id) VALUES ('seed', :a)"),
            {"a": account_id},
        )
    op.create_unique_constraint("uq_portfolio_name", "portfolio", ["account_id", "name"], schema="public")
    op.create_check_constraint("ck_balance_positive", "balances", "cash >= 0", schema="tradingdb")
    op.rename_table("order_notes_old", "order_notes_archive", schema="orders")


def downgrade():
    op.drop_constraint("uq_portfolio_name", "portfolio", schema="public", type_="unique")
    op.drop_constraint("fk_positions_portfolio", "positions", schema="orders", type_="foreignkey")
    op.execute("DELETE FROM tradingdb.signals WHERE state = 'sentinel'")
    with op.batch_alter_table("positions", schema="orders") as batch_op:
        batch_op.drop_column("portfolio_id")


# expect: 20 BND106 tradingdb.signals
# expect: 27 BND102 public.portfolio
# expect: 29 BND103 tradingdb.instruments
# expect: 32 BND101 tradingdb.signals
# expect: 35 BND100 tradingdb.accounts
# expect: 41 BND103 public.portfolio
# expect: 42 BND103 tradingdb.balances
# expect: 49 BND101 tradingdb.signals
# expect: 32 BND108 tradingdb.signals
