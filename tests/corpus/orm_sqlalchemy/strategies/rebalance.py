"""Rebalancing (SQLAlchemy) in the strategy service: its own tables and market's."""
from sqlalchemy import func, select, update

from orm_sqlalchemy.accounts.models import Balance
from orm_sqlalchemy.market import models as market
from orm_sqlalchemy.orders.models import OrderRow

from .models import Portfolio, Strategy, StrategyPortfolio


def last_prices(session, ids):
    stmt = select(market.Quote.instrument_id, func.max(market.Quote.price)).group_by(market.Quote.instrument_id)
    return dict(session.execute(stmt).all())


def symbols(session):
    return session.scalars(select(market.Instrument.symbol)).all()


def cash(session, account_id):
    return session.get(Balance, account_id).cash


def open_orders(session, strategy_id):
    return session.query(OrderRow.id).filter(OrderRow.strategy_id == strategy_id).all()


def cancel_open(session, strategy_id):
    session.execute(update(OrderRow).where(OrderRow.strategy_id == strategy_id).values(status="cancelled"))


def rebalance(session, portfolio_id):
    rows = session.scalars(select(StrategyPortfolio).where(StrategyPortfolio.id == portfolio_id)).all()
    session.add(Portfolio(id=portfolio_id))
    session.execute(update(Strategy).values(name=Strategy.name))
    return rows


def candle_count(session):
    return session.execute(select(func.count()).select_from(market.candles)).scalar()


# expect: 12 BND100 tradingdb.quotes
# expect: 17 BND100 tradingdb.instruments
# expect: 21 BND100 tradingdb.balances
# expect: 25 BND100 orders.orders
# expect: 29 BND101 orders.orders
# expect: 40 BND100 tradingdb.candles
