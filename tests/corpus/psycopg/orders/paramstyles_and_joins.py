"""Every paramstyle, and the long queries of the order book (psycopg2 / pyodbc-style drivers)."""
import sqlite3  # noqa: F401  (the qmark style is also used by pyodbc against PostgreSQL)

ORDER_BOOK = """
-- order book with everything the UI needs
SELECT o.id,
       o.symbol,
       o.qty,
       a.status                AS account_status,
       b.cash                  AS cash,
       s.name                  AS strategy,
       pf.name                 AS portfolio,
       i.exchange,
       q.price                 AS last_price,
       c.close                 AS prev_close,
       coalesce(n.body, '')    AS note
FROM tradingdb.orders o
JOIN tradingdb.accounts a           ON a.account_id = o.account_id
JOIN tradingdb.balances b           ON b.account_id = a.account_id
LEFT JOIN public.strategy s         ON s.strategy_id = o.strategy_id
LEFT JOIN public.strategy_portfolio sp ON sp.strategy_id = s.strategy_id
LEFT JOIN public.portfolio pf       ON pf.id = sp.portfolio_id
JOIN tradingdb.instruments i        ON i.instrument_id = o.instrument_id
LEFT JOIN LATERAL (
    SELECT price FROM tradingdb.quotes qq
    WHERE qq.instrument_id = o.instrument_id
    ORDER BY qq.ts DESC
    LIMIT 1
) q ON true
LEFT JOIN tradingdb.candles c       ON c.instrument_id = o.instrument_id AND c.day = current_date - 1
LEFT JOIN orders.order_notes n      ON n.position_id = o.id
WHERE o.account_id = %(account_id)s
  AND o.status IN ('open', 'partial')
  AND o.created_at > %(since)s::timestamptz
ORDER BY o.created_at DESC
"""


def order_book(cur, account_id, since):
    cur.execute(ORDER_BOOK, {"account_id": account_id, "since": since})
    return cur.fetchall()


def qmark(cur, account_id):
    cur.execute("SELECT cash FROM tradingdb.balances WHERE account_id = ?", (account_id,))


def numeric_style(cur, account_id):
    cur.execute("SELECT status FROM tradingdb.accounts WHERE account_id = :1", (account_id,))


def named_style(cur, account_id):
    cur.execute("UPDATE tradingdb.accounts SET status = :status WHERE account_id = :id", {"status": "x", "id": account_id})


def format_style(cur, ids):
    cur.execute("SELECT * FROM public.portfolio WHERE id = ANY(%s) AND name LIKE 'x%%'", (ids,))


def comma_join_and_distinct_on(cur):
    cur.execute("""
        SELECT DISTINCT ON (o.account_id) o.account_id, q.price
        FROM tradingdb.orders o, tradingdb.quotes q
        WHERE q.instrument_id = o.instrument_id
        ORDER BY o.account_id, q.ts DESC
    """)


def update_from_values(cur, rows):
    cur.execute("""
        UPDATE tradingdb.balances AS b
           SET reserved = v.reserved
          FROM (VALUES (%s, %s), (%s, %s)) AS v(account_id, reserved)
         WHERE b.account_id = v.account_id
    """, rows)


def delete_using(cur):
    cur.execute("""
        DELETE FROM tradingdb.order_events e
        USING tradingdb.accounts a
        WHERE a.account_id = e.account_id AND a.status = 'closed'
    """)


def lock_rows(cur, signal_id):
    cur.execute(
        "SELECT * FROM tradingdb.signals s JOIN tradingdb.orders o ON o.signal_id = s.signal_id "
        "WHERE s.signal_id = %s FOR UPDATE OF o SKIP LOCKED",
        (signal_id,),
    )


def upsert_on_constraint(cur, row):
    cur.execute(
        """
        INSERT INTO public.strategy_pnl_metrics (strategy_id, metric_date, pnl)
        VALUES (%(strategy_id)s, %(day)s, %(pnl)s)
        ON CONFLICT ON CONSTRAINT strategy_pnl_metrics_pkey
        DO UPDATE SET pnl = strategy_pnl_metrics.pnl + EXCLUDED.pnl
        """,
        row,
    )


def subqueries(cur, account_id):
    cur.execute(
        """
        SELECT o.id,
               (SELECT count(*) FROM tradingdb.fills f WHERE f.order_id = o.id) AS fills,
               EXISTS (SELECT 1 FROM public.strategy s WHERE s.strategy_id = o.strategy_id) AS has_strategy
        FROM tradingdb.orders o
        WHERE o.instrument_id = ANY(ARRAY(SELECT instrument_id FROM tradingdb.quotes WHERE price > 0))
          AND o.account_id IN (SELECT account_id FROM tradingdb.balances WHERE cash > 0)
          AND o.account_id = %s
        """,
        (account_id,),
    )


def sampling_and_like(cur):
    cur.execute("SELECT * FROM tradingdb.candles TABLESAMPLE SYSTEM (1)")
    cur.execute("CREATE TEMP TABLE tmp_orders (LIKE tradingdb.orders INCLUDING ALL)")
    cur.execute("CREATE TABLE orders.quotes_copy (LIKE tradingdb.quotes)")


def quoted_names(cur):
    cur.execute('SELECT * FROM "tradingdb"."accounts"')
    cur.execute('SELECT * FROM "TradingDB"."Accounts"')
    cur.execute("SELECT * FROM TRADINGDB.QUOTES")


def functions_are_not_tables(cur):
    cur.execute("SELECT * FROM tradingdb.account_positions(%s)", (1,))
    cur.execute("SELECT * FROM unnest(%s::bigint[]) AS ids(id) JOIN tradingdb.orders o ON o.id = ids.id", ([1],))
    cur.callproc("tradingdb.refresh_balances", [1])


def script(conn):
    conn.executescript(
        """
        DELETE FROM orders.order_notes WHERE body = '';
        UPDATE tradingdb.instruments SET active = false WHERE symbol LIKE 'TEST%';
        INSERT INTO orders.positions (account_id) SELECT account_id FROM tradingdb.accounts;
        """
    )


def explain(cur):
    cur.execute("EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM tradingdb.quotes WHERE instrument_id = %s", (1,))


def built_in_branches(cur, with_notes):
    query = "SELECT o.id FROM tradingdb.orders o JOIN public.portfolio p ON p.id = o.portfolio_id"
    if with_notes:
        query += " JOIN orders.order_notes n ON n.position_id = o.id"
    cur.execute(query)


QUERIES = {
    "strategies": "SELECT strategy_id, name FROM public.strategy ORDER BY name",
    "signals": "select * from tradingdb.signals where consumed = false",
}

STATEMENTS = [
    "DELETE FROM tradingdb.quotes WHERE price IS NULL",
    "DELETE FROM orders.order_notes WHERE body IS NULL",
]


def run_all(cur):
    for name, sql in QUERIES.items():
        cur.execute(sql)
    for statement in STATEMENTS:
        cur.execute(statement)


# expect: 18 BND100 tradingdb.accounts
# expect: 19 BND100 tradingdb.balances
# expect: 20 BND100 public.strategy
# expect: 21 BND100 public.strategy_portfolio
# expect: 22 BND100 public.portfolio
# expect: 25 BND100 tradingdb.quotes
# expect: 30 BND100 tradingdb.candles
# expect: 45 BND100 tradingdb.balances
# expect: 49 BND100 tradingdb.accounts
# expect: 53 BND101 tradingdb.accounts
# expect: 57 BND100 public.portfolio
# expect: 63 BND100 tradingdb.quotes
# expect: 71 BND101 tradingdb.balances
# expect: 81 BND100 tradingdb.accounts
# expect: 88 BND100 tradingdb.signals
# expect: 97 BND101 public.strategy_pnl_metrics
# expect: 111 BND100 public.strategy
# expect: 113 BND100 tradingdb.quotes
# expect: 114 BND100 tradingdb.balances
# expect: 122 BND100 tradingdb.candles
# expect: 124 BND100 tradingdb.quotes
# expect: 128 BND100 tradingdb.accounts
# expect: 129 BND104 TradingDB.Accounts
# expect: 130 BND100 tradingdb.quotes
# expect: 143 BND101 tradingdb.instruments
# expect: 144 BND100 tradingdb.accounts
# expect: 150 BND100 tradingdb.quotes
# expect: 154 BND100 public.portfolio
# expect: 161 BND100 public.strategy
# expect: 162 BND100 tradingdb.signals
# expect: 166 BND101 tradingdb.quotes
