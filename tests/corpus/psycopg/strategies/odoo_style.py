"""Strategy engine written in Odoo's style: cr.execute with %s, and a SQL() wrapper."""
import logging

_logger = logging.getLogger(__name__)


class SQL:
    """A tiny SQL wrapper in the spirit of odoo.tools.SQL (code and params kept together)."""

    def __init__(self, code, *params):
        self.code = code
        self.params = params

    @staticmethod
    def identifier(name):
        return SQL('"%s"' % name)


class StrategyModel:
    _table = "strategy"

    def __init__(self, env):
        self.env = env

    def _compute_exposure(self):
        self.env.cr.execute(
            """
            SELECT s.strategy_id, sum(f.qty * f.price)
              FROM strategy s
              JOIN tradingdb.orders o ON o.strategy_id = s.strategy_id
              JOIN tradingdb.fills f ON f.order_id = o.id
             WHERE s.strategy_id IN %s
          GROUP BY s.strategy_id
            """,
            [tuple(self.ids)],
        )
        return dict(self.env.cr.fetchall())

    def _auto_init(self):
        cr = self.env.cr
        cr.execute("SELECT 1 FROM information_schema.tables WHERE table_name = %s", (self._table,))
        if not cr.fetchone():
            cr.execute('CREATE TABLE "strategy" (strategy_id serial PRIMARY KEY)')
        cr.execute("CREATE INDEX IF NOT EXISTS strategy_account_idx ON tradingdb.accounts (status)")
        _logger.info("CREATE INDEX strategy_account_idx done on tradingdb.accounts")

    def unlink_signals(self):
        self.env.cr.execute(SQL("DELETE FROM tradingdb.signals WHERE strategy_id = ANY(%s)", list(self.ids)))
        self.env.cr.execute(SQL("UPDATE tradingdb.balances SET reserved = 0 WHERE account_id = %s", 1))

    def read_group_raw(self, domain_sql, params):
        query = "SELECT portfolio_id, count(*) FROM strategy_portfolio WHERE %s GROUP BY portfolio_id" % domain_sql
        self.env.cr.execute(query, params)
        return self.env.cr.dictfetchall()


# expect: 30 BND100 tradingdb.orders
# expect: 31 BND100 tradingdb.fills
# expect: 44 BND103 tradingdb.accounts
# expect: 49 BND101 tradingdb.balances
