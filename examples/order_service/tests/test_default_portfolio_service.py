"""DefaultPortfolioService against the real (legacy) strategy and portfolio tables."""

import pytest

from app.services.default_portfolio_service import DefaultPortfolioService

pytestmark = pytest.mark.anyio


async def test_creates_default_strategy_portfolio_and_link(session, query):
    service = DefaultPortfolioService(session)

    setup = await service.ensure_default_setup(1001)
    await session.commit()

    assert setup.created
    strategy = query("SELECT * FROM public.strategy WHERE strategy_id = %s", (setup.strategy_id,))[0]
    assert (strategy["trading_account_id"], strategy["is_default"], strategy["status"]) == (1001, True, "ACTIVE")
    assert strategy["created_by"] == "order_service"
    portfolio = query("SELECT * FROM public.portfolio WHERE portfolio_id = %s", (setup.portfolio_id,))[0]
    assert (portfolio["trading_account_id"], portfolio["is_default"], portfolio["name"]) == (1001, True, "Default portfolio")
    links = query("SELECT strategy_id, portfolio_id, allocation_pct FROM public.strategy_portfolio WHERE portfolio_id = %s", (setup.portfolio_id,))
    assert links == [{"strategy_id": setup.strategy_id, "portfolio_id": setup.portfolio_id, "allocation_pct": 100}]


async def test_second_call_finds_what_the_first_created(session, query):
    service = DefaultPortfolioService(session)
    first = await service.ensure_default_setup(1001)
    second = await service.ensure_default_setup(1001)
    await session.commit()

    assert not second.created
    assert (second.strategy_id, second.portfolio_id) == (first.strategy_id, first.portfolio_id)
    assert query("SELECT COUNT(*) AS n FROM public.strategy WHERE trading_account_id = 1001 AND is_default")[0]["n"] == 1


async def test_reuses_existing_default_strategy(session, query):
    service = DefaultPortfolioService(session)

    assert (await service.get_default_strategy(1002))["strategy_id"] == 3
    setup = await service.ensure_default_setup(1002)
    await session.commit()

    assert setup.strategy_id == 3 and setup.created
    assert query("SELECT COUNT(*) AS n FROM public.strategy")[0]["n"] == 3  # nothing new
    assert (await service.get_default_portfolio(1002))["portfolio_id"] == setup.portfolio_id


async def test_nothing_is_committed_by_the_service(session, query):
    await DefaultPortfolioService(session).ensure_default_setup(1001)
    await session.rollback()

    assert query("SELECT COUNT(*) AS n FROM public.portfolio WHERE trading_account_id = 1001 AND is_default")[0]["n"] == 0
