"""Strategies: SQLModel tables, and a declared_attr naming rule."""
import re

from sqlalchemy import Column, Integer, MetaData
from sqlalchemy.orm import declarative_base, declared_attr
from sqlmodel import Field, SQLModel


class Strategy(SQLModel, table=True):
    __tablename__ = "strategy"
    __table_args__ = {"schema": "public"}
    id: int = Field(primary_key=True)
    name: str


class StrategyIn(SQLModel):
    name: str


class SnakeNamed:
    @declared_attr
    def __tablename__(cls):
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


LegacyBase = declarative_base(metadata=MetaData(schema="public"))


class StrategyPortfolio(SnakeNamed, LegacyBase):
    id = Column(Integer, primary_key=True)
    strategy_id = Column(Integer)
    weight = Column(Integer)


class Portfolio(SnakeNamed, LegacyBase):
    id = Column(Integer, primary_key=True)
