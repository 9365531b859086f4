-- Organisations: invites, owner memberships, seat counts, billing contacts view.
BEGIN;

CREATE SCHEMA IF NOT EXISTS users;

CREATE TABLE users.org_invites (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id bigint NOT NULL REFERENCES core.organizations (id),
    invited_by      bigint REFERENCES core.accounts,
    plan_code       text REFERENCES billing.plans (code),
    email           citext NOT NULL,
    expires_at      timestamptz NOT NULL
);

INSERT INTO core.memberships (account_id, organization_id, role)
SELECT a.id, o.id, 'owner'
  FROM core.accounts a
  JOIN core.organizations o ON o.created_by = a.id
ON CONFLICT (account_id, organization_id) DO NOTHING;

UPDATE billing.subscriptions s
   SET seats = m.n
  FROM (SELECT organization_id, count(*) AS n
          FROM core.memberships
         GROUP BY organization_id) m
 WHERE m.organization_id = s.organization_id;

CREATE OR REPLACE VIEW users.v_billing_contacts AS
SELECT a.id AS account_id,
       coalesce(a.billing_email, a.email) AS email,
       o.vat_number
  FROM core.accounts a
  LEFT JOIN core.memberships m ON m.account_id = a.id AND m.role = 'owner'
  LEFT JOIN core.organizations o ON o.id = m.organization_id;

GRANT SELECT ON users.v_billing_contacts TO billing_service, reporting_ro;

ALTER TABLE core.accounts ALTER COLUMN email TYPE citext;
ALTER TABLE billing.customers DROP CONSTRAINT IF EXISTS customers_account_id_fkey;
DROP TABLE IF EXISTS public.legacy_customers;

CREATE POLICY tenant_isolation ON core.invoices
    USING (organization_id = current_setting('app.org_id')::bigint);

ALTER TABLE shipping.saved_addresses ENABLE ROW LEVEL SECURITY;

COMMIT;

\echo 'loading plans for the invite form'
\copy billing.plans (code, name, seat_price_cents) FROM 'plans.csv' WITH (FORMAT csv, HEADER true)
\copy (SELECT id, email FROM core.accounts WHERE deleted_at IS NULL) TO 'accounts.csv' CSV HEADER


-- expect: 10 BND102 billing.plans
-- expect: 21 BND101 billing.subscriptions
-- expect: 40 BND104 public.legacy_customers
-- expect: 42 BND103 core.invoices
-- expect: 45 BND103 shipping.saved_addresses
-- expect: 50 BND101 billing.plans
