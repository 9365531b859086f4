/*
 * Reporting schema: materialized views and fact tables.
 * Reads only what is granted (core.invoices, core.products,
 * inventory.stock_movements, users.v_billing_contacts) -- except where noted.
 */
CREATE SCHEMA IF NOT EXISTS reporting AUTHORIZATION reporting_owner;

CREATE MATERIALIZED VIEW IF NOT EXISTS reporting.mv_customer_ltv AS
WITH paid AS (
    SELECT i.account_id,
           sum(p.amount_cents) AS cents
      FROM core.invoices i
      JOIN core.payments p ON p.invoice_id = i.id
     GROUP BY i.account_id
)
SELECT c.account_id,
       c.email,
       paid.cents,
       ntile(10) OVER (ORDER BY paid.cents DESC) AS decile
  FROM users.v_billing_contacts c
  JOIN paid USING (account_id);

CREATE TABLE IF NOT EXISTS reporting.shipment_facts (
    shipment_id  bigint PRIMARY KEY,
    carrier_code text REFERENCES public.carriers (code),
    delivered_in interval
);

INSERT INTO reporting.shipment_facts (shipment_id, carrier_code, delivered_in)
SELECT s.id, c.code, s.delivered_at - s.shipped_at
  FROM core.shipments s
  JOIN public.carriers c ON c.id = s.carrier_id
 WHERE s.delivered_at IS NOT NULL
ON CONFLICT (shipment_id) DO UPDATE SET delivered_in = EXCLUDED.delivered_in;

CREATE INDEX IF NOT EXISTS ix_shipment_facts_carrier ON reporting.shipment_facts (carrier_code);

-- Stock health reads the granted movements table only.
CREATE OR REPLACE VIEW reporting.v_stock_health AS
SELECT m.sku,
       sum(m.quantity) FILTER (WHERE m.kind = 'in')  AS received,
       sum(m.quantity) FILTER (WHERE m.kind = 'out') AS shipped
  FROM inventory.stock_movements m
  JOIN core.products p USING (sku)
 GROUP BY m.sku;

ANALYZE reporting.shipment_facts;


-- expect: 13 BND100 core.payments
-- expect: 25 BND102 public.carriers
-- expect: 31 BND100 core.shipments
-- expect: 32 BND100 public.carriers
