"""Fill persistence for the order service (psycopg2).

Historically this module read strategy names straight from public.strategy;
that read now goes through the strategy client:

    SELECT s.name FROM public.strategy s WHERE s.strategy_id = %s
"""
import logging
from contextlib import closing

import psycopg2
import psycopg2.extras

log = logging.getLogger(__name__)

INSERT_FILL = """
    INSERT INTO tradingdb.fills (order_id, instrument_id, qty, price, filled_at)
    VALUES (%(order_id)s, %(instrument_id)s, %(qty)s, %(price)s, now())
    RETURNING id
"""


def record_fill(conn, fill):
    with conn.cursor() as cur:
        cur.execute(INSERT_FILL, fill)
        fill_id = cur.fetchone()[0]
        cur.execute(
            "UPDATE tradingdb.balances SET reserved = reserved - %s WHERE account_id = %s",
            (fill["qty"] * fill["price"], fill["account_id"]),
        )
        return fill_id


def fills_with_instruments(conn, order_id):
    sql = """
        SELECT f.id, f.qty, f.price, i.symbol, i.exchange, q.last_price
        FROM tradingdb.fills f
        JOIN tradingdb.instruments i ON i.instrument_id = f.instrument_id
        LEFT JOIN tradingdb.quotes q ON q.instrument_id = i.instrument_id
        WHERE f.order_id = %s
        ORDER BY f.filled_at
    """
    with closing(conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)) as cur:
        cur.execute(sql, (order_id,))
        return cur.fetchall()


def account_snapshot(conn, account_id):
    cur = conn.cursor()
    cur.execute("""
        SELECT a.account_id, a.status, b.cash, b.reserved
          FROM tradingdb.accounts a
          JOIN tradingdb.balances b USING (account_id)
         WHERE a.account_id = %(account_id)s
    """, {"account_id": account_id})
    row = cur.fetchone()
    cur.close()
    return row


def bulk_fills(conn, rows):
    with conn.cursor() as cur:
        psycopg2.extras.execute_values(
            cur,
            "INSERT INTO tradingdb.fills (order_id, qty, price) VALUES %s",
            rows,
        )
        cur.executemany(
            "UPDATE tradingdb.signals SET consumed = true WHERE signal_id = %s",
            [(r[3],) for r in rows],
        )
    log.info("INSERT INTO tradingdb.fills done for %d rows", len(rows))


def purge(conn, days):
    with conn.cursor() as cur:
        cur.execute(
            "DELETE FROM tradingdb.order_events WHERE created_at < now() - %s * interval '1 day'",
            (days,),
        )
        cur.execute("DELETE FROM tradingdb.quotes WHERE ts < now() - interval '7 days'")


def load_quotes_csv(conn, handle):
    with conn.cursor() as cur:
        cur.copy_expert("COPY tradingdb.candles (instrument_id, day, close) FROM STDIN WITH CSV HEADER", handle)
        cur.copy_from(handle, "tradingdb.quotes", sep=",", columns=("instrument_id", "ts", "price"))


def export_fills(conn, handle):
    with conn.cursor() as cur:
        cur.copy_to(handle, "tradingdb.fills", sep="\t")
        cur.copy_expert("COPY (SELECT * FROM public.strategy_portfolio) TO STDOUT WITH CSV", handle)


# expect: 28 BND101 tradingdb.balances
# expect: 39 BND100 tradingdb.quotes
# expect: 52 BND100 tradingdb.accounts
# expect: 53 BND100 tradingdb.balances
# expect: 69 BND101 tradingdb.signals
# expect: 81 BND101 tradingdb.quotes
# expect: 86 BND101 tradingdb.candles
# expect: 87 BND101 tradingdb.quotes
# expect: 93 BND100 public.strategy_portfolio
