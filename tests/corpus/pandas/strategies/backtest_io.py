"""Backtest inputs and outputs of the strategy engine (pandas)."""
import pandas as pd


def load_prices(engine, symbols):
    placeholders = ", ".join(["%s"] * len(symbols))
    query = f"""
        SELECT c.day, i.symbol, c.close
        FROM tradingdb.candles c
        JOIN tradingdb.instruments i ON i.instrument_id = c.instrument_id
        WHERE i.symbol IN ({placeholders})
    """
    return pd.read_sql_query(query, engine, params=symbols)


def save_results(frame, engine):
    frame.to_sql("backtests", engine, if_exists="append", index=False)
    frame[["strategy_id", "day", "pnl"]].to_sql("strategy_pnl_metrics", engine, schema="public", if_exists="append")


def positions(engine, account_id):
    return pd.read_sql(
        "SELECT * FROM orders.positions WHERE account_id = %(a)s", engine, params={"a": account_id}
    )


def own(engine):
    return pd.read_sql("SELECT * FROM public.strategy s JOIN public.portfolio p ON p.id = s.portfolio_id", engine)


# expect: 9 BND100 tradingdb.candles
# expect: 10 BND100 tradingdb.instruments
# expect: 18 BND101 public.strategy_pnl_metrics
# expect: 23 BND100 orders.positions
