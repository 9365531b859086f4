"""Analytics' own tables (SQLAlchemy 2.0 declarative; the schema from the base's MetaData)."""
from sqlalchemy import BigInteger, MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class AnalyticsBase(DeclarativeBase):
    metadata = MetaData(schema="analytics")


class Attribution(AnalyticsBase):
    __tablename__ = "attribution"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    strategy_id: Mapped[int] = mapped_column(BigInteger)
    portfolio_id: Mapped[int] = mapped_column(BigInteger)
    pnl: Mapped[float] = mapped_column(Numeric)


class PnlDaily(AnalyticsBase):
    __tablename__ = "pnl_daily"
    __table_args__ = {"schema": "public"}
    portfolio_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    pnl: Mapped[float] = mapped_column(Numeric)
