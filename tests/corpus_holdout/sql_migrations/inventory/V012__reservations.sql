-- V012: stock reservations for unpaid invoices, and the shipping hand-off.
-- Flyway runs this file in one transaction.
SET lock_timeout = '5s';

CREATE TABLE IF NOT EXISTS inventory.reservations (
    id            bigserial   PRIMARY KEY,
    sku           text        NOT NULL REFERENCES core.products (sku),
    warehouse_id  bigint      NOT NULL REFERENCES core.warehouses (id),
    invoice_id    bigint      NOT NULL REFERENCES core.invoices (id) ON DELETE CASCADE,
    shipment_id   bigint      REFERENCES core.shipments,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS ix_reservations_invoice ON inventory.reservations (invoice_id);

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint WHERE conname = 'stock_levels_owner_org_fk'
    ) THEN
        ALTER TABLE core.stock_levels
            ADD CONSTRAINT stock_levels_owner_org_fk
            FOREIGN KEY (owner_org_id) REFERENCES core.organizations (id);
    END IF;
END
$$;

ALTER TABLE core.invoice_lines ADD COLUMN IF NOT EXISTS reservation_id bigint;

COMMENT ON TABLE inventory.reservations IS 'Stock held for unpaid invoices; see core.invoices.';
COMMENT ON COLUMN core.shipments.origin_warehouse_id IS 'Warehouse the parcel left from';

CREATE OR REPLACE VIEW inventory.v_available AS
SELECT s.sku,
       s.warehouse_id,
       s.on_hand - s.reserved - coalesce(r.held, 0) AS available
  FROM core.stock_levels s
  LEFT JOIN LATERAL (
        SELECT count(*) AS held
          FROM inventory.reservations r
         WHERE r.sku = s.sku
           AND r.warehouse_id = s.warehouse_id
  ) r ON true;

GRANT SELECT ON inventory.v_available TO reporting_ro;

CREATE OR REPLACE FUNCTION inventory.release_expired() RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    n integer;
BEGIN
    DELETE FROM inventory.reservations r
     USING core.invoices i
     WHERE i.id = r.invoice_id
       AND i.status IN ('void', 'paid');
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE core.invoice_lines
       SET reservation_id = NULL
     WHERE reservation_id IS NOT NULL
       AND reservation_id NOT IN (SELECT id FROM inventory.reservations);
    RETURN n;
END;
$fn$;

CREATE TRIGGER trg_shipments_release
    AFTER UPDATE OF status ON core.shipments
    FOR EACH ROW WHEN (NEW.status = 'delivered')
    EXECUTE FUNCTION inventory.on_delivered();

-- TODO(ops): drop table core.legacy_bins once the importer is gone;
-- until then: DELETE FROM core.legacy_bins WHERE warehouse_id IS NULL by hand.

ALTER TABLE inventory.reservations DROP CONSTRAINT IF EXISTS reservations_shipment_id_fkey;

TRUNCATE core.legacy_bins;


-- expect: 9 BND102 core.invoices
-- expect: 10 BND102 core.shipments
-- expect: 23 BND102 core.organizations
-- expect: 28 BND103 core.invoice_lines
-- expect: 31 BND103 core.shipments
-- expect: 53 BND100 core.invoices
-- expect: 57 BND101 core.invoice_lines
-- expect: 66 BND103 core.shipments
-- expect: 75 BND104 core.legacy_bins
