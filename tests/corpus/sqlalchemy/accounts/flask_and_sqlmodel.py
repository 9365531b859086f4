"""Accounts service: Flask-SQLAlchemy and SQLModel models, reflection, dynamic schemas."""
from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Table, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from .settings import settings

db = SQLAlchemy(metadata=MetaData(schema="accounts"))

user_roles = db.Table(
    "user_roles",
    db.Column("user_id", db.BigInteger, db.ForeignKey("users.id")),
    db.Column("portfolio_id", db.BigInteger, db.ForeignKey("public.portfolio.id")),
)


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.BigInteger, primary_key=True)
    email = db.Column(db.String(320), unique=True)


class Balance(db.Model):
    __tablename__ = "balances"
    __table_args__ = {"schema": "tradingdb"}
    account_id = db.Column(db.BigInteger, primary_key=True)


class OrderMirror(db.Model):
    __bind_key__ = "orders_replica"
    __tablename__ = "orders"
    __table_args__ = {"schema": "tradingdb", "info": {"read_only": True}}
    id = db.Column(db.BigInteger, primary_key=True)


class TimestampMixin:
    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower()


class Session(TimestampMixin, db.Model):
    token = db.Column(db.String, primary_key=True)


class Hero(SQLModel, table=True):
    __tablename__ = "user_sessions"
    token: str = Field(primary_key=True)
    account_id: Optional[int] = Field(default=None, foreign_key="tradingdb.accounts.account_id")
    order_id: Optional[int] = Field(default=None, foreign_key="tradingdb.orders.id")


class StrategyView(SQLModel, table=True):
    __tablename__ = "strategy"
    __table_args__ = {"schema": "public"}
    strategy_id: int = Field(primary_key=True)


class Configured(db.Model):
    __tablename__ = "signals_cache"
    __table_args__ = {"schema": settings.SIGNALS_SCHEMA}
    id = db.Column(db.BigInteger, primary_key=True)


def reflect(engine):
    quotes = Table("quotes", MetaData(schema="tradingdb"), autoload_with=engine)
    return quotes


def raw_with_escapes(session, account_id):
    return session.execute(
        text(
            "SELECT a.meta->>'tier' AS tier, a.created_at AT TIME ZONE 'UTC' "
            "FROM tradingdb.accounts a "
            "JOIN tradingdb.orders o ON o.account_id = a.account_id "
            "WHERE a.meta ? 'tier' AND a.account_id = :aid AND o.created_at > now() - interval '1 day' "
            "AND o.note !~ '\\:skip'"
        ),
        {"aid": account_id},
    ).all()


def json_binds(session, account_id, tier):
    session.execute(
        text("""UPDATE public.portfolio SET meta = jsonb_set(meta, '{tier}', to_jsonb(:tier::text))
                WHERE account_id = :aid AND meta @> '{"active": true}'"""),
        {"tier": tier, "aid": account_id},
    )


# expect: 16 BND102 public.portfolio
# expect: 34 BND106 tradingdb.orders
# expect: 53 BND102 tradingdb.orders
# expect: 57 BND106 public.strategy
# expect: 63 BND105 {}.signals_cache
# expect: 69 BND106 tradingdb.quotes
# expect: 78 BND100 tradingdb.orders
# expect: 88 BND101 public.portfolio
