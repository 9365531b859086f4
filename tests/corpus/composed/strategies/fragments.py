"""Strategy reports assembled from fragments with +=, and picked by flags."""


def fills_report(cur, strategy_id=None, with_orders=False):
    q = "WITH recent AS (SELECT strategy_id, qty FROM tradingdb.fills WHERE filled_at > now() - interval '1 day') "
    q += "SELECT s.name, sum(r.qty) FROM recent r "
    q += "JOIN strategy s ON s.id = r.strategy_id "
    if with_orders:
        q += "JOIN tradingdb.orders o ON o.strategy_id = s.id "
    if strategy_id:
        q += "WHERE s.id = %(sid)s "
    q += "GROUP BY s.name"
    cur.execute(q, {"sid": strategy_id})
    return cur.fetchall()


def latest_signals(cur):
    sql = "SELECT id, payload FROM tradingdb.signals"
    sql += " WHERE created_at > now() - interval '5 minutes'"
    cur.execute(sql)
    return cur.fetchall()


def pick_source(cur, archived):
    table = "tradingdb.orders_archive" if archived else "tradingdb.orders"
    cur.execute("SELECT count(*) FROM " + table + " WHERE strategy_id IS NOT NULL")
    return cur.fetchone()[0]


def exposure(cur, by_account):
    sql = (
        "SELECT account_id, sum(qty) FROM tradingdb.fills GROUP BY 1" if by_account
        else "SELECT strategy_id, sum(qty) FROM backtests GROUP BY 1"
    )
    cur.execute(sql)
    return cur.fetchall()


def balances(cur, detailed):
    cur.execute("SELECT * FROM {} WHERE amount > 0".format("tradingdb.balances" if detailed else "portfolio"))
    return cur.fetchall()


# expect: 5 BND100 tradingdb.fills
# expect: 9 BND100 tradingdb.orders
# expect: 25 BND104 tradingdb.orders_archive
# expect: 25 BND100 tradingdb.orders
# expect: 32 BND100 tradingdb.fills
# expect: 40 BND100 tradingdb.balances
