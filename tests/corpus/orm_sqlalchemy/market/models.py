"""Market data (SQLAlchemy 2.0 declarative; the schema from the base's MetaData)."""
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Numeric, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class MarketBase(DeclarativeBase):
    metadata = MetaData(schema="tradingdb")


class Instrument(MarketBase):
    __tablename__ = "instruments"
    id: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str] = mapped_column(String(32))


class Quote(MarketBase):
    __tablename__ = "quotes"
    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("tradingdb.instruments.id"))
    price: Mapped[float] = mapped_column(Numeric)
    instrument: Mapped[Instrument] = relationship()


candles = Table(
    "candles",
    MarketBase.metadata,
    Column("instrument_id", Integer),
    Column("close", Numeric),
)
