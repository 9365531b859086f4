"""Attribution (SQLAlchemy ORM): queries joining analytics' own tables with other owners'."""
from sqlalchemy import select

from orm_sqlalchemy.orders.models import OrderRow
from orm_sqlalchemy.strategies.models import Portfolio, Strategy

from .models import Attribution, PnlDaily


def by_strategy(session):
    stmt = select(Attribution.pnl, Strategy.name).join(Strategy, Strategy.id == Attribution.strategy_id)
    return session.execute(stmt).all()


def with_portfolio(session):
    return session.query(PnlDaily, Portfolio).filter(Portfolio.id == PnlDaily.portfolio_id).all()


def own_join(session):
    return session.execute(select(Attribution).join(PnlDaily, PnlDaily.portfolio_id == Attribution.portfolio_id)).all()


def two_queries(session):
    names = session.execute(select(Strategy.name)).scalars().all()
    rows = session.execute(select(Attribution)).scalars().all()
    return names, rows


def order_attribution(session):
    return session.execute(select(Attribution).join(OrderRow, OrderRow.strategy_id == Attribution.strategy_id)).all()


# expect: 11 BND107 public.strategy
# expect: 16 BND100 public.portfolio
# expect: 16 BND107 public.portfolio
# expect: 30 BND100 orders.orders
# expect: 30 BND107 orders.orders
