"""Queries that stay inside the order service's boundary (own tables, grants, catalogs, CTEs)."""
from sqlalchemy import text

OWN = text("""
    SELECT o.id, f.qty
    FROM orders o
    JOIN fills f ON f.order_id = o.id
    JOIN tradingdb.order_events e ON e.order_id = o.id
    WHERE o.account_id = :account_id
""")

GRANTED = "SELECT * FROM accounts.v_account_summary WHERE account_id = %s"
GRANTED_INSTRUMENTS = "SELECT symbol FROM tradingdb.instruments JOIN instruments i2 USING (instrument_id)"

CATALOG = """
    SELECT c.relname, n.nspname
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public'
"""

INFO = "SELECT column_name FROM information_schema.columns WHERE table_name = 'strategy'"
IGNORED = "INSERT INTO audit.events (kind) VALUES ('order')"
ALEMBIC = "SELECT version_num FROM public.alembic_version"
DJANGO = "SELECT name FROM public.django_migrations"

CTES = """
WITH strategy AS (
    SELECT strategy_id, count(*) AS n FROM tradingdb.orders GROUP BY strategy_id
), portfolio AS (
    SELECT account_id, sum(qty) AS qty FROM tradingdb.fills f JOIN orders o ON o.id = f.order_id GROUP BY 1
), balances AS (
    SELECT 1 AS x
)
SELECT s.strategy_id, p.qty FROM strategy s, portfolio p, balances
"""

RECURSIVE = """
WITH RECURSIVE quotes(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM quotes WHERE n < 10)
SELECT n FROM quotes
"""

ALIASES = """
SELECT strategy.id, portfolio.name
FROM orders.positions AS strategy
JOIN orders.order_notes portfolio ON portfolio.position_id = strategy.id
"""

FUNCTIONS = "SELECT * FROM generate_series(1, 10) AS accounts, unnest(ARRAY[1, 2]) AS balances"

DROP_FKS = """
ALTER TABLE orders.positions DROP CONSTRAINT fk_positions_portfolio;
ALTER TABLE tradingdb.orders DROP CONSTRAINT IF EXISTS fk_orders_strategy
"""


def run(cur):
    cur.execute(OWN, {"account_id": 1})
    cur.execute(GRANTED, (1,))
    cur.execute("SELECT extract(epoch FROM now()) AS ts, substring('abc' FROM 2)")
    cur.execute("SELECT id FROM orders.positions WHERE note LIKE '%%FROM public.strategy%%'")
    cur.execute("SELECT $$INSERT INTO tradingdb.quotes$$ AS text_only")
    cur.execute("SELECT 1 FROM orders.positions p WHERE p.meta ->> 'table' = 'tradingdb.balances'")
