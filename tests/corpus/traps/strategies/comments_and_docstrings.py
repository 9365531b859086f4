"""Strategy engine module with SQL only in comments, docstrings and messages."""


class StrategyRepository:
    """Repository over public.strategy (owned by us).

    Example of what callers used to do::

        cur.execute("SELECT * FROM tradingdb.fills WHERE strategy_id = %s", (sid,))
    """

    def __init__(self, cur):
        self.cur = cur

    def get(self, strategy_id):
        """SELECT * FROM public.strategy WHERE strategy_id = :id"""
        # UPDATE tradingdb.orders SET strategy_id = NULL  <- never again
        self.cur.execute("SELECT * FROM public.strategy WHERE strategy_id = %s", (strategy_id,))
        return self.cur.fetchone()

    def own_writes(self, portfolio_id, weights):
        self.cur.execute("DELETE FROM strategy_portfolio WHERE portfolio_id = %s", (portfolio_id,))
        self.cur.execute("INSERT INTO tradingdb.signals (strategy_id) VALUES (%s)", (portfolio_id,))
        self.cur.execute("UPDATE backtests SET stale = true WHERE portfolio_id = %s", (portfolio_id,))

    def error(self, strategy_id):
        raise LookupError(
            "SELECT from tradingdb.quotes returned no price for strategy %s" % strategy_id
        )
