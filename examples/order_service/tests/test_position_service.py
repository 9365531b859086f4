"""PositionService: fills into net positions, joined with the instrument registry."""

from decimal import Decimal

import pytest

from app.services.position_service import Fill, PositionService, net_position

pytestmark = pytest.mark.anyio


def fill(side, quantity, price, symbol="INFY", strategy_id=1, exchange="NSE"):
    return Fill(1001, strategy_id, symbol, exchange, side, quantity, Decimal(price))


async def test_fills_build_a_net_position(session, query):
    service = PositionService(session)

    position_id = await service.apply_fill(fill("BUY", 10, "100"))
    assert await service.apply_fill(fill("BUY", 10, "110")) == position_id
    await service.apply_fill(fill("SELL", 5, "120"))
    await session.commit()

    row = query("SELECT quantity, average_price, realized_pnl, instrument_token FROM order_service.positions")[0]
    assert row == {"quantity": 15, "average_price": Decimal("105"), "realized_pnl": Decimal("75"), "instrument_token": 408065}


async def test_open_positions_carry_instrument_details(session):
    service = PositionService(session)
    await service.apply_fill(fill("BUY", 50, "24000", symbol="NIFTY24DECFUT", exchange="NFO"))
    await service.apply_fill(fill("BUY", 3, "3800", symbol="TCS", strategy_id=2))
    await service.apply_fill(fill("BUY", 2, "1500"))
    await service.apply_fill(fill("SELL", 2, "1510"))  # flat: not open

    positions = await service.get_open_positions(1001)
    summary = [(p["tradingsymbol"], p["strategy_id"], p["quantity"], p["lot_size"], p["instrument_type"]) for p in positions]
    assert summary == [("NIFTY24DECFUT", 1, 50, 25, "FUT"), ("TCS", 2, 3, 1, "EQ")]
    assert await service.get_open_positions(1002) == []


async def test_unknown_instrument(session):
    service = PositionService(session)

    assert await service.resolve_instrument_token("INFY", "NSE") == 408065
    assert await service.resolve_instrument_token("INFY", "BSE") is None
    with pytest.raises(LookupError, match="BSE:INFY"):
        await service.apply_fill(Fill(1001, 1, "INFY", "BSE", "BUY", 1, Decimal("1")))


async def test_mark_to_market(session, query):
    service = PositionService(session)
    await service.apply_fill(fill("BUY", 10, "100"))

    assert await service.mark_to_market(1001, {408065: Decimal("112.5"), 1: Decimal("1")}) == 1
    await session.commit()
    row = query("SELECT last_price, unrealized_pnl FROM order_service.positions")[0]
    assert row == {"last_price": Decimal("112.5"), "unrealized_pnl": Decimal("125")}


def test_net_position_short_and_flip():
    assert net_position(0, Decimal(0), Decimal(0), -4, Decimal("50")) == (-4, Decimal("50"), Decimal(0))
    assert net_position(-4, Decimal("50"), Decimal(0), -2, Decimal("56")) == (-6, Decimal("52"), Decimal(0))
    # Buy 10 against a short of 6 at 52: closes 6 at 50 (+12), opens 4 long at 50.
    assert net_position(-6, Decimal("52"), Decimal(0), 10, Decimal("50")) == (4, Decimal("50"), Decimal("12"))
