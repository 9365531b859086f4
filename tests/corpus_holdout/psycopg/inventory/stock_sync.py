"""Stock synchronisation jobs of the inventory service (psycopg 3)."""
from __future__ import annotations

import io
import logging
from typing import Iterable

import psycopg
from psycopg.rows import dict_row

logger = logging.getLogger("inventory.stock_sync")


def reserve_for_invoice(conn: psycopg.Connection, invoice_id: int) -> int:
    """Reserve stock for every line of an invoice; returns the number of SKUs touched."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """
            WITH wanted AS (
                SELECT l.sku, sum(l.quantity) AS qty
                  FROM core.invoice_lines l
                 WHERE l.invoice_id = %(invoice_id)s
                 GROUP BY l.sku
            )
            UPDATE core.stock_levels s
               SET reserved = s.reserved + w.qty
              FROM wanted w
             WHERE s.sku = w.sku
            RETURNING s.sku, s.reserved
            """,
            {"invoice_id": invoice_id},
        )
        rows = cur.fetchall()
    logger.info("reserved %d skus for invoice %s", len(rows), invoice_id)
    return len(rows)


def load_counts(conn: psycopg.Connection, rows: Iterable[tuple[str, int, int]]) -> None:
    with conn.cursor() as cur:
        cur.execute("TRUNCATE inventory.count_staging")
        with cur.copy("COPY inventory.count_staging (sku, warehouse_id, counted) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute(
            """
            INSERT INTO core.stock_levels AS s (sku, warehouse_id, on_hand)
            SELECT sku, warehouse_id, counted
              FROM inventory.count_staging
            ON CONFLICT (sku, warehouse_id)
            DO UPDATE SET on_hand = EXCLUDED.on_hand, counted_at = now()
            """
        )


def export_catalogue(conn: psycopg.Connection) -> bytes:
    buf = io.BytesIO()
    with conn.cursor() as cur:
        with cur.copy("COPY (SELECT sku, name, list_price_cents FROM core.products) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buf.write(block)
    return buf.getvalue()


def flag_backorders(conn: psycopg.Connection, sku: str) -> None:
    with conn.transaction():
        conn.execute(
            "UPDATE core.invoice_lines SET backordered = true "
            "WHERE sku = %s AND invoice_id IN (SELECT id FROM core.invoices WHERE status = 'open')",
            (sku,),
        )


def warehouse_lead_times(conn: psycopg.Connection) -> list[dict]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """
            SELECT w.code,
                   count(*) FILTER (WHERE sh.status = 'in_transit') AS in_transit,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY sh.delivered_at - sh.shipped_at) AS p90
              FROM core.warehouses w
              JOIN core.shipments sh ON sh.origin_warehouse_id = w.id
             GROUP BY w.code
             ORDER BY p90 DESC NULLS LAST
            """
        )
        return cur.fetchall()


def latest_movements(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        """
        SELECT DISTINCT ON (m.sku) m.sku, m.moved_at, m.quantity
          FROM inventory.stock_movements m
         ORDER BY m.sku, m.moved_at DESC
        """
    ).fetchall()


def merge_aliases(conn: psycopg.Connection) -> None:
    conn.execute(
        """
        MERGE INTO public.sku_aliases AS t
        USING inventory.alias_import AS s ON t.alias = s.alias
        WHEN MATCHED THEN UPDATE SET sku = s.sku
        WHEN NOT MATCHED THEN INSERT (alias, sku) VALUES (s.alias, s.sku)
        """
    )


def legacy_bins(conn: psycopg.Connection, warehouse_id: int) -> list[tuple]:
    return conn.execute("SELECT * FROM core.legacy_bins WHERE warehouse_id = %s", (warehouse_id,)).fetchall()


def key_owner(conn: psycopg.Connection, key_hash: str):
    row = conn.execute("SELECT organization_id FROM public.api_keys WHERE key_hash = %s", (key_hash,)).fetchone()
    if row is None:
        raise PermissionError("api key not found in public.api_keys; DELETE it from the vault too")
    return row[0]


def vat_rate(conn: psycopg.Connection, country_code: str):
    return conn.execute(
        "SELECT rate FROM tax_rates WHERE country_code = %s AND valid_to IS NULL",
        (country_code,),
    ).fetchone()


# expect: 21 BND100 core.invoice_lines
# expect: 67 BND101 core.invoice_lines
# expect: 68 BND100 core.invoices
# expect: 81 BND100 core.shipments
# expect: 111 BND104 core.legacy_bins
# expect: 115 BND100 public.api_keys
# expect: 123 BND100 core.tax_rates
