"""Analytics reports (Django, a second database alias)."""
from django.db import connections


def fills_by_strategy(day):
    with connections["analytics"].cursor() as cursor:
        cursor.execute(
            """
            SELECT s.name, count(f.id), sum(f.qty)
            FROM tradingdb.fills f
            JOIN tradingdb.orders o ON o.id = f.order_id
            JOIN public.strategy s ON s.strategy_id = o.strategy_id
            WHERE f.filled_at::date = %(day)s
            GROUP BY s.name
            """,
            {"day": day},
        )
        return cursor.fetchall()


def write_daily(rows):
    with connections["analytics"].cursor() as cursor:
        cursor.executemany(
            "INSERT INTO pnl_daily (portfolio_id, day, pnl) VALUES (%s, %s, %s)", rows
        )
        cursor.execute("DELETE FROM analytics.report_cache")
        cursor.execute("UPDATE public.strategy SET reported_at = now()")


def candles_window(instrument_id):
    with connections["analytics"].cursor() as cursor:
        cursor.execute(
            "SELECT day, close FROM tradingdb.candles WHERE instrument_id = %s "
            "AND day > current_date - 30 ORDER BY day",
            [instrument_id],
        )
        return cursor.fetchall()


# expect: 11 BND100 tradingdb.orders
# expect: 27 BND101 public.strategy
# expect: 33 BND100 tradingdb.candles
