"""AccountTierService against kite_accounts and user_service's trading accounts."""

import datetime as dt

import pytest

from app.services.account_tier_service import AccountTierService

pytestmark = pytest.mark.anyio


def tiers(query):
    return {r["account_id"]: r["sync_tier"] for r in query("SELECT account_id, sync_tier FROM public.kite_accounts")}


async def test_update_account_tier_through_the_trading_account(session, query):
    service = AccountTierService(session)

    assert await service.update_account_tier(1001, "warm") is True
    await session.commit()

    assert tiers(query) == {"ZX1001": "warm", "ZX1002": "warm", "ZX1003": "cold"}
    assert query("SELECT tier_updated_at FROM public.kite_accounts WHERE account_id = 'ZX1001'")[0]["tier_updated_at"]


async def test_update_account_tier_of_unknown_trading_account(session, query):
    service = AccountTierService(session)

    assert await service.update_account_tier(9999, "hot") is False
    with pytest.raises(ValueError):
        await service.update_account_tier(1001, "lukewarm")
    await session.commit()
    assert tiers(query) == {"ZX1001": "cold", "ZX1002": "warm", "ZX1003": "cold"}


async def test_promote_account_to_hot_tier(session, query):
    service = AccountTierService(session)

    assert await service.promote_account_to_hot_tier(1002, duration_minutes=15) == "ZX1002"
    assert await service.promote_account_to_hot_tier(9999) is None
    await session.commit()

    row = query("SELECT sync_tier, hot_tier_until - NOW() AS remaining FROM public.kite_accounts WHERE account_id = 'ZX1002'")[0]
    assert row["sync_tier"] == "hot"
    assert dt.timedelta(minutes=14) < row["remaining"] <= dt.timedelta(minutes=15)


async def test_reads_account_trading_account_and_summary(session):
    service = AccountTierService(session)

    account = await service.get_account("ZX1001")
    assert (account["user_id"], account["sync_tier"]) == (1, "cold")
    assert await service.get_account("nope") is None
    trading = await service.get_trading_account(1002)
    assert (trading["broker_account_id"], trading["status"]) == ("ZX1002", "active")
    assert await service.get_tier_summary() == {"hot": 0, "warm": 1, "cold": 2}
