-- 0042: trigram search, audit triggers, row-level security for the catalog.
-- Applied by the portal's migration runner in one transaction.

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gist;
COMMENT ON EXTENSION pg_trgm IS 'trigram matching for dataset search';

CREATE INDEX IF NOT EXISTS package_title_trgm ON public.package USING gin (title gin_trgm_ops);
CREATE INDEX IF NOT EXISTS package_notes_trgm ON package USING gist (notes gist_trgm_ops);
CREATE INDEX CONCURRENTLY IF NOT EXISTS org_title_trgm ON public.organization USING gin (lower(title) gin_trgm_ops);
CREATE UNIQUE INDEX IF NOT EXISTS resource_url_key ON resource (package_id, url text_pattern_ops) WHERE state = 'active';
CREATE INDEX member_lookup ON public.member USING btree (table_id, capacity) INCLUDE (state);

CREATE TYPE catalog.license_kind AS ENUM ('open', 'restricted', 'closed');
CREATE DOMAIN catalog.slug AS text CHECK (VALUE ~ '^[a-z0-9-]+$');
COMMENT ON TYPE catalog.license_kind IS 'how open a licence is';
COMMENT ON DOMAIN catalog.slug IS 'a package or organization URL name';

CREATE TABLE catalog.license (
    id     catalog.slug PRIMARY KEY,
    title  text NOT NULL,
    kind   catalog.license_kind NOT NULL,
    org_id text REFERENCES public.organization (id)
);
COMMENT ON TABLE catalog.license IS 'licences a package may carry';
COMMENT ON COLUMN public.user_account.sysadmin IS 'may edit every catalog record';
COMMENT ON INDEX package_title_trgm IS 'for the search box';
COMMENT ON SCHEMA catalog IS 'datasets, resources, licences';
COMMENT ON FUNCTION catalog.touch_modified() IS 'keeps metadata_modified current';
COMMENT ON SEQUENCE catalog.license_seq IS 'unused since 2.9';

CREATE OR REPLACE FUNCTION catalog.touch_modified() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.metadata_modified := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER package_touch BEFORE UPDATE ON public.package
    FOR EACH ROW EXECUTE FUNCTION catalog.touch_modified();
CREATE TRIGGER organization_touch BEFORE UPDATE ON public.organization
    FOR EACH ROW EXECUTE FUNCTION catalog.touch_modified();
CREATE CONSTRAINT TRIGGER member_check AFTER INSERT OR UPDATE ON public.member
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog.check_member();

CREATE OR REPLACE FUNCTION catalog.log_ddl() RETURNS event_trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO catalog.ddl_log (tag, happened) VALUES (tg_tag, now());
END
$$;
CREATE EVENT TRIGGER catalog_ddl ON ddl_command_start EXECUTE FUNCTION catalog.log_ddl();
CREATE EVENT TRIGGER catalog_ddl_end ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION catalog.log_ddl();

ALTER TABLE public.package ENABLE ROW LEVEL SECURITY;
CREATE POLICY package_visible ON public.package FOR SELECT
    USING (private = false OR owner_org IN (SELECT group_id FROM public.member WHERE user_id = current_setting('portal.user')::text));
CREATE POLICY org_admin ON public.organization FOR UPDATE TO portal_admin USING (true);
ALTER POLICY org_admin ON public.organization RENAME TO org_admins;

GRANT USAGE ON SCHEMA catalog TO insights_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA catalog TO insights_ro;
GRANT USAGE, SELECT ON SEQUENCE catalog.license_seq TO harvest_rw;
GRANT EXECUTE ON FUNCTION catalog.touch_modified() TO harvest_rw;
GRANT SELECT ON public.package, public.resource TO insights_ro;
GRANT SELECT, UPDATE ON public.user_account TO catalog_rw;
REVOKE ALL ON public.harvest_object FROM public;

CREATE MATERIALIZED VIEW catalog.mv_org_counts AS
SELECT o.id, o.title, count(p.id) AS datasets
  FROM public.organization o
  LEFT JOIN public.package p ON p.owner_org = o.id
 GROUP BY o.id, o.title;

CREATE TABLE catalog.package_archive (LIKE public.package INCLUDING ALL);
ALTER TABLE public.package ADD CONSTRAINT package_license_fk FOREIGN KEY (license_id) REFERENCES catalog.license (id);
ALTER TABLE public.harvest_object DROP CONSTRAINT IF EXISTS harvest_object_package_fk;
DROP TRIGGER IF EXISTS old_touch ON public.organization;
DROP INDEX IF EXISTS package_title_idx;
GRANT EXECUTE ON FUNCTION accounts.is_sysadmin(text) TO catalog_rw;
GRANT USAGE ON SCHEMA accounts TO catalog_rw;
GRANT USAGE, SELECT ON SEQUENCE public.member_id_seq TO catalog_rw;
COMMENT ON FUNCTION accounts.is_sysadmin(text) IS 'used by the package policy';
COMMENT ON EXTENSION btree_gist IS 'exclusion constraints on periods';

-- expect: 10 BND103 public.organization
-- expect: 12 BND103 public.member
-- expect: 23 BND102 public.organization
-- expect: 26 BND103 public.user_account
-- expect: 42 BND103 public.organization
-- expect: 44 BND103 public.member
-- expect: 59 BND100 public.member
-- expect: 60 BND103 public.organization
-- expect: 61 BND103 public.organization
-- expect: 68 BND103 public.user_account
-- expect: 69 BND103 public.harvest_object
-- expect: 73 BND100 public.organization
-- expect: 80 BND103 public.organization
