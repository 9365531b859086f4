"""GttOrderService: raw SQL and ORM on the service's own gtt_orders table."""

import datetime as dt
from decimal import Decimal

import pytest

from app.services.gtt_order_service import GttOrderService, trigger_type_for
from app.services.order_book_service import OrderBookService, OrderRequest

pytestmark = pytest.mark.anyio

NOW = dt.datetime(2024, 6, 5, 9, 15, tzinfo=dt.timezone.utc)


async def create(service, account=1001, expires_at=None, triggers=(Decimal("1400"), Decimal("1600"))):
    return await service.create_gtt(
        trading_account_id=account,
        tradingsymbol="INFY",
        exchange="NSE",
        instrument_token=408065,
        trigger_values=list(triggers),
        last_price=Decimal("1500"),
        orders=[{"transaction_type": "SELL", "quantity": 10, "order_type": "LIMIT"}],
        expires_at=expires_at,
    )


async def test_create_and_list_active(session, query):
    service = GttOrderService(session)
    two_leg = await create(service)
    single = await create(service, triggers=[Decimal("1700")])
    await create(service, account=1002)
    await session.commit()

    active = await service.active_gtts(1001)
    assert [g.id for g in active] == [two_leg, single]
    assert active[0].trigger_type == "two-leg"
    assert active[0].trigger_values == ["1400", "1600"]
    assert active[0].orders[0]["quantity"] == 10
    row = query("SELECT jsonb_typeof(trigger_values) AS kind FROM order_service.gtt_orders WHERE id = %s", (single,))[0]
    assert row["kind"] == "array"


async def test_mark_triggered_links_the_placed_order(session):
    service = GttOrderService(session)
    gtt_id = await create(service)
    order_id = await OrderBookService(session).place_order(OrderRequest(1001, "INFY", "NSE", "SELL", 10))

    assert await service.mark_triggered(gtt_id, order_id) is True
    assert await service.mark_triggered(gtt_id, order_id) is False
    assert await service.active_gtts(1001) == []


async def test_expire_due(session):
    service = GttOrderService(session)
    await create(service, expires_at=NOW - dt.timedelta(minutes=1))
    keep = await create(service, expires_at=NOW + dt.timedelta(days=1))
    await create(service)

    assert await service.expire_due(NOW) == 1
    assert len(await service.active_gtts(1001)) == 2
    assert keep in [g.id for g in await service.active_gtts(1001)]


def test_trigger_type_for():
    with pytest.raises(ValueError):
        trigger_type_for([])
