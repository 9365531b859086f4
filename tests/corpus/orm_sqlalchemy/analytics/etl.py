"""Analytics ETL (SQLAlchemy Core and ORM) over other services' tables."""
import sqlalchemy as sa
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from orm_sqlalchemy.accounts.models import ApiKey, Balance, LoginEvent
from orm_sqlalchemy.market.models import Instrument, Quote, candles
from orm_sqlalchemy.orders.models import OrderEvent, OrderRow
from orm_sqlalchemy.strategies.models import Portfolio, Strategy, StrategyPortfolio


def cash_by_account(session: Session):
    return session.execute(select(Balance.account_id, func.sum(Balance.cash)).group_by(Balance.account_id)).all()


def logins_per_day(session: Session):
    day = func.date_trunc("day", LoginEvent.id)
    return session.execute(select(day, func.count()).select_from(LoginEvent).group_by(day)).all()


def key_ids(session: Session):
    return session.scalars(select(ApiKey.id)).all()


def quotes_with_symbols(session: Session):
    stmt = select(Quote.price, Instrument.symbol).join(Instrument, Quote.instrument_id == Instrument.id)
    return session.execute(stmt).all()


def closes(session: Session):
    return session.execute(select(candles.c.close).where(candles.c.close > 0)).scalars().all()


def order_events(session: Session, order_id):
    return session.query(OrderEvent).filter(OrderEvent.order_id == order_id).all()


def orders_per_strategy(session: Session):
    stmt = select(Strategy.name, func.count(OrderRow.id)).join(OrderRow, OrderRow.strategy_id == Strategy.id)
    return session.execute(stmt.group_by(Strategy.name)).all()


def weights(session: Session, portfolio_id):
    sp = aliased(StrategyPortfolio)
    return session.execute(select(sp.weight).where(sp.id == portfolio_id)).all()


def portfolios(session: Session):
    return session.scalars(select(Portfolio)).all()


def backfill_quotes(session: Session, rows):
    session.execute(insert(Quote), rows)


def fix_prices(session: Session):
    session.execute(update(Quote).where(and_(Quote.price < 0)).values(price=0))


def copy_candles(session: Session, rows):
    session.execute(candles.insert(), rows)


def balance_rows(session: Session):
    return session.execute(sa.select(Balance.__table__)).all()


def strategy(session: Session, strategy_id):
    return session.get(Strategy, strategy_id)


def exists_order(session: Session, order_id):
    return session.query(sa.exists().where(OrderRow.id == order_id)).scalar()


# expect: 13 BND100 tradingdb.balances
# expect: 18 BND100 accounts.login_event
# expect: 22 BND100 accounts.api_key
# expect: 26 BND100 tradingdb.quotes
# expect: 26 BND100 tradingdb.instruments
# expect: 31 BND100 tradingdb.candles
# expect: 35 BND100 orders.order_events
# expect: 39 BND100 orders.orders
# expect: 45 BND100 public.strategy_portfolio
# expect: 49 BND100 public.portfolio
# expect: 53 BND101 tradingdb.quotes
# expect: 57 BND101 tradingdb.quotes
# expect: 61 BND101 tradingdb.candles
# expect: 65 BND100 tradingdb.balances
# expect: 73 BND100 orders.orders
