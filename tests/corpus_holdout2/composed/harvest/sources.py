"""Harvest source listings: fragments joined with +=, picked by flags, and small helpers."""


def _tbl(name, schema="public"):
    return f"{schema}.{name}"


def listing(cur, org=None, with_counts=False):
    q = "WITH counts AS (SELECT harvest_source_id, count(*) AS n FROM harvest_object GROUP BY 1) "
    q += "SELECT s.id, s.title" + (", c.n" if with_counts else "") + " FROM harvest_source s "
    q += "LEFT JOIN counts c ON c.harvest_source_id = s.id "
    if org:
        q += "JOIN public.organization o ON o.id = s.owner_org AND o.name = %(org)s "
    cur.execute(q, {"org": org})
    return cur.fetchall()


def owners(cur):
    cur.execute(f"SELECT s.id, u.name FROM harvest_source s JOIN {_tbl('user_account')} u ON u.id = s.user_id")
    return cur.fetchall()


def datasets(cur, source_id, drafts):
    state_filter = "p.state = 'draft'" if drafts else "p.state = 'active'"
    table = "public.package_revision" if drafts else "public.package"
    cur.execute(
        "SELECT p.id FROM " + table + " p JOIN harvest_object o ON o.package_id = p.id "
        "WHERE o.harvest_source_id = %s AND " + state_filter,
        (source_id,),
    )
    return cur.fetchall()


def resource_urls(cur, source_id):
    sql = """
        WITH objs AS (
            SELECT package_id FROM harvest_object WHERE harvest_source_id = %s
        )
    """
    sql += "SELECT r.url FROM resource r JOIN objs USING (package_id)"
    cur.execute(sql, (source_id,))
    return cur.fetchall()


def mark_failed(cur, source_id, also_jobs):
    statements = ["UPDATE harvest_source SET status = 'failed' WHERE id = %(id)s"]
    if also_jobs:
        statements.append("UPDATE jobs.job SET status = 'cancelled' WHERE args->>'source_id' = %(id)s")
    for statement in statements:
        cur.execute(statement, {"id": source_id})


# expect: 13 BND100 public.organization
# expect: 19 BND100 public.user_account
# expect: 27 BND104 public.package_revision
# expect: 40 BND100 public.resource
# expect: 48 BND101 jobs.job
