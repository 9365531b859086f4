"""Statements across owners, as the analytics service (moving to a database of its own) runs them."""


def granted_join(cur, day):
    cur.execute(
        """
        SELECT d.portfolio_id, f.qty
        FROM public.pnl_daily d
        JOIN tradingdb.fills f ON f.portfolio_id = d.portfolio_id
        WHERE d.day = %s
        """,
        (day,),
    )
    return cur.fetchall()


def own_only(cur):
    cur.execute("SELECT * FROM analytics.report_cache r JOIN pnl_daily d ON d.day = r.day")


def cte_named_like_a_table(cur):
    cur.execute(
        """
        WITH strategy AS (SELECT portfolio_id, pnl FROM analytics.pnl_staging)
        SELECT * FROM strategy JOIN pnl_daily USING (portfolio_id)
        """
    )


def union_of_owners(cur):
    cur.execute("SELECT portfolio_id FROM pnl_daily UNION ALL SELECT portfolio_id FROM public.strategy")


def subquery_not_granted(cur):
    cur.execute("DELETE FROM analytics.report_cache WHERE account_id IN (SELECT account_id FROM tradingdb.accounts)")


def two_statements(cur):
    cur.execute("DELETE FROM analytics.report_cache; SELECT * FROM public.strategy")


def unowned_and_ignored(cur):
    cur.execute(
        "SELECT * FROM pnl_daily d JOIN public.legacy_rates r ON r.day = d.day JOIN audit.events e ON e.day = d.day"
    )


def system_catalog(cur):
    cur.execute("SELECT c.relname FROM pg_catalog.pg_class c JOIN analytics.report_cache r ON r.name = c.relname")


def others_only(cur):
    cur.execute("SELECT f.qty, s.name FROM tradingdb.fills f JOIN public.strategy s ON s.strategy_id = f.strategy_id")


def dynamic_in_own_schema(cur, name):
    cur.execute(f"SELECT * FROM analytics.{name} x JOIN public.strategy s ON s.strategy_id = x.strategy_id")


def log_message(log):
    log.info("joined analytics.report_cache with public.strategy for %s", 1)


def write_from_other(cur):
    cur.execute(
        "INSERT INTO public.strategy_pnl_metrics (strategy_id, pnl) "
        "SELECT strategy_id, sum(pnl) FROM public.strategy GROUP BY 1"
    )

# expect: 9 BND107 tradingdb.fills
# expect: 31 BND107 public.strategy
# expect: 35 BND100 tradingdb.accounts
# expect: 35 BND107 tradingdb.accounts
# expect: 44 BND104 public.legacy_rates
# expect: 57 BND107 public.strategy
# expect: 67 BND107 public.strategy
