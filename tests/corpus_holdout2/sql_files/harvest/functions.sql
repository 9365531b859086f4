-- Harvest housekeeping functions (plpgsql), dynamic SQL with format().

CREATE OR REPLACE FUNCTION harvest.purge_source(p_source text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('DELETE FROM harvest.object_error WHERE source_id = %L', p_source);
    EXECUTE format('DELETE FROM public.package_extra WHERE key = %L AND value = %L', 'harvest_source_id', p_source);
    EXECUTE format('UPDATE public.package SET state = %L WHERE id IN (SELECT package_id FROM public.harvest_object WHERE harvest_source_id = %L)',
                   'deleted', p_source);
    DELETE FROM public.harvest_object WHERE harvest_source_id = p_source;
END
$fn$;

CREATE OR REPLACE FUNCTION harvest.rotate(p_table text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('TRUNCATE %I.%I', 'harvest', p_table);
    EXECUTE format('INSERT INTO jobs.job (queue_name, task_name) VALUES (%L, %L)', 'harvest', 'rotated');
    EXECUTE 'ANALYZE harvest.object_error';
END
$fn$;

DO $$
DECLARE
    n bigint;
BEGIN
    SELECT count(*) INTO n FROM public.resource WHERE url LIKE 'ftp:%';
    IF n > 0 THEN
        RAISE NOTICE '% ftp resources left', n;
        UPDATE public.resource SET url = replace(url, 'ftp:', 'https:') WHERE url LIKE 'ftp:%';
    END IF;
    PERFORM pg_notify('harvest', 'ftp rewritten');
END
$$;

CREATE TEMP TABLE staging_objects (guid text, content jsonb) ON COMMIT DROP;
INSERT INTO public.harvest_object (guid, content)
SELECT guid, content FROM staging_objects
ON CONFLICT (guid) DO UPDATE SET content = EXCLUDED.content;

CREATE OR REPLACE VIEW harvest.v_source_packages AS
SELECT s.id AS source_id, p.name
  FROM public.harvest_source s
  JOIN public.harvest_object o ON o.harvest_source_id = s.id
  JOIN public.package p ON p.id = o.package_id;

ALTER TABLE harvest.object_error ADD COLUMN package_id text REFERENCES public.package (id) ON DELETE SET NULL;

-- expect: 7 BND101 public.package_extra
-- expect: 8 BND101 public.package
-- expect: 18 BND101 jobs.job
-- expect: 27 BND100 public.resource
-- expect: 30 BND101 public.resource
-- expect: 47 BND102 public.package
