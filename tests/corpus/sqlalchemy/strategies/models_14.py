"""Strategy engine models, SQLAlchemy 1.4 declarative style."""
from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, Numeric, String
from sqlalchemy.ext.declarative import declarative_base

metadata = MetaData()
Base = declarative_base(metadata=metadata)
Legacy = declarative_base(metadata=MetaData(schema="tradingdb"))


class Strategy(Base):
    __tablename__ = "strategy"
    __table_args__ = {"schema": "public"}
    strategy_id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, ForeignKey("public.users.id"))
    name = Column(String(200))


class Portfolio(Base):
    __tablename__ = "portfolio"
    __table_args__ = ({"schema": "public"},)
    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("tradingdb.accounts.account_id", name="fk_pf_account"))


class Signal(Legacy):
    __tablename__ = "signals"
    signal_id = Column(Integer, primary_key=True)
    instrument_id = Column(Integer, ForeignKey("instruments.instrument_id"))
    strategy_id = Column(Integer, ForeignKey(Strategy.strategy_id))


class Fill(Legacy):
    __tablename__ = "fills"
    id = Column(Integer, primary_key=True)
    price = Column(Numeric)
    signal_id = Column(Integer, ForeignKey("signals.signal_id"))


class Backtest(Base):
    __tablename__ = "backtests"
    id = Column(Integer, primary_key=True)
    started = Column(DateTime)


class Pnl(Base):
    __tablename__ = "pnl_daily"
    portfolio_id = Column(Integer, ForeignKey("portfolio.id"), primary_key=True)


# expect: 14 BND102 public.users
# expect: 22 BND102 tradingdb.accounts
# expect: 28 BND102 tradingdb.instruments
# expect: 33 BND106 tradingdb.fills
# expect: 46 BND106 public.pnl_daily
