"""Harder SQL of the order service: data-modifying CTEs, set operations, windows, DO blocks."""
import textwrap

SETTLE = """
WITH debited AS (
    UPDATE tradingdb.balances b
       SET cash = cash - x.amount
      FROM (SELECT account_id, sum(qty * price) AS amount FROM tradingdb.fills GROUP BY 1) x
     WHERE b.account_id = x.account_id
 RETURNING b.account_id, x.amount
), logged AS (
    INSERT INTO tradingdb.order_events (account_id, kind, amount)
    SELECT account_id, 'settle', amount FROM debited
    RETURNING id
)
SELECT count(*) FROM logged
"""

RANKED = """
SELECT *
FROM (
    SELECT o.account_id,
           o.symbol,
           sum(f.qty) FILTER (WHERE f.qty > 0) AS bought,
           rank() OVER (PARTITION BY o.account_id ORDER BY sum(f.qty) DESC) AS rnk
    FROM tradingdb.orders o
    JOIN tradingdb.fills f ON f.order_id = o.id
    GROUP BY GROUPING SETS ((o.account_id, o.symbol), (o.account_id))
) ranked
WHERE rnk <= 3
UNION ALL
SELECT s.owner_id, s.name, NULL, NULL FROM public.strategy s
EXCEPT
SELECT u.id, u.email, NULL, NULL FROM accounts.users u
"""


def settle(cur):
    cur.execute(SETTLE)


def ranked(cur):
    cur.execute(RANKED)


def dedented(cur, account_id):
    cur.execute(textwrap.dedent(f"""\
        -- positions with quotes
        SELECT p.id, q.price
        FROM orders.positions p
        JOIN tradingdb.quotes q USING (instrument_id)
        WHERE p.account_id = %s
    """), (account_id,))


def joined_parts(cur):
    parts = [
        "SELECT o.id, c.close",
        "FROM tradingdb.orders o",
        "JOIN tradingdb.candles c ON c.instrument_id = o.instrument_id",
    ]
    cur.execute("\n".join(parts))


def do_block(cur):
    cur.execute("""
        DO $$
        BEGIN
            UPDATE public.portfolio SET stale = true WHERE updated_at < now() - interval '1 day';
        END
        $$;
        SELECT 1 FROM orders.positions;
    """)


def insert_select_paren(cur):
    cur.execute("INSERT INTO orders.positions (account_id) (SELECT account_id FROM tradingdb.balances WHERE cash > 0)")


def quoted_with_space(cur):
    cur.execute('SELECT * FROM tradingdb."OrderEvents"')
    cur.execute('SELECT * FROM "orders"."Positions"')


def rows_from(cur):
    cur.execute("SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a'])) AS t(n, s)")
    cur.execute("SELECT * FROM orders.positions p CROSS JOIN LATERAL jsonb_each(p.meta) kv")


def set_local(cur):
    cur.execute("SET LOCAL search_path TO tradingdb, public")
    cur.execute("SELECT pg_advisory_xact_lock(42)")
    cur.execute("VACUUM ANALYZE tradingdb.orders")


def create_as(cur):
    cur.execute("CREATE TABLE orders.daily_signals AS SELECT * FROM tradingdb.signals WHERE day = current_date")
    cur.execute("CREATE INDEX CONCURRENTLY ix_quotes_meta ON tradingdb.quotes USING gin (meta)")


def returning_upsert(cur, rows):
    cur.executemany(
        "INSERT INTO tradingdb.instruments (symbol) VALUES (%s) ON CONFLICT DO NOTHING RETURNING instrument_id",
        rows,
    )


# expect: 6 BND101 tradingdb.balances
# expect: 32 BND100 public.strategy
# expect: 34 BND100 accounts.users
# expect: 51 BND100 tradingdb.quotes
# expect: 60 BND100 tradingdb.candles
# expect: 69 BND101 public.portfolio
# expect: 77 BND100 tradingdb.balances
# expect: 81 BND104 tradingdb.OrderEvents
# expect: 97 BND100 tradingdb.signals
# expect: 98 BND103 tradingdb.quotes
# expect: 103 BND101 tradingdb.instruments
