"""SQLAlchemy 2.x models of the order service."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import BigInteger, Column, ForeignKey, ForeignKeyConstraint, Index, Integer, MetaData, Numeric
from sqlalchemy import String, Table, UniqueConstraint, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SCHEMA = "orders"
LEGACY = "tradingdb"


class Base(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA)


class Position(Base):
    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("tradingdb.accounts.account_id"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey(f"{LEGACY}.instruments.instrument_id"))
    portfolio_id: Mapped[Optional[int]] = mapped_column(
        BigInteger, ForeignKey("public.portfolio.id", ondelete="SET NULL")
    )
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    notes = relationship("OrderNote", back_populates="position")


class OrderNote(Base):
    __tablename__ = "order_notes"
    __table_args__ = (Index("ix_order_notes_position", "position_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    strategy_id: Mapped[int] = mapped_column(ForeignKey("public.strategy.strategy_id"))
    body: Mapped[str] = mapped_column(String(2000))
    position = relationship("Position", back_populates="notes")


class LegacyOrder(Base):
    __tablename__ = "orders"
    __table_args__ = {"schema": LEGACY}

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[Optional[int]] = mapped_column(ForeignKey("tradingdb.signals.signal_id"))
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.now())


class Balance(Base):
    __tablename__ = "balances"
    __table_args__ = (
        UniqueConstraint("account_id"),
        {"schema": "tradingdb", "comment": "owned by the accounts service"},
    )

    account_id: Mapped[int] = mapped_column(primary_key=True)
    cash: Mapped[Decimal]


class Quote(Base):
    __tablename__ = "quotes"
    __table_args__ = {"schema": "tradingdb", "extend_existing": True}

    instrument_id: Mapped[int] = mapped_column(primary_key=True)
    price: Mapped[Decimal]


class Account(Base):
    __tablename__ = "accounts"
    # __table_args__ = {"schema": "tradingdb"}   the old mapping, kept for reference
    id: Mapped[int] = mapped_column(primary_key=True)


fills = Table(
    "fills",
    MetaData(schema=LEGACY),
    Column("id", BigInteger, primary_key=True),
    Column("order_id", BigInteger, ForeignKey("orders.id")),
    Column("instrument_id", Integer, ForeignKey("instruments.instrument_id")),
)

strategy_table = Table(
    "strategy",
    MetaData(),
    Column("strategy_id", BigInteger, primary_key=True),
    Column("name", String),
    schema="public",
)

order_signal = Table(
    "order_signal",
    Base.metadata,
    Column("order_id", BigInteger),
    Column("signal_id", BigInteger),
    ForeignKeyConstraint(["order_id"], ["tradingdb.orders.id"]),
    ForeignKeyConstraint(["signal_id"], ["tradingdb.signals.signal_id"], name="fk_signal"),
)


# expect: 24 BND102 tradingdb.accounts
# expect: 25 BND102 tradingdb.instruments
# expect: 27 BND102 public.portfolio
# expect: 39 BND102 public.strategy
# expect: 49 BND102 tradingdb.signals
# expect: 54 BND106 tradingdb.balances
# expect: 65 BND106 tradingdb.quotes
# expect: 83 BND102 tradingdb.instruments
# expect: 87 BND106 public.strategy
# expect: 100 BND102 tradingdb.signals
