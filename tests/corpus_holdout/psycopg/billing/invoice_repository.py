"""Invoice persistence for the billing service (psycopg2, hand-written SQL).

The repository predates the split: it still reads account data straight from
core.accounts instead of asking the users service. Do not add more of that.
"""
import io
import logging
import time
from decimal import Decimal

import psycopg2
import psycopg2.extras

log = logging.getLogger(__name__)

OPEN_INVOICES_SQL = """
    SELECT i.id,
           i.number,
           i.total_cents,
           a.display_name,
           a.country_code
      FROM core.invoices i
      JOIN core.accounts a ON a.id = i.account_id
     WHERE i.status = 'open'
       AND i.due_at < now()
     ORDER BY i.due_at
"""

RUNNING_TOTALS_SQL = """
    SELECT account_id,
           issued_at,
           total_cents,
           sum(total_cents) OVER (
               PARTITION BY account_id
               ORDER BY issued_at
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
           ) AS running_cents
      FROM core.invoices
     WHERE issued_at >= %(since)s
"""


class InvoiceRepository:
    def __init__(self, dsn):
        self._conn = psycopg2.connect(dsn)
        self._conn.autocommit = False

    def open_invoices(self):
        started = time.monotonic()
        with self._conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(OPEN_INVOICES_SQL)
            rows = cur.fetchall()
        log.info("SELECT from core.accounts for %d invoices took %.2fs", len(rows), time.monotonic() - started)
        return rows

    def running_totals(self, since):
        with self._conn.cursor() as cur:
            cur.execute(RUNNING_TOTALS_SQL, {"since": since})
            return cur.fetchall()

    def account_locale(self, account_id):
        with self._conn.cursor() as cur:
            cur.execute("SELECT email, locale FROM accounts WHERE id = %s", (account_id,))
            row = cur.fetchone()
        if row is None:
            raise LookupError(f"no row in core.accounts for account {account_id}")
        return row

    def billing_contact(self, account_id):
        with self._conn.cursor() as cur:
            cur.execute("SELECT email, vat_number FROM users.v_billing_contacts WHERE account_id = %s", (account_id,))
            return cur.fetchone()

    def add_line(self, invoice_id, sku, quantity, unit_price: Decimal):
        with self._conn, self._conn.cursor() as cur:
            cur.execute(
                """
                INSERT INTO core.invoice_lines (invoice_id, sku, quantity, unit_price_cents)
                VALUES (%s, %s, %s, %s)
                RETURNING id
                """,
                (invoice_id, sku, quantity, int(unit_price * 100)),
            )
            line_id = cur.fetchone()[0]
            cur.execute("SELECT sku, name, list_price_cents FROM core.products WHERE sku = %s", (sku,))
            cur.execute("UPDATE products SET last_sold_at = now() WHERE sku = %s", (sku,))
            return line_id

    def mark_invoiced(self, account_ids):
        with self._conn, self._conn.cursor() as cur:
            cur.execute(
                "UPDATE core.accounts SET last_invoiced_at = now() WHERE id = ANY(%s)",
                (list(account_ids),),
            )
            psycopg2.extras.execute_values(
                cur,
                "INSERT INTO users.billing_flags (account_id, flag) VALUES %s ON CONFLICT DO NOTHING",
                [(a, "invoiced") for a in account_ids],
            )

    def backfill_account_names(self):
        with self._conn, self._conn.cursor() as cur:
            cur.execute(
                """
                UPDATE core.invoices i
                   SET account_name = a.display_name
                  FROM core.accounts a
                 WHERE a.id = i.account_id
                   AND i.account_name IS NULL
                """
            )
            log.warning("backfilled %s invoice names; UPDATE core.invoices is slow on big tenants", cur.rowcount)

    def last_invoice_per_org(self):
        with self._conn.cursor() as cur:
            cur.execute(
                """
                SELECT o.id, o.name, last_inv.number, last_inv.issued_at
                  FROM core.organizations o
                  LEFT JOIN LATERAL (
                        SELECT number, issued_at
                          FROM core.invoices
                         WHERE organization_id = o.id
                         ORDER BY issued_at DESC
                         LIMIT 1
                  ) last_inv ON true
                 WHERE o.plan <> 'free'
                """
            )
            return cur.fetchall()

    def export_recipients(self):
        buf = io.StringIO()
        with self._conn.cursor() as cur:
            cur.copy_expert(
                "COPY (SELECT id, email FROM core.accounts WHERE deleted_at IS NULL) TO STDOUT WITH CSV HEADER",
                buf,
            )
        return buf.getvalue()

    def import_fx_rates(self, fh):
        with self._conn, self._conn.cursor() as cur:
            cur.copy_expert("COPY billing.fx_rates (currency, rate, day) FROM STDIN WITH CSV", fh)
            cur.execute("DELETE FROM core.tax_rates WHERE valid_to < now() - interval '7 years'")

    def next_invoice_number(self):
        with self._conn.cursor() as cur:
            cur.execute("SELECT nextval('core.invoice_number_seq')")
            return cur.fetchone()[0]

    def carrier_name(self, code):
        with self._conn.cursor() as cur:
            cur.execute("SELECT name FROM carriers WHERE code = %s", (code,))
            return cur.fetchone()


# expect: 23 BND100 core.accounts
# expect: 63 BND100 core.accounts
# expect: 86 BND101 core.products
# expect: 92 BND101 core.accounts
# expect: 97 BND101 users.billing_flags
# expect: 107 BND100 core.accounts
# expect: 119 BND100 core.organizations
# expect: 136 BND100 core.accounts
# expect: 153 BND100 public.carriers
