"""Strategy queries on tables reflected once at start-up, fetched through one helper."""
import sqlalchemy as sa
from sqlalchemy import select

meta = sa.MetaData()


def table(name):
    """The reflected table ``name``."""
    return meta.tables[name]


def live_strategies(conn):
    strategy = table("strategy")
    return conn.execute(select(strategy).where(strategy.c.live)).all()


def open_orders(conn, strategy_id):
    orders = table("tradingdb.orders")
    return conn.execute(select(orders).where(orders.c.strategy_id == strategy_id)).all()


def label(name):
    return name.title()


def labelled():
    return label("tradingdb.fills")


# expect: 19 BND106 tradingdb.orders
