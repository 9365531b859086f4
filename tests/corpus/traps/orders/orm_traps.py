"""ORM and migration look-alikes that must not be findings."""
from django.db import models
from rich.table import Table
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "orders"


class Base(DeclarativeBase):
    pass


class Position(Base):
    __tablename__ = "positions"
    __table_args__ = {"schema": SCHEMA}
    # __table_args__ = {"schema": "tradingdb"}
    id = Column(Integer, primary_key=True)
    note_id = Column(Integer, ForeignKey("orders.order_notes.id"))
    parent_id = Column(Integer, ForeignKey("positions.id"))


class Note(Base):
    __tablename__ = "order_notes"
    # __table_args__ = {"schema": "public"}
    id = Column(Integer, primary_key=True)


class AbstractMapped(Base):
    __abstract__ = True
    __tablename__ = "strategy"


class Portfolio(models.Model):
    strategy = models.ForeignKey("strategies.Strategy", on_delete=models.CASCADE)
    account = models.ForeignKey(to="accounts.Account", on_delete=models.PROTECT)

    class Meta:
        db_table = "order_portfolios"


class SerializerLike:
    class Meta:
        model = Portfolio
        fields = ["strategy"]


def render(rows):
    table = Table("Strategy", "Portfolio", title="Select a strategy")
    for row in rows:
        table.add_row(*row)
    return table


def not_alembic(op, batch):
    op.drop_table("strategy", schema="public")
    op.create_foreign_key("fk", "orders", "portfolio", ["p"], ["id"], referent_schema="public")
    batch.add_column("strategy")


def raw_look_alikes(response, image, parser):
    response.raw("select the best option from the list")
    image.raw(b"\x89PNG")
    return parser.raw
