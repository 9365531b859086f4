"""Analytics jobs (SQLAlchemy): granted reads of public.strategy, the rest is not granted."""
from sqlalchemy import select

from orm_sqlalchemy.market.models import Quote
from orm_sqlalchemy.orders.models import OrderRow
from orm_sqlalchemy.strategies.models import Strategy, StrategyPortfolio


def strategy_names(session):
    return session.execute(select(Strategy.name)).scalars().all()


def weights(session):
    return session.execute(select(StrategyPortfolio.weight)).scalars().all()


def open_orders(session):
    return session.query(OrderRow).filter(OrderRow.status == "open").all()


def quote(session, quote_id):
    return session.get(Quote, quote_id)


def snapshot(session, name):
    session.add(Strategy(name=name))


# expect: 14 BND100 public.strategy_portfolio
# expect: 18 BND100 orders.orders
# expect: 22 BND100 tradingdb.quotes
# expect: 26 BND101 public.strategy
