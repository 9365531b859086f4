"""Account queries sqlglot cannot read, built away from the cursor that runs them."""


def stale_ids_sql(days):
    return (
        "CREATE TEMP TABLE stale ON COMMIT DROP AS "
        "SELECT u.id FROM users u JOIN tradingdb.fills f ON f.account_id = u.account_id "
        "WHERE f.filled_at < now() - interval '%d days'" % days
    )


EXPOSURE_SQL = "SELECT b.account_id, sum(b.amount, 0) FROM tradingdb.balances b JOIN tradingdb.orders o ON o.account_id = b.account_id GROUP BY 1"

HELP = "delete from user_sessions where you no longer need them"
NOTE = "select the rows you want from tradingdb.orders below"


def run(cur, days):
    cur.execute(stale_ids_sql(days))
    cur.execute(EXPOSURE_SQL)


# expect: 7 BND100 tradingdb.fills
# expect: 12 BND100 tradingdb.orders
