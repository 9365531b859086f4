"""Orders (SQLAlchemy): relationships to other services' classes."""
from sqlalchemy import BigInteger, ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from orm_sqlalchemy.market.models import Instrument
from orm_sqlalchemy.strategies.models import Strategy


class OrdersBase(DeclarativeBase):
    metadata = MetaData(schema="orders")


class OrderRow(OrdersBase):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("tradingdb.instruments.id"))
    strategy_id: Mapped[int] = mapped_column(ForeignKey("public.strategy.id"))
    status: Mapped[str] = mapped_column(String(16))
    instrument: Mapped[Instrument] = relationship(Instrument)  # granted: may_read tradingdb.instruments
    strategy: Mapped[Strategy] = relationship("Strategy", lazy="joined")
    events: Mapped[list["OrderEvent"]] = relationship(back_populates="order")


class OrderEvent(OrdersBase):
    __tablename__ = "order_events"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.orders.id"))
    order: Mapped[OrderRow] = relationship(back_populates="events")


# expect: 16 BND102 tradingdb.instruments
# expect: 17 BND102 public.strategy
# expect: 20 BND100 public.strategy
