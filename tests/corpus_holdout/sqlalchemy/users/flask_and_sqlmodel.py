"""Users service models: Flask-SQLAlchemy for the admin app, SQLModel for the API."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlmodel import Field, SQLModel

db = SQLAlchemy()


class Account(db.Model):
    __tablename__ = "accounts"
    __table_args__ = {"schema": "core"}

    id = db.Column(db.BigInteger, primary_key=True)
    email = db.Column(db.String(320), nullable=False, unique=True)
    deleted_at = db.Column(db.DateTime(timezone=True))


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (db.UniqueConstraint("account_id", "organization_id"), {"schema": "core"})

    id = db.Column(db.BigInteger, primary_key=True)
    account_id = db.Column(db.BigInteger, db.ForeignKey("core.accounts.id"), nullable=False)
    organization_id = db.Column(db.BigInteger, db.ForeignKey("core.organizations.id"), nullable=False)
    role = db.Column(db.String(16), default="member")


class BillingCustomer(db.Model):
    __bind_key__ = "billing"
    __tablename__ = "customers"
    __table_args__ = {"schema": "billing"}

    id = db.Column(db.BigInteger, primary_key=True)
    account_id = db.Column(db.BigInteger)


class ApiKey(db.Model):
    __tablename__ = "api_keys"

    id = db.Column(db.BigInteger, primary_key=True)
    account_id = db.Column(db.BigInteger, db.ForeignKey(Account.id))
    default_warehouse_id = db.Column(
        db.BigInteger,
        db.ForeignKey("core.warehouses.id", ondelete="SET NULL"),
    )
    key_hash = db.Column(db.String(128), unique=True)


def seats_in_use(org_id: int) -> int:
    return db.session.execute(
        db.text(
            "SELECT count(*) FROM core.memberships m "
            "JOIN billing.subscriptions s ON s.organization_id = m.organization_id "
            "WHERE m.organization_id = :org AND s.cancelled_at IS NULL"
        ),
        {"org": org_id},
    ).scalar_one()


class InvoiceView(SQLModel, table=True):
    __tablename__ = "invoices"
    __table_args__ = {"schema": "core"}

    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="core.accounts.id")
    total_cents: int


class SupportTicket(SQLModel, table=True):
    __tablename__ = "support_tickets"
    __table_args__ = {"schema": "users"}

    id: Optional[int] = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="core.accounts.id")
    invoice_id: Optional[int] = Field(default=None, foreign_key="core.invoices.id")
    opened_at: datetime = Field(default_factory=datetime.utcnow)


# expect: 34 BND106 billing.customers
# expect: 48 BND102 core.warehouses
# expect: 57 BND100 billing.subscriptions
# expect: 65 BND106 core.invoices
# expect: 79 BND102 core.invoices
