"""Analytics data frames: pandas read_sql / read_sql_query / read_sql_table / to_sql."""
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import text

FILLS_SQL = """
SELECT f.order_id, f.qty, f.price, o.strategy_id
FROM tradingdb.fills f
JOIN tradingdb.orders o ON o.id = f.order_id
WHERE f.filled_at >= %(start)s AND f.filled_at < %(end)s
"""


def fills_frame(engine, start, end):
    return pd.read_sql(FILLS_SQL, engine, params={"start": start, "end": end})


def quotes_frame(conn, instrument_ids):
    return pd.read_sql_query(
        "SELECT instrument_id, ts, price FROM tradingdb.quotes WHERE instrument_id = ANY(%s)",
        conn,
        params=(instrument_ids,),
        parse_dates=["ts"],
    )


def candles_frame(engine):
    return pd.read_sql(
        text("SELECT * FROM tradingdb.candles WHERE day >= :since"),
        engine,
        params={"since": "2024-01-01"},
        index_col="day",
    )


def whole_tables(engine):
    fills = pd.read_sql_table("fills", engine, schema="tradingdb")
    orders = pd.read_sql_table("orders", engine, schema="tradingdb", columns=["id", "strategy_id"])
    portfolios = pd.read_sql_table(table_name="portfolio", con=engine, schema="public")
    return fills, orders, portfolios


def save(frame, engine):
    frame.to_sql("pnl_daily", engine, schema="public", if_exists="append", index=False)
    frame.to_sql("strategy_pnl_metrics", con=engine, if_exists="replace")
    frame.to_sql("signals", engine, schema="tradingdb", if_exists="append")
    frame.to_sql(name="portfolio_stats", con=engine, schema="analytics")


def pivot(engine, day):
    sql = (
        "SELECT sp.portfolio_id, s.name, d.pnl "
        "FROM pnl_daily d "
        "JOIN strategy_portfolio sp ON sp.portfolio_id = d.portfolio_id "
        "JOIN strategy s ON s.strategy_id = sp.strategy_id "
        "WHERE d.day = %s"
    )
    frame = pd.read_sql_query(sql, engine, params=(day,))
    return frame.pivot_table(index="portfolio_id", columns="name", values="pnl")


def chunks(engine):
    for chunk in pd.read_sql(
        "SELECT * FROM tradingdb.balances", engine, chunksize=10_000
    ):
        yield chunk


def dask_like(con):
    query = sa.text("SELECT account_id, cash FROM accounts.balances_history WHERE day = :d")
    return pd.read_sql(query, con, params={"d": "2024-06-30"})


# expect: 9 BND100 tradingdb.orders
# expect: 20 BND100 tradingdb.quotes
# expect: 29 BND100 tradingdb.candles
# expect: 38 BND100 tradingdb.orders
# expect: 39 BND100 public.portfolio
# expect: 46 BND101 tradingdb.signals
# expect: 54 BND100 public.strategy_portfolio
# expect: 64 BND100 tradingdb.balances
# expect: 70 BND100 accounts.balances_history
# expect: 54 BND107 public.strategy_portfolio
