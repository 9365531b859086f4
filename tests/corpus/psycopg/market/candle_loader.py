"""Market-data loader (psycopg2, pyformat and format paramstyles)."""
import psycopg2


def upsert_candles(conn, candles):
    with conn, conn.cursor() as cur:
        cur.executemany(
            """
            INSERT INTO tradingdb.candles (instrument_id, day, open, high, low, close)
            VALUES (%(instrument_id)s, %(day)s, %(open)s, %(high)s, %(low)s, %(close)s)
            ON CONFLICT (instrument_id, day) DO UPDATE
               SET close = EXCLUDED.close, high = greatest(tradingdb.candles.high, EXCLUDED.high)
            """,
            candles,
        )


def instruments_held(conn):
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT DISTINCT i.instrument_id, i.symbol
            FROM instruments i
            JOIN orders.positions p ON p.instrument_id = i.instrument_id
            WHERE p.quantity <> 0
            """
        )
        return cur.fetchall()


def refresh_registry(conn):
    with conn.cursor() as cur:
        cur.execute("DELETE FROM public.instrument_registry WHERE delisted")
        cur.execute(
            "INSERT INTO public.instrument_registry (instrument_id, symbol) "
            "SELECT instrument_id, symbol FROM tradingdb.instruments "
            "WHERE NOT EXISTS (SELECT 1 FROM public.instrument_registry r WHERE r.instrument_id = instruments.instrument_id)"
        )
        cur.execute("UPDATE tradingdb.orders SET status = 'rejected' WHERE instrument_id IN (SELECT instrument_id FROM public.instrument_registry WHERE delisted)")


def session_user(conn, token):
    cur = conn.cursor()
    cur.execute("SELECT user_id FROM accounts.user_sessions WHERE token = %s", (token,))
    return cur.fetchone()


# expect: 24 BND100 orders.positions
# expect: 39 BND101 tradingdb.orders
# expect: 44 BND100 accounts.user_sessions
