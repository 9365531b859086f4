"""Checkout (SQLAlchemy ORM): session.begin() blocks, a savepoint, and commit() calls."""
from orm_sqlalchemy.accounts.models import Balance, LoginEvent
from orm_sqlalchemy.strategies.models import Strategy

from .models import OrderEvent, OrderRow


async def place(session, account_id, strategy_id):
    async with session.begin():
        session.add(OrderRow(account_id=account_id, strategy_id=strategy_id))
        session.add(OrderEvent(order_id=0))
        async with session.begin_nested():  # a savepoint: still the outer transaction
            session.add(Balance(account_id=account_id, cash=0))


def place_and_log(session, user_id):
    session.add(OrderRow(account_id=user_id))
    session.add(LoginEvent(user_id=user_id))
    session.commit()


def own_only(session, order_id):
    with session.begin():
        session.add(OrderEvent(order_id=order_id))
        session.merge(OrderRow(id=order_id))


def two_commits(session, strategy_id):
    session.add(Strategy(name="copy"))
    session.commit()
    session.add(OrderEvent(order_id=strategy_id))
    session.commit()


# expect: 13 BND101 tradingdb.balances
# expect: 13 BND108 tradingdb.balances
# expect: 18 BND101 accounts.login_event
# expect: 18 BND108 accounts.login_event
# expect: 29 BND101 public.strategy
