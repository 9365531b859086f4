-- V3: the queue's tables, its notify trigger and retention, in plain SQL.
CREATE SCHEMA IF NOT EXISTS jobs;
CREATE TYPE jobs.job_status AS ENUM ('todo', 'doing', 'succeeded', 'failed', 'cancelled');

CREATE TABLE jobs.job (
    id           bigserial PRIMARY KEY,
    queue_name   text NOT NULL,
    task_name    text NOT NULL,
    status       jobs.job_status NOT NULL DEFAULT 'todo',
    owner_id     text REFERENCES public.user_account (id) ON DELETE SET NULL,
    org_id       text,
    args         jsonb NOT NULL DEFAULT '{}',
    scheduled_at timestamptz,
    started_at   timestamptz,
    finished_at  timestamptz,
    attempts     int NOT NULL DEFAULT 0,
    CONSTRAINT job_org_fk FOREIGN KEY (org_id) REFERENCES public.organization (id)
);

CREATE INDEX job_fetch_idx ON jobs.job (queue_name, priority DESC, id) WHERE status = 'todo';
CREATE INDEX job_args_idx ON jobs.job USING gin (args jsonb_path_ops);

CREATE FUNCTION jobs.notify_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobs_channel', NEW.queue_name);
    RETURN NEW;
END;
$$;

CREATE TRIGGER job_notify AFTER INSERT ON jobs.job FOR EACH ROW EXECUTE PROCEDURE jobs.notify_job();

CREATE FUNCTION jobs.enqueue_package_reindex() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs.job (queue_name, task_name, args) VALUES ('search', 'reindex', jsonb_build_object('id', NEW.id));
    RETURN NEW;
END;
$$;

CREATE TRIGGER package_reindex AFTER INSERT OR UPDATE OF title, notes ON public.package
    FOR EACH ROW EXECUTE FUNCTION jobs.enqueue_package_reindex();

CREATE TABLE jobs.event (
    id      bigserial,
    job_id  bigint NOT NULL REFERENCES jobs.job (id) ON DELETE CASCADE,
    type    text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (at);

CREATE TABLE jobs.event_default PARTITION OF jobs.event DEFAULT;

CREATE UNLOGGED TABLE jobs.activity_buffer (LIKE catalog.activity INCLUDING DEFAULTS);

CREATE OR REPLACE VIEW jobs.v_owner_load AS
SELECT u.name, count(*) AS jobs
  FROM jobs.job j
  JOIN public.user_account u ON u.id = j.owner_id
 WHERE j.status IN ('todo', 'doing')
 GROUP BY u.name;

CREATE EVENT TRIGGER jobs_guard ON sql_drop EXECUTE FUNCTION jobs.guard_drop();
COMMENT ON EXTENSION pgcrypto IS 'gen_random_uuid for job ids';
CREATE EXTENSION IF NOT EXISTS pg_cron;
SELECT cron.schedule('purge-events', '0 3 * * *', $$DELETE FROM jobs.event WHERE at < now() - interval '30 days'$$);
SELECT cron.schedule('purge-harvest-log', '0 4 * * *', $$DELETE FROM harvest.log WHERE created < now() - interval '90 days'$$);

ALTER TABLE public.harvest_source ADD COLUMN last_job_id bigint REFERENCES jobs.job (id);
GRANT SELECT, INSERT ON jobs.job TO harvest_rw;
GRANT USAGE ON TYPE jobs.job_status TO harvest_rw;

-- expect: 10 BND102 public.user_account
-- expect: 17 BND102 public.organization
-- expect: 39 BND103 public.package
-- expect: 51 BND100 catalog.activity
-- expect: 56 BND100 public.user_account
-- expect: 64 BND101 harvest.log
-- expect: 66 BND103 public.harvest_source
