"""Queue reports assembled from fragments: +=, conditional pieces, helpers, f-strings."""
from __future__ import annotations

JOB_TABLE = "jobs.job"
ACCOUNTS = "public.user_account"


def _where(clauses):
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def throughput(cur, queue=None, by_owner=False):
    q = "WITH done AS (SELECT queue_name, owner_id, finished_at FROM jobs.job WHERE status = 'succeeded') "
    q += "SELECT d.queue_name, count(*) AS n "
    if by_owner:
        q += ", u.name "
    q += "FROM done d "
    if by_owner:
        q += "JOIN public.user_account u ON u.id = d.owner_id "
    q += _where(["d.queue_name = %(queue)s"] if queue else [])
    q += " GROUP BY 1" + (", 3" if by_owner else "")
    cur.execute(q, {"queue": queue})
    return cur.fetchall()


def failures(cur, since, detailed):
    columns = "j.id, j.task_name, e.at, e.payload" if detailed else "count(*)"
    source = (
        "jobs.job j JOIN jobs.event e ON e.job_id = j.id" if detailed
        else "jobs.job j"
    )
    cur.execute(f"SELECT {columns} FROM {source} WHERE j.status = 'failed' AND j.finished_at > %s", (since,))
    return cur.fetchall()


def owners_of(cur, job_ids):
    cur.execute(
        f"SELECT j.id, u.email FROM {JOB_TABLE} j JOIN {ACCOUNTS} u ON u.id = j.owner_id WHERE j.id = ANY(%s)",
        (list(job_ids),),
    )
    return cur.fetchall()


def harvest_jobs(cur, source_ids, include_objects):
    base = "SELECT j.id, j.args FROM jobs.job j"
    if include_objects:
        base += " JOIN public.harvest_object o ON o.guid = j.args->>'guid'"
    cur.execute(base + " WHERE j.args->>'source_id' = ANY(%s)", (list(source_ids),))
    return cur.fetchall()


def archive(cur, days, into_catalog=False):
    target = "catalog.job_archive" if into_catalog else "jobs.job_archive"
    cur.execute(
        "INSERT INTO {} SELECT * FROM jobs.job WHERE finished_at < now() - make_interval(days => %s)".format(target),
        (days,),
    )


def queue_sizes_sql(schema):
    return "SELECT queue_name, count(*) FROM %s.job GROUP BY 1" % schema


def run_sizes(cur):
    cur.execute(queue_sizes_sql("jobs"))
    return cur.fetchall()


def stuck(cur, minutes):
    q = """
        WITH running AS (
            SELECT id, started_at FROM jobs.job WHERE status = 'doing'
        )
    """
    q += """
        SELECT r.id FROM running r
         WHERE r.started_at < now() - make_interval(mins => %s)
    """
    cur.execute(q, (minutes,))
    return cur.fetchall()


def bump_priority(cur, package_name):
    sql = "UPDATE jobs.job SET priority = priority + 1 "
    sql += "WHERE args->>'package_id' IN (SELECT id FROM public.package WHERE name = %s)"
    cur.execute(sql, (package_name,))


def per_org(cur, org_table_is_legacy):
    org = "public.organization_legacy" if org_table_is_legacy else "public.organization"
    cur.execute(f"SELECT o.name, count(j.id) FROM {org} o LEFT JOIN jobs.job j ON j.org_id = o.id GROUP BY 1")
    return cur.fetchall()


# expect: 19 BND100 public.user_account
# expect: 38 BND100 public.user_account
# expect: 47 BND100 public.harvest_object
# expect: 55 BND101 catalog.job_archive
# expect: 85 BND100 public.package
# expect: 91 BND104 public.organization_legacy
# expect: 91 BND100 public.organization
