"""ORM mappings of the order service's own tables (schema ``order_service``).

Only tables created by ``migrations/`` are mapped here. strategy_id columns
are plain integers: the algo engine owns strategies, and 007 removed the
database constraint that tied them together.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Optional

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, Numeric, String, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "order_service"


class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = {"schema": SCHEMA}

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, server_default=func.gen_random_uuid())
    trading_account_id: Mapped[int] = mapped_column(BigInteger)
    strategy_id: Mapped[Optional[int]] = mapped_column(BigInteger)
    broker_order_id: Mapped[Optional[str]] = mapped_column(String(64))
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    tradingsymbol: Mapped[str] = mapped_column(String(64))
    exchange: Mapped[str] = mapped_column(String(16))
    instrument_token: Mapped[Optional[int]] = mapped_column(BigInteger)
    transaction_type: Mapped[str] = mapped_column(String(4))
    order_type: Mapped[str] = mapped_column(String(8))
    product: Mapped[str] = mapped_column(String(8), server_default="MIS")
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[Optional[Decimal]] = mapped_column(Numeric(18, 4))
    trigger_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(18, 4))
    status: Mapped[str] = mapped_column(String(16), server_default="PENDING")
    filled_quantity: Mapped[int] = mapped_column(Integer, server_default="0")
    average_price: Mapped[Optional[Decimal]] = mapped_column(Numeric(18, 4))
    status_message: Mapped[Optional[str]]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class GttOrder(Base):
    __tablename__ = "gtt_orders"
    __table_args__ = {"schema": SCHEMA}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    trading_account_id: Mapped[int] = mapped_column(BigInteger)
    strategy_id: Mapped[Optional[int]] = mapped_column(BigInteger)
    broker_trigger_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    tradingsymbol: Mapped[str] = mapped_column(String(64))
    exchange: Mapped[str] = mapped_column(String(16))
    instrument_token: Mapped[int] = mapped_column(BigInteger)
    trigger_type: Mapped[str] = mapped_column(String(8))
    trigger_values: Mapped[Any] = mapped_column(JSONB)
    last_price: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    orders: Mapped[Any] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    parent_order_id: Mapped[Optional[uuid.UUID]] = mapped_column(
        UUID(as_uuid=True), ForeignKey("order_service.orders.id", ondelete="SET NULL")
    )
    expires_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
