"""Billing models (SQLAlchemy 2.0 declarative, plus two Core tables)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    metadata = MetaData(schema="billing")


legacy_metadata = MetaData()


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("core.accounts.id", ondelete="CASCADE"), unique=True)
    vat_number: Mapped[str | None] = mapped_column(String(32))
    invoices: Mapped[list["Invoice"]] = relationship(back_populates="customer")


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = {"schema": "core"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey(Customer.id))
    ship_from_id: Mapped[int | None] = mapped_column(ForeignKey("core.warehouses.id"))
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    customer: Mapped[Customer] = relationship(back_populates="invoices")


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        ForeignKeyConstraint(["sku"], ["core.products.sku"], name="fk_invoice_lines_sku"),
        {"schema": "core"},
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("core.invoices.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)


class Account(Base):
    """Read model of the users service's accounts, kept until the client ships."""

    __tablename__ = "accounts"
    __table_args__ = {"schema": "core", "info": {"read_only": True}}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))


fx_rates = Table(
    "fx_rates",
    Base.metadata,
    Column("currency", String(3), primary_key=True),
    Column("day", DateTime, primary_key=True),
    Column("rate", Numeric(18, 8), nullable=False),
)

shipments = Table(
    "shipments",
    Base.metadata,
    Column("id", BigInteger, primary_key=True),
    Column("invoice_id", BigInteger, ForeignKey("core.invoices.id")),
    schema="core",
)

promo_redemptions = Table(
    "promo_redemptions",
    legacy_metadata,
    Column("id", BigInteger, primary_key=True),
    Column("carrier_code", String(16), ForeignKey("carriers.code")),
    Column("customer_id", BigInteger, ForeignKey("billing.customers.id")),
)


# expect: 32 BND102 core.accounts
# expect: 43 BND102 core.warehouses
# expect: 52 BND102 core.products
# expect: 65 BND106 core.accounts
# expect: 81 BND106 core.shipments
# expect: 92 BND102 public.carriers
