"""Notifications (SQLAlchemy 2.0) with its own outbox; other services' classes read here."""
from sqlalchemy import ForeignKey, MetaData, String, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from orm_sqlalchemy.accounts.models import ApiKey, LoginEvent
from orm_sqlalchemy.orders.models import OrderEvent, OrderRow
from orm_sqlalchemy.strategies.models import Strategy


class NotifyBase(DeclarativeBase):
    metadata = MetaData(schema="notify")


class OutboxRow(NotifyBase):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.orders.id"))
    subject: Mapped[str] = mapped_column(String(200))
    order: Mapped[OrderRow] = relationship()


class Digest(NotifyBase):
    __tablename__ = "digests"
    id: Mapped[int] = mapped_column(primary_key=True)
    strategy: Mapped[Strategy] = relationship(Strategy)


def pending(session):
    return session.scalars(select(OutboxRow).where(OutboxRow.subject == "")).all()


def order_events(session, order_id):
    stmt = select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
    return session.scalars(stmt).all()


def order_status(session, order_id):
    return session.get(OrderRow, order_id).status


def recent_logins(session, user_id):
    return session.execute(select(LoginEvent).filter_by(user_id=user_id).limit(5)).scalars().all()


def revoke_keys(session, ids):
    session.execute(delete(ApiKey).where(ApiKey.id.in_(ids)))


def outbox_for_order(session, order_id):
    order = session.get(OrderRow, order_id)
    session.add(OutboxRow(order_id=order.id, subject="update"))
    session.delete(order)


def strategy_titles(session):
    return [s.name for s in session.query(Strategy).order_by(Strategy.name)]


def enqueue(session, order_id):
    session.merge(OutboxRow(order_id=order_id, subject="x"))
    session.add(OrderEvent(order_id=order_id))


# expect: 17 BND102 orders.orders
# expect: 19 BND100 orders.orders
# expect: 25 BND100 public.strategy
# expect: 33 BND100 orders.order_events
# expect: 38 BND100 orders.orders
# expect: 42 BND100 accounts.login_event
# expect: 46 BND101 accounts.api_key
# expect: 50 BND100 orders.orders
# expect: 52 BND101 orders.orders
# expect: 56 BND100 public.strategy
# expect: 61 BND101 orders.order_events
