"""PnlService: daily P&L from own trades, stored in analytics' strategy_pnl_metrics."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from app.services.order_book_service import OrderBookService, OrderRequest
from app.services.pnl_service import PnlService
from app.services.position_service import Fill, PositionService

pytestmark = pytest.mark.anyio

DAY = dt.date(2024, 6, 5)


class AlwaysValid:
    async def validate_strategy(self, strategy_id):
        return True


async def trade(session, side, quantity, price, charges="0", strategy_id=1):
    book = OrderBookService(session, AlwaysValid())
    order_id = await book.place_order(
        OrderRequest(1001, "INFY", "NSE", side, quantity, strategy_id=strategy_id, instrument_token=408065)
    )
    await book.record_trade(order_id, broker_trade_id=f"T-{order_id.hex[:8]}", quantity=quantity,
                            price=Decimal(price), charges=Decimal(charges))
    await session.execute(
        text("UPDATE order_service.trades SET traded_at = :at WHERE order_id = :id"),
        {"at": dt.datetime(2024, 6, 5, 10, 0, tzinfo=dt.timezone.utc), "id": order_id},
    )


async def test_previous_cumulative_pnl(session):
    service = PnlService(session)

    assert await service.get_previous_cumulative_pnl(1, dt.date(2024, 6, 5)) == Decimal("1000")
    assert await service.get_previous_cumulative_pnl(1, dt.date(2024, 6, 4)) == Decimal("1500")
    assert await service.get_previous_cumulative_pnl(1, dt.date(2024, 6, 3)) == Decimal("0")
    assert await service.get_previous_cumulative_pnl(99, DAY) == Decimal("0")


async def test_calculate_and_store_pnl_metrics(session, query):
    await trade(session, "BUY", 10, "100", charges="2")
    await trade(session, "SELL", 10, "110", charges="3")
    positions = PositionService(session)
    await positions.apply_fill(Fill(1001, 1, "TCS", "NSE", "BUY", 2, Decimal("3000")))
    await positions.mark_to_market(1001, {2953217: Decimal("3010")})
    service = PnlService(session)

    metrics = await service.calculate_and_store_pnl_metrics(1, DAY)
    await session.commit()

    # cash flow 1100 - 1000 - 5 charges = 95; unrealized (3010 - 3000) * 2 = 20
    assert (metrics.realized_pnl, metrics.unrealized_pnl, metrics.day_pnl) == (Decimal("95"), Decimal("20"), Decimal("115"))
    assert metrics.cumulative_pnl == Decimal("1115")
    assert metrics.trade_count == 2
    row = query("SELECT * FROM public.strategy_pnl_metrics WHERE strategy_id = 1 AND metric_date = %s", (DAY,))[0]
    assert (row["day_pnl"], row["cumulative_pnl"], row["trade_count"]) == (Decimal("115"), Decimal("1115"), 2)
    assert query("SELECT total_pnl FROM public.strategy WHERE strategy_id = 1")[0]["total_pnl"] == Decimal("1115")


async def test_store_is_an_upsert(session, query):
    service = PnlService(session)
    await service.calculate_and_store_pnl_metrics(1, DAY)
    await trade(session, "SELL", 1, "50")
    again = await service.calculate_and_store_pnl_metrics(1, DAY)
    await session.commit()

    rows = query("SELECT day_pnl, cumulative_pnl FROM public.strategy_pnl_metrics WHERE strategy_id = 1 AND metric_date = %s", (DAY,))
    assert rows == [{"day_pnl": Decimal("50"), "cumulative_pnl": Decimal("1050")}]
    assert again.cumulative_pnl == Decimal("1050")


async def test_max_drawdown(session):
    service = PnlService(session)

    assert await service.get_max_drawdown(1) == Decimal("-500")
    assert await service.get_max_drawdown(2) == Decimal("0")
    assert await service.get_max_drawdown(99) == Decimal("0")
