"""Analytics jobs (SQLAlchemy Core + text). analytics may read tradingdb.fills and public.strategy."""
import sqlalchemy as sa
from sqlalchemy import text

metadata = sa.MetaData(schema="analytics")

pnl_snapshots = sa.Table(
    "pnl_snapshots",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("strategy_id", sa.BigInteger, sa.ForeignKey("public.strategy.strategy_id")),
    sa.Column("portfolio_id", sa.BigInteger, sa.ForeignKey("public.portfolio.id")),
)

orders_view = sa.Table(
    "orders",
    sa.MetaData(),
    sa.Column("id", sa.BigInteger),
    schema="tradingdb",
)

DAILY = text("""
    INSERT INTO pnl_daily (portfolio_id, day, pnl)
    SELECT sp.portfolio_id, :day, sum(f.qty * (q.price - f.price))
    FROM tradingdb.fills f
    JOIN tradingdb.orders o ON o.id = f.order_id
    JOIN strategy_portfolio sp ON sp.strategy_id = o.strategy_id
    JOIN tradingdb.quotes q ON q.instrument_id = f.instrument_id
    JOIN strategy s ON s.strategy_id = sp.strategy_id
    WHERE f.filled_at::date = :day
    GROUP BY sp.portfolio_id
    ON CONFLICT (portfolio_id, day) DO UPDATE SET pnl = EXCLUDED.pnl
""")


def run_daily(engine, day):
    with engine.begin() as conn:
        conn.execute(DAILY, {"day": day})
        conn.execute(text("REFRESH MATERIALIZED VIEW CONCURRENTLY analytics.mv_pnl"))
        conn.execute(
            text("UPDATE public.strategy SET last_pnl_at = now() WHERE strategy_id IN (SELECT strategy_id FROM public.strategy_pnl_metrics)")
        )


def metrics(conn, strategy_id):
    return conn.execute(
        text("SELECT * FROM strategy_pnl_metrics m JOIN strategy s USING (strategy_id) WHERE s.strategy_id = :sid"),
        {"sid": strategy_id},
    ).all()


# expect: 11 BND102 public.strategy
# expect: 12 BND102 public.portfolio
# expect: 16 BND106 tradingdb.orders
# expect: 26 BND100 tradingdb.orders
# expect: 27 BND100 public.strategy_portfolio
# expect: 28 BND100 tradingdb.quotes
# expect: 41 BND101 public.strategy
# expect: 25 BND107 tradingdb.fills
# expect: 41 BND107 public.strategy_pnl_metrics
# expect: 47 BND107 public.strategy
# expect: 41 BND108 public.strategy
