"""Legacy 1.4-style queries (session.query) and Flask-SQLAlchemy's Model.query."""
from sqlalchemy.orm import joinedload

from orm_sqlalchemy.accounts.models import ApiKey, Balance, LoginEvent, db
from orm_sqlalchemy.market import models as market
from orm_sqlalchemy.strategies.models import Portfolio, Strategy

from .models import OrderRow


def strategies(session):
    return session.query(Strategy).filter(Strategy.name.like("a%")).all()


def strategy_names(session):
    return [name for (name,) in session.query(Strategy.name).distinct()]


def orders_and_instruments(session):
    return session.query(OrderRow, market.Instrument).join(market.Instrument).all()  # granted read


def with_strategy(session):
    return session.query(OrderRow).options(joinedload(OrderRow.strategy)).all()


def zero_portfolios(session):
    session.query(Portfolio).filter(Portfolio.id > 100).delete()


def rename(session, strategy_id):
    session.query(Strategy).filter_by(id=strategy_id).update({"name": "x"})


def balances():
    return Balance.query.filter_by(account_id=1).first()


def key_count():
    return ApiKey.query.count()


def log_login(user_id):
    db.session.add(LoginEvent(user_id=user_id))
    db.session.commit()


def bulk(session, rows):
    session.add_all([Strategy(**row) for row in rows])


def own(session):
    return session.query(OrderRow).filter(OrderRow.status == "open").count()


# expect: 12 BND100 public.strategy
# expect: 16 BND100 public.strategy
# expect: 24 BND100 public.strategy
# expect: 28 BND101 public.portfolio
# expect: 32 BND101 public.strategy
# expect: 36 BND100 tradingdb.balances
# expect: 40 BND100 accounts.api_key
# expect: 44 BND101 accounts.login_event
# expect: 49 BND101 public.strategy
