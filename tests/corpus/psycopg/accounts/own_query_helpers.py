"""Account reports through the module's own helpers: no cursor in sight at the call."""


def q(cur, statement, params=()):
    """Every statement of this module goes through here."""
    cur.execute(statement, params)
    return cur.fetchall()


class Reports:
    def __init__(self, conn):
        self.conn = conn

    def _all(self, statement, *params):
        with self.conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()

    def activity(self, account_id):
        return self._all("SELECT o.id FROM tradingdb.orders o FOR NO KEY SHARE OF o SKIP LOCKED NOWAIT", account_id)

    def exposure(self):
        return self._all("  /* nightly */ (SELECT account_id, sum(qty) FROM tradingdb.fills GROUP BY 1)")


def balances(cur):
    return q(cur, statement="(SELECT * FROM tradingdb.balances) EXCEPT (SELECT * FROM accounts.frozen_balances)")


# expect: 20 BND100 tradingdb.orders
# expect: 23 BND100 tradingdb.fills
