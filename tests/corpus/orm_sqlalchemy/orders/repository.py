"""Order repository (SQLAlchemy 2.0 style) over other services' classes."""
import sqlalchemy as sa
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from orm_sqlalchemy.accounts import models as account_models
from orm_sqlalchemy.market.models import Instrument, Quote, candles
from orm_sqlalchemy.strategies.models import Strategy, StrategyIn, StrategyPortfolio

from .models import OrderEvent, OrderRow


async def latest_quote(session, instrument_id):
    stmt = select(Quote).where(Quote.instrument_id == instrument_id).order_by(Quote.id.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def instrument_symbols(session):
    return (await session.execute(select(Instrument.id, Instrument.symbol))).all()


async def strategy(session, strategy_id):
    return await session.get(Strategy, strategy_id)


async def orders_with_strategy(session):
    stmt = select(OrderRow).join(Strategy, OrderRow.strategy_id == Strategy.id)
    return (await session.execute(stmt)).scalars().all()


async def price_count(session):
    return (await session.execute(select(func.count(Quote.id)))).scalar()


async def add_strategy(session, name):
    session.add(Strategy(name=name))
    await session.commit()


async def reweight(session, portfolio_id):
    await session.execute(
        update(StrategyPortfolio)
        .where(StrategyPortfolio.id == portfolio_id)
        .values(weight=0)
    )


async def drop_weights(session, strategy_id):
    await session.execute(delete(StrategyPortfolio).where(StrategyPortfolio.strategy_id == strategy_id))


async def upsert_balance(session, account_id, cash):
    stmt = pg_insert(account_models.Balance).values(account_id=account_id, cash=cash)
    await session.execute(stmt.on_conflict_do_nothing())


async def record_login(session, user_id):
    await session.execute(insert(account_models.LoginEvent).values(user_id=user_id))


async def candle_rows(session):
    return (await session.execute(candles.select().limit(10))).all()


async def candle_core(session):
    return (await session.execute(sa.select(candles.c.close))).all()


async def own_events(session, order_id):
    session.add(OrderEvent(order_id=order_id))
    return (await session.execute(select(OrderRow).where(OrderRow.id == order_id))).scalar_one()


async def remove_strategy(session, strategy_id):
    obj = await session.get(Strategy, strategy_id)
    await session.delete(obj)


async def merge_strategy(session, data):
    return await session.merge(Strategy(**data))


def payload(body: StrategyIn) -> dict:
    return {"name": body.name}


async def table_of_quotes(session):
    return (await session.execute(sa.select(Quote.__table__))).all()


# expect: 14 BND100 tradingdb.quotes
# expect: 23 BND100 public.strategy
# expect: 27 BND100 public.strategy
# expect: 32 BND100 tradingdb.quotes
# expect: 36 BND101 public.strategy
# expect: 42 BND101 public.strategy_portfolio
# expect: 49 BND101 public.strategy_portfolio
# expect: 53 BND101 tradingdb.balances
# expect: 58 BND101 accounts.login_event
# expect: 62 BND100 tradingdb.candles
# expect: 66 BND100 tradingdb.candles
# expect: 75 BND100 public.strategy
# expect: 76 BND101 public.strategy
# expect: 80 BND101 public.strategy
# expect: 88 BND100 tradingdb.quotes
