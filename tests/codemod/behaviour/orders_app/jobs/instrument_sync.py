"""Nightly instrument refresh (synchronous SQLAlchemy Session and Connection)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from orders_app.sites import site


@site("sqlalchemy_sync", {"instrument_token": 12335874}, {"instrument_token": 1})
def lot_size(session: Session, instrument_token: int) -> Optional[int]:
    """Sync Session; scalar()."""
    return session.execute(
        text("SELECT lot_size FROM public.instrument_registry WHERE instrument_token = :token"),
        {"token": instrument_token},
    ).scalar()


@site("sqlalchemy_sync", {"exchange": "NSE"}, {"exchange": "BSE"})
def tradable_symbols(session: Session, exchange: str) -> List[str]:
    """The registry's explicit rewrite list_tradable_symbols(exchange); scalars().all()."""
    result = session.execute(
        text("SELECT tradingsymbol FROM public.instrument_registry WHERE exchange = :exchange AND is_tradable "
             "ORDER BY tradingsymbol"),
        {"exchange": exchange},
    )
    return result.scalars().all()


@site("sqlalchemy_sync", {"instrument_token": 13517058}, {"instrument_token": 738561}, {"instrument_token": 1})
def instrument(session: Session, instrument_token: int) -> Optional[Dict[str, Any]]:
    """mappings().first(); dict(row): numeric(10,4), date and NULL values."""
    row = session.execute(
        text("SELECT tradingsymbol, exchange, lot_size, tick_size, expiry FROM public.instrument_registry "
             "WHERE instrument_token = :t"),
        {"t": instrument_token},
    ).mappings().first()
    return None if row is None else dict(row)


@site("sqlalchemy_sync", {"exchange": "NFO", "before": date(2024, 5, 31)},
      {"exchange": "NSE", "before": date(2024, 5, 31)})
def futures_expiring(session: Session, exchange: str, before: date) -> List[Tuple[str, str]]:
    """Constant (segment = 'FUT') and `<=` conditions; all(); attribute access in a comprehension."""
    rows = session.execute(
        text("SELECT tradingsymbol, expiry FROM public.instrument_registry "
             "WHERE segment = 'FUT' AND expiry <= :before AND exchange = :exchange ORDER BY expiry, instrument_token"),
        {"before": before, "exchange": exchange},
    ).all()
    return [(r.tradingsymbol, r.expiry.isoformat()) for r in rows]


@site("sqlalchemy_sync", {"instrument_token": 408065}, {"instrument_token": 1}, writes=True)
def suspend_instrument(session: Session, instrument_token: int) -> int:
    """UPDATE with a constant SET value (FALSE); rowcount."""
    result = session.execute(
        text("UPDATE public.instrument_registry SET is_tradable = FALSE WHERE instrument_token = :t"),
        {"t": instrument_token},
    )
    return result.rowcount


@site("sqlalchemy_sync", {"tradingsymbol": "NIFTY24MAYFUT"}, {"tradingsymbol": "ACC"})
def is_tradable(session: Session, tradingsymbol: str) -> bool:
    """first(); `row is not None and row.is_tradable`."""
    row = session.execute(
        text("SELECT instrument_token, is_tradable FROM public.instrument_registry WHERE tradingsymbol = :s"),
        {"s": tradingsymbol},
    ).first()
    return row is not None and row.is_tradable


@site("sqlalchemy_conn", {"exchange": "NSE"}, {"exchange": "MCX"})
def tradable_count(conn: Connection, exchange: str) -> int:
    """Sync Connection; fetchall(); len(rows)."""
    rows = conn.execute(
        text("SELECT instrument_token FROM public.instrument_registry WHERE exchange = :e AND is_tradable = TRUE"),
        {"e": exchange},
    ).fetchall()
    return len(rows)


@site("sqlalchemy_conn", {"instrument_token": 884737, "tradingsymbol": "TATAMOTORS", "tick_size": Decimal("0.05")},
      writes=True)
def add_equity(conn: Connection, instrument_token: int, tradingsymbol: str, tick_size: Decimal) -> int:
    """Sync Connection; INSERT with constants ('NSE', 'EQ', 1, TRUE, NULL); rowcount."""
    result = conn.execute(
        text("INSERT INTO public.instrument_registry "
             "(instrument_token, tradingsymbol, exchange, segment, lot_size, tick_size, expiry, is_tradable) "
             "VALUES (:token, :symbol, 'NSE', 'EQ', 1, :tick, NULL, TRUE)"),
        {"token": instrument_token, "symbol": tradingsymbol, "tick": tick_size},
    )
    return result.rowcount


@site("sqlalchemy_conn", {"instrument_token": 12336130, "lot_size": 25}, {"instrument_token": 999, "lot_size": 10},
      writes=True)
def refresh_lot_size(conn: Connection, instrument_token: int, lot_size: int) -> None:
    """Sync Connection; upsert ON CONFLICT DO UPDATE of one column; result discarded."""
    conn.execute(
        text("INSERT INTO public.instrument_registry "
             "(instrument_token, tradingsymbol, exchange, segment, lot_size, tick_size, is_tradable) "
             "VALUES (:token, 'NEWLISTING', 'NFO', 'FUT', :lot, :tick, FALSE) "
             "ON CONFLICT (instrument_token) DO UPDATE SET lot_size = EXCLUDED.lot_size"),
        {"token": instrument_token, "lot": lot_size, "tick": Decimal("0.05")},
    )


# --- sites a correct codemod must leave as SQL ------------------------------------


@site("sqlalchemy_sync", {"instrument_token": 5633}, writes=True)
def relist_instrument(session: Session, instrument_token: int) -> None:
    """`with session.begin():` writing the service's own table and another service's."""
    with session.begin():
        session.execute(
            text("INSERT INTO orders.order_events (order_id, kind, detail) VALUES (NULL, 'relist', :t)"),
            {"t": str(instrument_token)},
        )
        session.execute(
            text("UPDATE public.instrument_registry SET is_tradable = TRUE WHERE instrument_token = :t"),
            {"t": instrument_token},
        )
