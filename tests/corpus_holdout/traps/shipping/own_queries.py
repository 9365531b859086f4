"""Shipping queries on its own tables: every SQL shape, no boundary crossed."""
import logging

log = logging.getLogger(__name__)

ROUTE = """
WITH RECURSIVE route(hub_id, depth) AS (
    SELECT origin_hub_id, 0 FROM shipping.routes WHERE shipment_id = %(sid)s
    UNION ALL
    SELECT h.next_hub_id, r.depth + 1
      FROM route r
      JOIN shipping.hubs h ON h.id = r.hub_id
     WHERE r.depth < 20
)
SELECT hub_id, depth FROM route
"""


def items(cur, shipment_id):
    cur.execute(
        """
        SELECT s.id, item ->> 'sku' AS sku, (item ->> 'qty')::int AS qty
          FROM core.shipments s
         CROSS JOIN LATERAL jsonb_array_elements(s.items) AS item
         WHERE s.id = %s
        """,
        (shipment_id,),
    )
    return cur.fetchall()


def record_event(cur, shipment_id, status):
    cur.execute(
        """
        INSERT INTO shipping.tracking_events (shipment_id, status, seen_at)
        VALUES (%s, %s, now())
        ON CONFLICT (shipment_id, status) DO UPDATE SET seen_at = EXCLUDED.seen_at
        RETURNING id
        """,
        (shipment_id, status),
    )
    return cur.fetchone()[0]


def export_labels(cur, fh):
    cur.copy_expert("COPY shipping.labels (shipment_id, pdf_url) TO STDOUT WITH CSV", fh)


def route(cur, shipment_id):
    cur.execute(ROUTE, {"sid": shipment_id})
    return cur.fetchall()


def carriers_ranked(cur):
    cur.execute(
        """
        SELECT c.code,
               row_number() OVER (ORDER BY avg(s.delivered_at - s.shipped_at)) AS rank
          FROM carriers c
          JOIN core.shipments s ON s.carrier_id = c.id
         GROUP BY c.code
        """
    )
    return cur.fetchall()


def housekeeping(cur):
    cur.execute("INSERT INTO ops.job_runs (job, started_at) VALUES ('shipping_housekeeping', now())")
    cur.execute("ALTER TABLE core.stock_levels DROP CONSTRAINT IF EXISTS stock_levels_shipment_fk")
    cur.execute("SELECT pg_advisory_xact_lock(hashtext('core.stock_levels'))")
    cur.execute("LISTEN shipments_changed")
    cur.execute("SELECT relname FROM pg_catalog.pg_class WHERE relnamespace = 'core'::regnamespace")
    cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'core'")
    cur.execute("SELECT version_num FROM alembic_version")
    log.info("housekeeping done; UPDATE core.stock_levels is the inventory team's job")
