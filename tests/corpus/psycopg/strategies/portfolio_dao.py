"""Portfolio data access of the strategy engine (psycopg2, Odoo-style cr.execute)."""
from psycopg2.extras import DictCursor


class PortfolioDAO:
    def __init__(self, cr):
        self.cr = cr

    def weights(self, portfolio_id):
        self.cr.execute(
            """SELECT sp.strategy_id, sp.weight, s.name
                 FROM strategy_portfolio sp
                 JOIN strategy s ON s.strategy_id = sp.strategy_id
                WHERE sp.portfolio_id = %s""",
            (portfolio_id,),
        )
        return self.cr.dictfetchall()

    def holders(self, portfolio_id):
        # Unqualified names resolve through the default search_path: public.
        self.cr.execute(
            "SELECT u.id, u.email FROM users u "
            "JOIN user_sessions us ON us.user_id = u.id "
            "WHERE u.portfolio_id = %s",
            (portfolio_id,),
        )
        return self.cr.fetchall()

    def signals_for(self, strategy_ids):
        self.cr.execute(
            "SELECT * FROM tradingdb.signals WHERE strategy_id IN %s AND consumed = false",
            (tuple(strategy_ids),),
        )
        return self.cr.fetchall()

    def fills_of(self, strategy_id):
        self.cr.execute("""
            SELECT f.*
            FROM tradingdb.fills f
            WHERE f.order_id IN (
                SELECT o.id FROM tradingdb.orders o WHERE o.strategy_id = %(sid)s
            )
        """, {"sid": strategy_id})
        return self.cr.fetchall()

    def rebalance(self, portfolio_id, weights):
        cr = self.cr
        cr.execute("DELETE FROM strategy_portfolio WHERE portfolio_id = %s", (portfolio_id,))
        for strategy_id, weight in weights.items():
            cr.execute(
                "INSERT INTO strategy_portfolio (portfolio_id, strategy_id, weight) VALUES (%s, %s, %s)",
                (portfolio_id, strategy_id, weight),
            )
        cr.execute(
            "INSERT INTO email_outbox (template, payload) VALUES ('rebalanced', %s)",
            (str(portfolio_id),),
        )

    def backtest_rows(self, strategy_id):
        with self.cr.connection.cursor(cursor_factory=DictCursor) as cur:
            cur.execute("SELECT * FROM backtests WHERE strategy_id = %s", (strategy_id,))
            return cur.fetchall()

    def dashboard(self, account_id):
        self.cr.execute(
            """
            SELECT p.id, p.name, d.pnl, b.cash
            FROM portfolio p
            LEFT JOIN pnl_daily d ON d.portfolio_id = p.id AND d.day = current_date - 1
            LEFT JOIN tradingdb.balances b ON b.account_id = p.account_id
            WHERE p.account_id = %s
            """,
            (account_id,),
        )
        return self.cr.fetchall()

    def truncate_stale(self):
        self.cr.execute("TRUNCATE tradingdb.signals, tradingdb.order_events")


# expect: 22 BND100 public.users
# expect: 23 BND100 public.user_sessions
# expect: 39 BND100 tradingdb.fills
# expect: 41 BND100 tradingdb.orders
# expect: 55 BND101 public.email_outbox
# expect: 69 BND100 public.pnl_daily
# expect: 70 BND100 tradingdb.balances
# expect: 78 BND101 tradingdb.order_events
# expect: 69 BND107 public.pnl_daily
