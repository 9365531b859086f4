"""Order-service helpers whose strings look like SQL but are not executed.

Replaces the old query:

    SELECT o.*, s.name
    FROM tradingdb.orders o
    JOIN public.strategy s ON s.strategy_id = o.strategy_id

which read another service's table. See also ``INSERT INTO public.portfolio``.
"""
import logging
import re
import warnings

import click

log = logging.getLogger(__name__)

# SELECT * FROM public.strategy WHERE strategy_id = %s   -- the old read, kept for reference
# cur.execute("UPDATE tradingdb.balances SET cash = 0")

HELP = "Select the strategy from public.strategy to see its orders."
CONFIRM = "Update public.portfolio weights now? [y/N]"
COPY_HINT = "Copy the rows from tradingdb.quotes into your spreadsheet."
REVOKE_HINT = "Revoke access to tradingdb.balances in the admin panel."
DELETE_PROMPT = "Delete the tradingdb.accounts row as well?"
CREATE_LABEL = "Create a table of fills for the report"
TOOLTIP = "Drop the public.strategy_portfolio weights you do not need"
SQL_LIKE_REGEX = re.compile(r"SELECT\s+.*?\s+FROM\s+(?P<table>[\w.]+)", re.IGNORECASE)
UPDATE_RE = re.compile(r"^\s*UPDATE\s+(\w+\.\w+)\s+SET", re.I)
INSERT_PATTERN = r"INSERT\s+INTO\s+tradingdb\.\w+"


def place(cur, order):
    """Place an order.

    Writes tradingdb.orders; never touches public.strategy (previously:
    ``UPDATE public.strategy SET last_order_at = now()``).
    """
    log.info("INSERT INTO tradingdb.orders for strategy %s (no read of public.strategy)", order.strategy_id)
    log.debug(f"SELECT * FROM public.portfolio WHERE id = {order.portfolio_id} is no longer run")
    logging.getLogger("audit").warning("DELETE FROM tradingdb.balances skipped")
    cur.execute("INSERT INTO tradingdb.orders (account_id, symbol) VALUES (%s, %s)", (order.account_id, order.symbol))
    if not order.symbol:
        raise ValueError("SELECT on tradingdb.instruments returned nothing for the symbol")
    if order.qty <= 0:
        raise OrderRejected(f"UPDATE tradingdb.balances refused: qty {order.qty}")
    assert order.account_id, "SELECT * FROM tradingdb.accounts must not be empty"
    warnings.warn("DELETE FROM public.portfolio is deprecated", DeprecationWarning)
    print("SELECT * FROM public.strategy")
    click.echo("TRUNCATE tradingdb.quotes would be dangerous")
    return "Select another instrument"


class OrderRejected(Exception):
    pass


def explain(cur):
    cur.execute("SELECT 'SELECT * FROM public.strategy' AS example, 'tradingdb.balances' AS t")
    cur.execute("SELECT * FROM orders.positions -- JOIN public.portfolio later")
    cur.execute("""
        /* INSERT INTO tradingdb.quotes VALUES (1) */
        SELECT id FROM orders.order_notes
    """)
    return _("Update the tradingdb.accounts status from the account page")


def _(text):
    return text
