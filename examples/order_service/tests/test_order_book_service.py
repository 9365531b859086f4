"""OrderBookService: the service's own tables only, strategies checked through the API."""

import uuid
from decimal import Decimal

import httpx
import pytest

from app.clients.strategy_service_client import StrategyServiceClient
from app.services.order_book_service import OrderBookService, OrderRejected, OrderRequest

pytestmark = pytest.mark.anyio


def valid_strategies(*ids):
    def handler(request):
        strategy_id = int(request.url.path.split("/")[2])
        return httpx.Response(200, json={"valid": strategy_id in ids})

    return handler


async def test_place_order_validates_the_strategy_through_the_api(session, query, mock_client):
    book = OrderBookService(session, mock_client(StrategyServiceClient, valid_strategies(1)))

    order_id = await book.place_order(OrderRequest(1001, "INFY", "NSE", "BUY", 10, strategy_id=1))
    with pytest.raises(OrderRejected, match="strategy 2 is not valid"):
        await book.place_order(OrderRequest(1001, "INFY", "NSE", "BUY", 10, strategy_id=2))
    await session.commit()

    rows = query("SELECT id, strategy_id, status, quantity FROM order_service.orders")
    assert rows == [{"id": order_id, "strategy_id": 1, "status": "PENDING", "quantity": 10}]


async def test_strategy_ids_need_the_api(session):
    book = OrderBookService(session)
    with pytest.raises(OrderRejected, match="algo engine API"):
        await book.place_order(OrderRequest(1001, "INFY", "NSE", "BUY", 1, strategy_id=1))


async def test_strategy_id_is_no_longer_a_foreign_key(session, mock_client):
    # Migration 007 dropped fk_orders_strategy_id: any id the API accepts is stored.
    book = OrderBookService(session, mock_client(StrategyServiceClient, valid_strategies(123456)))
    order_id = await book.place_order(OrderRequest(1001, "INFY", "NSE", "BUY", 1, strategy_id=123456))
    assert (await book.get_order(order_id))["strategy_id"] == 123456


async def test_rejects_inactive_accounts_and_priceless_limit_orders(session):
    book = OrderBookService(session)
    with pytest.raises(OrderRejected, match="not active"):
        await book.place_order(OrderRequest(1003, "INFY", "NSE", "BUY", 1))
    with pytest.raises(OrderRejected, match="not active"):
        await book.place_order(OrderRequest(4242, "INFY", "NSE", "BUY", 1))
    with pytest.raises(OrderRejected, match="need a price"):
        await book.place_order(OrderRequest(1001, "INFY", "NSE", "BUY", 1, order_type="LIMIT"))


async def test_idempotent_replay_returns_the_same_order(session, query):
    book = OrderBookService(session)
    request = OrderRequest(1001, "TCS", "NSE", "SELL", 2, order_type="LIMIT", price=Decimal("3900"), idempotency_key="k-1")

    first = await book.place_order(request)
    assert await book.place_order(request) == first
    await session.commit()
    assert query("SELECT COUNT(*) AS n FROM order_service.orders")[0]["n"] == 1


async def test_record_trade_rolls_up_fills(session, query):
    book = OrderBookService(session)
    order_id = await book.place_order(OrderRequest(1001, "INFY", "NSE", "BUY", 10, instrument_token=408065))

    await book.record_trade(order_id, broker_trade_id="T1", quantity=4, price=Decimal("100"))
    assert (await book.get_order(order_id))["status"] == "OPEN"
    await book.record_trade(order_id, broker_trade_id="T2", quantity=6, price=Decimal("105"))
    await session.commit()

    order = query("SELECT status, filled_quantity, average_price FROM order_service.orders")[0]
    assert order == {"status": "COMPLETE", "filled_quantity": 10, "average_price": Decimal("103")}
    assert query("SELECT COUNT(*) AS n FROM order_service.trades WHERE order_id = %s", (order_id,))[0]["n"] == 2
    with pytest.raises(LookupError):
        await book.record_trade(uuid.uuid4(), broker_trade_id="T3", quantity=1, price=Decimal("1"))


async def test_list_cancel_and_strategy_summary(session, mock_client):
    book = OrderBookService(session, mock_client(StrategyServiceClient, valid_strategies(1, 2)))
    a = await book.place_order(OrderRequest(1001, "INFY", "NSE", "BUY", 10, order_type="LIMIT", price=Decimal("100"), strategy_id=1))
    b = await book.place_order(OrderRequest(1001, "TCS", "NSE", "BUY", 1, order_type="LIMIT", price=Decimal("3000"), strategy_id=2))
    await book.place_order(OrderRequest(1001, "INFY", "NSE", "SELL", 5, order_type="LIMIT", price=Decimal("110"), strategy_id=1))
    await book.place_order(OrderRequest(1002, "HDFCBANK", "NSE", "BUY", 1))

    assert await book.cancel_order(b) is True
    assert await book.cancel_order(b) is False

    assert len(await book.list_orders(1001)) == 3
    assert [o["id"] for o in await book.list_orders(1001, status="CANCELLED")] == [b]
    assert {o["tradingsymbol"] for o in await book.list_orders(1001, strategy_id=1)} == {"INFY"}
    assert len(await book.list_orders(1001, strategy_id=1, status="PENDING", limit=1)) == 1
    assert (await book.get_order(a))["price"] == Decimal("100")

    summary = await book.strategy_order_summary(1001)
    assert summary == [
        {"strategy_id": 1, "order_count": 2, "notional": Decimal("1550")},
        {"strategy_id": 2, "order_count": 1, "notional": Decimal("3000")},
    ]
