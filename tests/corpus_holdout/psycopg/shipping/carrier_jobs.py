"""Shipping jobs: label printing (Odoo-style cursor wrapper) and an Airflow DAG."""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.postgres.hooks.postgres import PostgresHook


class LabelPrinter:
    """Print labels for shipments that have none yet.

    Older versions selected from core.invoices here; the invoice number now
    comes with the shipment payload.
    """

    def __init__(self, cr, printer):
        self._cr = cr
        self._printer = printer

    def pending(self):
        self._cr.execute("""
            SELECT s.id, s.tracking_no, c.code AS carrier
              FROM core.shipments s
              JOIN carriers c ON c.id = s.carrier_id
             WHERE s.label_printed_at IS NULL
             ORDER BY s.created_at
             FOR UPDATE OF s SKIP LOCKED
        """)
        return self._cr.dictfetchall()

    def invoice_for(self, shipment_id):
        self._cr.execute(
            "SELECT number, total_cents FROM core.invoices "
            "WHERE id = (SELECT invoice_id FROM core.shipments WHERE id = %s)",
            (shipment_id,),
        )
        return self._cr.fetchone()

    def legacy_address(self, customer_no):
        self._cr.execute("SELECT street, city, zip FROM legacy_customers WHERE customer_no = %s", (customer_no,))
        return self._cr.fetchone()

    def mark_printed(self, ids):
        self._cr.execute("UPDATE core.shipments SET label_printed_at = now() WHERE id IN %s RETURNING id", (tuple(ids),))
        return [r[0] for r in self._cr.fetchall()]


def sync_addresses(**context):
    hook = PostgresHook(postgres_conn_id="commerce")
    rows = hook.get_records(
        "SELECT a.id, a.shipping_address FROM core.accounts a WHERE a.updated_at > %s",
        parameters=(context["data_interval_start"],),
    )
    hook.insert_rows("shipping.address_cache", rows, target_fields=["account_id", "address"], replace=True,
                     replace_index="account_id")


def release_in_transit(**context):
    hook = PostgresHook(postgres_conn_id="commerce")
    for (sku,) in hook.get_records("SELECT unnest(skus) FROM core.shipments WHERE status = 'returned'"):
        hook.run("UPDATE core.stock_levels SET in_transit = in_transit - 1 WHERE sku = %s", parameters=(sku,))
    notices = [(r, datetime.utcnow()) for r in context["ti"].xcom_pull(task_ids="collect") or []]
    hook.insert_rows(table="inventory.inbound_notices", rows=notices, target_fields=["sku", "noticed_at"])


with DAG(
    dag_id="shipping_nightly",
    start_date=datetime(2024, 1, 1),
    schedule="@daily",
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    doc_md="Select shipments from core.shipments and update stock; see runbook.",
) as dag:
    PythonOperator(task_id="sync_addresses", python_callable=sync_addresses)
    PythonOperator(task_id="release_in_transit", python_callable=release_in_transit)


# expect: 33 BND100 core.invoices
# expect: 40 BND104 public.legacy_customers
# expect: 51 BND100 core.accounts
# expect: 61 BND101 core.stock_levels
# expect: 63 BND101 inventory.inbound_notices
