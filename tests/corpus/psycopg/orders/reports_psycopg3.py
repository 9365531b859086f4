"""Order-service reports on psycopg 3 (named placeholders, server-side cursors, COPY)."""
import psycopg
from psycopg.rows import dict_row

DAILY_VOLUME = """
WITH day_fills AS (
    SELECT f.instrument_id, sum(f.qty) AS qty
    FROM tradingdb.fills f
    WHERE f.filled_at >= %(day)s AND f.filled_at < %(day)s + interval '1 day'
    GROUP BY f.instrument_id
), instruments AS (  -- named like the market table: a CTE, not a table
    SELECT instrument_id, symbol FROM tradingdb.instruments
)
SELECT i.symbol, d.qty, c.close
FROM day_fills d
JOIN instruments i USING (instrument_id)
JOIN tradingdb.candles c ON c.instrument_id = d.instrument_id AND c.day = %(day)s
ORDER BY d.qty DESC
"""


def daily_volume(dsn, day):
    with psycopg.connect(dsn, row_factory=dict_row) as conn:
        return conn.execute(DAILY_VOLUME, {"day": day}).fetchall()


def stream_orders(conn, account_id):
    with conn.cursor(name="orders_stream") as cur:
        cur.itersize = 2000
        cur.execute(
            "SELECT o.* FROM tradingdb.orders o "
            "JOIN tradingdb.accounts a ON a.account_id = o.account_id "
            "WHERE a.account_id = %s AND a.status = 'active'",
            (account_id,),
        )
        yield from cur


def mark_strategy_orders(conn, strategy_id):
    with conn.transaction():
        conn.execute("UPDATE orders.order_notes SET archived = true WHERE strategy_id = %s", (strategy_id,))
        conn.execute(
            "UPDATE public.strategy SET last_order_at = now() WHERE strategy_id = %s",
            (strategy_id,),
        )


def lock_balance(conn, account_id):
    return conn.execute(
        "SELECT cash FROM tradingdb.balances WHERE account_id = %s FOR UPDATE", (account_id,)
    ).fetchone()


def copy_quotes(conn, rows):
    with conn.cursor() as cur:
        with cur.copy("COPY tradingdb.quotes (instrument_id, ts, price) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def export_positions(conn, out):
    query = (
        "COPY (SELECT p.*, pf.name FROM orders.positions p "
        "JOIN public.portfolio pf ON pf.id = p.portfolio_id) TO STDOUT"
    )
    with conn.cursor() as cur, cur.copy(query) as copy:
        for data in copy:
            out.write(data)


def upsert_order_tags(conn, order_id, tags):
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO order_tags (order_id, tag) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [(order_id, tag) for tag in tags],
        )
        cur.execute(
            """
            INSERT INTO public.strategy_pnl_metrics AS m (strategy_id, metric_date, fills)
            SELECT o.strategy_id, current_date, count(*)
            FROM tradingdb.orders o JOIN tradingdb.fills f ON f.order_id = o.id
            WHERE o.id = %s
            GROUP BY o.strategy_id
            ON CONFLICT (strategy_id, metric_date) DO UPDATE SET fills = m.fills + EXCLUDED.fills
            """,
            (order_id,),
        )


# expect: 17 BND100 tradingdb.candles
# expect: 32 BND100 tradingdb.accounts
# expect: 43 BND101 public.strategy
# expect: 50 BND100 tradingdb.balances
# expect: 56 BND101 tradingdb.quotes
# expect: 64 BND100 public.portfolio
# expect: 79 BND101 public.strategy_pnl_metrics
# expect: 81 BND107 tradingdb.orders
# expect: 43 BND108 public.strategy
