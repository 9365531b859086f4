"""TransferInstructionGenerator: strategy lookups (API first, database fallback) and re-booking."""

from decimal import Decimal

import httpx
import pytest

from app.clients.strategy_service_client import StrategyServiceClient
from app.services.position_service import Fill, PositionService
from app.services.transfer_instruction_generator import TransferError, TransferInstructionGenerator

pytestmark = pytest.mark.anyio


async def open_positions(session):
    positions = PositionService(session)
    await positions.apply_fill(Fill(1001, 1, "INFY", "NSE", "BUY", 10, Decimal("100")))
    await positions.apply_fill(Fill(1001, 1, "TCS", "NSE", "SELL", 4, Decimal("3500")))
    await positions.apply_fill(Fill(1001, 2, "INFY", "NSE", "BUY", 30, Decimal("120")))


async def test_generate_from_the_database(session):
    await open_positions(session)
    generator = TransferInstructionGenerator(session)

    instructions = await generator.generate(1, 2)

    summary = [(i.tradingsymbol, i.quantity, i.from_portfolio_id, i.to_portfolio_id) for i in instructions]
    assert summary == [("INFY", 10, 1, 2), ("TCS", -4, 1, 2)]
    assert {(i.from_strategy_id, i.to_strategy_id) for i in instructions} == {(1, 2)}


async def test_apply_merges_and_rebooks(session, query):
    await open_positions(session)
    generator = TransferInstructionGenerator(session)

    assert await generator.apply(await generator.generate(1, 2)) == 2
    await session.commit()

    rows = query(
        "SELECT strategy_id, tradingsymbol, quantity, average_price FROM order_service.positions ORDER BY tradingsymbol"
    )
    assert rows == [
        {"strategy_id": 2, "tradingsymbol": "INFY", "quantity": 40, "average_price": Decimal("115")},
        {"strategy_id": 2, "tradingsymbol": "TCS", "quantity": -4, "average_price": Decimal("3500")},
    ]


async def test_rejects_bad_transfers(session):
    generator = TransferInstructionGenerator(session)

    with pytest.raises(TransferError, match="same"):
        await generator.generate(1, 1)
    with pytest.raises(TransferError, match="strategy 77 does not exist"):
        await generator.generate(1, 77)
    with pytest.raises(TransferError, match="different trading accounts"):
        await generator.generate(1, 3)
    assert await generator.get_primary_portfolio_id(3) is None


async def test_strategy_api_first(session, mock_client):
    def handler(request):
        strategy_id = int(request.url.path.rsplit("/", 1)[1])
        return httpx.Response(200, json={"strategy_id": strategy_id, "name": "api", "trading_account_id": 1001})

    generator = TransferInstructionGenerator(session, mock_client(StrategyServiceClient, handler))

    assert (await generator.get_strategy_info(3))["name"] == "api"  # the database says account 1002
    assert await generator.generate(1, 3) == []  # same account per the API; no open positions


async def test_falls_back_to_the_database_when_the_api_fails(session, mock_client, caplog):
    generator = TransferInstructionGenerator(
        session, mock_client(StrategyServiceClient, lambda request: httpx.Response(503))
    )

    info = await generator.get_strategy_info(2)

    assert (info["name"], info["status"], info["trading_account_id"]) == ("Bank Nifty mean reversion", "PAUSED", 1001)
    assert "falling back" in caplog.text
