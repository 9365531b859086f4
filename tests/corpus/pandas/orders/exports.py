"""Order-service exports with pandas (psycopg2 connection and SQLAlchemy engine)."""
from __future__ import annotations

import pandas as pd
from pandas import read_sql_query, read_sql_table
from sqlalchemy import create_engine, text

ENGINE = create_engine("postgresql+psycopg2://orders@db/trading")

OPEN_POSITIONS = """
    SELECT p.account_id, i.symbol, p.quantity, q.price, p.quantity * q.price AS value
    FROM orders.positions p
    JOIN tradingdb.instruments i USING (instrument_id)
    JOIN LATERAL (
        SELECT price FROM tradingdb.quotes WHERE instrument_id = p.instrument_id ORDER BY ts DESC LIMIT 1
    ) q ON true
    WHERE p.quantity <> 0
"""


def open_positions() -> pd.DataFrame:
    return pd.read_sql(OPEN_POSITIONS, ENGINE)


def by_account(conn, account_ids):
    return read_sql_query(
        "SELECT o.*, a.status FROM tradingdb.orders o JOIN tradingdb.accounts a USING (account_id) WHERE account_id IN %(ids)s",
        conn,
        params={"ids": tuple(account_ids)},
    )


def strategy_names() -> pd.DataFrame:
    return read_sql_table("strategy", ENGINE, schema="public", columns=["strategy_id", "name"])


def balances_wide(engine):
    with engine.connect() as conn:
        frame = pd.read_sql_query(text("SELECT account_id, cash, reserved FROM tradingdb.balances"), conn)
    return frame.set_index("account_id")


def write_back(frame: pd.DataFrame, engine) -> None:
    frame.to_sql("positions_snapshot", engine, schema="orders", if_exists="replace", index=False)
    frame.to_sql("fills", engine, schema="tradingdb", if_exists="append", method="multi")
    frame.to_sql("candles", con=engine, schema="tradingdb", if_exists="append", chunksize=500)
    frame[["account_id", "cash"]].to_sql("balances", engine, schema="tradingdb", if_exists="append")


def stats(engine):
    frame = pd.read_sql(
        """
        SELECT date_trunc('hour', f.filled_at) AS hour, count(*) AS fills, sum(f.qty) AS qty
        FROM tradingdb.fills f
        WHERE f.filled_at > now() - interval '1 day'
        GROUP BY 1
        ORDER BY 1
        """,
        engine,
        parse_dates=["hour"],
    )
    signals = pd.read_sql("SELECT signal_id, strategy_id FROM tradingdb.signals WHERE NOT consumed", engine)
    return frame.merge(signals, how="cross")


# expect: 15 BND100 tradingdb.quotes
# expect: 27 BND100 tradingdb.accounts
# expect: 34 BND100 public.strategy
# expect: 39 BND100 tradingdb.balances
# expect: 46 BND101 tradingdb.candles
# expect: 47 BND101 tradingdb.balances
# expect: 62 BND100 tradingdb.signals
