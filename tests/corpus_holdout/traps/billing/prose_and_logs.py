"""Billing helpers whose strings look like SQL and are not.

Historically this module ran ``SELECT * FROM core.accounts WHERE id = %s``;
now it calls the users service. Never ``UPDATE core.accounts`` from here.
"""
import argparse
import logging
import re
import warnings

import click

logger = logging.getLogger(__name__)

TABLE_IN_QUERY = re.compile(r"\bFROM\s+core\.(\w+)", re.IGNORECASE)
WRITE_STATEMENT = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+core\.accounts\b", re.I)

HELP_TEXTS = {
    "pick": "Select an account from the list to see its invoices",
    "profile": "Update your billing details from the account page",
    "remove": "Delete from core.accounts? Ask the users team instead.",
    "queue": "Insert into the queue; the worker drains it every minute",
    "pdf": "Create table of contents for the invoice PDF",
    "copy": "Copy the invoice number from core.invoices to the clipboard",
    "grant": "Grant select on the dashboard to the finance group",
    "merge": "Merge into one invoice from several draft invoices",
    "comment": "Comment on the payment from core.payments",
}

ERRORS = {
    "E100": "UPDATE of core.products is not allowed from billing",
    "E101": "INSERT INTO core.shipments failed: shipping is down",
}


def resync(client, account_id, dry_run=False):
    # UPDATE core.accounts SET last_invoiced_at = now() WHERE id = %s  -- moved to the users API
    if dry_run:
        print("would run: DELETE FROM core.stock_levels WHERE sku = %s" % account_id)
        return None
    logger.info("Deleting from core.accounts is handled by the users service (%s)", account_id)
    logger.debug(f"SELECT on core.stock_levels took {client.elapsed:.3f}s")
    warnings.warn("UPDATE of core.products is deprecated; call the inventory API", DeprecationWarning)
    try:
        return client.accounts.touch(account_id)
    except TimeoutError as exc:
        raise RuntimeError("could not SELECT FROM core.accounts: %s" % exc) from exc


def own_with_shadowing_names(cur):
    cur.execute(
        """
        WITH accounts AS (
            SELECT customer_id AS id, count(*) AS n FROM billing.dunning_log GROUP BY customer_id
        ), shipments AS (
            SELECT 1 AS placeholder
        )
        SELECT accounts.id, accounts.n FROM accounts, shipments
        """
    )
    cur.execute("SELECT shipments.id FROM billing.dunning_log AS shipments WHERE shipments.sent_at > now()")
    cur.execute("SELECT * FROM generate_series(1, 12) AS organizations(month)")
    cur.execute("SELECT nextval('core.accounts_id_seq'), 'DELETE FROM core.accounts' AS example")


def cli():
    parser = argparse.ArgumentParser(description="Select invoices from core.invoices and export them as CSV")
    parser.add_argument("--where", help="UPDATE filter, e.g. status = 'open' (applied to core.invoices)")
    return parser


@click.command(help="Delete from the draft queue every invoice older than N days.")
@click.option("--days", default=30, help="Select invoices older than this many days")
def purge_drafts(days):
    click.echo(f"Deleting drafts older than {days} days from billing.drafts")
