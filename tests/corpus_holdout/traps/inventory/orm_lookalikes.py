"""Inventory models of its own tables, and things that only look like ORM mappings."""
from django.db import models as dj
from rich.table import Table as RichTable
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, relationship
from sqlalchemy.sql import column, table

SCHEMA = "core"
alembic_version = table("alembic_version", column("version_num"))


class Base(DeclarativeBase):
    metadata = MetaData(schema="inventory")


class Product(Base):
    __tablename__ = "products"
    __table_args__ = {"schema": SCHEMA}
    # __table_args__ = {"schema": "billing"}
    sku = Column(String(64), primary_key=True)
    movements = relationship("StockMovement", back_populates="product")


class StockLevel(Base):
    __tablename__ = "stock_levels"
    __table_args__ = {"schema": "core", "comment": "Select on_hand from here, never from core.invoices"}
    id = Column(BigInteger, primary_key=True)
    sku = Column(String(64), ForeignKey("core.products.sku"))
    warehouse_id = Column(BigInteger, ForeignKey("core.warehouses.id"))


class StockMovement(Base):
    __tablename__ = "stock_movements"
    id = Column(BigInteger, primary_key=True)
    sku = Column(String(64), ForeignKey(Product.sku))
    level_id = Column(BigInteger, ForeignKey("core.stock_levels.id"))
    product = relationship("Product", back_populates="movements")
    invoice_line = relationship("InvoiceLine", viewonly=True, primaryjoin="foreign(StockMovement.id) == InvoiceLine.id")


class Bin(dj.Model):
    warehouse = dj.ForeignKey("shipping.Warehouse", on_delete=dj.PROTECT, db_constraint=False)
    label = dj.CharField(max_length=32, verbose_name="Delete from bin after picking")

    class Meta:
        db_table = "bins"


def render(levels):
    out = RichTable("SKU", "On hand", title="Select a warehouse")
    for level in levels:
        out.add_row(level.sku, str(level.on_hand))
    return out


def export_snapshot(arrow_table, frame, engine):
    arrow_table = arrow_table.add_column(0, "accounts", [[1, 2, 3]])
    frame.to_sql("stock_export", engine, schema="inventory", if_exists="replace")
    return arrow_table
