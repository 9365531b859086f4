"""holdings_service: psycopg-style queries on the user service's holdings."""

from decimal import Decimal

import pytest

from app.db import raw_connection
from app.services.holdings_service import get_holdings, holdings_value, sellable_quantity

pytestmark = pytest.mark.anyio


async def test_get_holdings(database):
    async with raw_connection(database.url) as conn:
        holdings = await get_holdings(conn, "ZX1001")

    assert [(h["tradingsymbol"], h["quantity"]) for h in holdings] == [("INFY", 10), ("TCS", 5)]
    assert holdings_value(holdings) == Decimal("10") * Decimal("1502.35") + Decimal("5") * Decimal("3851.10")


async def test_sellable_quantity(database):
    async with raw_connection(database.url) as conn:
        assert await sellable_quantity(conn, "ZX1001", "TCS", "NSE") == 5
        assert await sellable_quantity(conn, "ZX1001", "TCS", "BSE") == 0
        assert await get_holdings(conn, "nobody") == []
