"""Harvest gather/fetch stages (psycopg2). Queries are assembled piece by piece."""
import logging

import psycopg2

log = logging.getLogger("harvest.gather")

SOURCE_COLUMNS = "id, url, type, config, frequency"


def _query(cur, sql, params=None):
    """Run ``sql`` and return every row (the module's one way to read)."""
    cur.execute(sql, params)
    return cur.fetchall()


def _write(cur, sql, params=None):
    cur.execute(sql, params)
    return cur.rowcount


def due_sources(cur, only_active=True):
    q = "WITH last_job AS (SELECT source_id, max(finished_at) AS finished FROM harvest.job GROUP BY source_id) "
    q += "SELECT s." + SOURCE_COLUMNS.replace(", ", ", s.") + " FROM harvest_source s "
    q += "LEFT JOIN last_job l ON l.source_id = s.id "
    q += "WHERE l.finished IS NULL OR l.finished < now() - s.frequency"
    if only_active:
        q += " AND s.active"
    return _query(cur, q)


def existing_packages(cur, source_id):
    # granted: harvest may read public.package
    return _query(
        cur,
        "SELECT p.id, p.name FROM package p JOIN harvest_object o ON o.package_id = p.id WHERE o.harvest_source_id = %s",
        (source_id,),
    )


def mark_current(cur, object_ids):
    _write(cur, "UPDATE harvest_object SET current = true WHERE id = ANY(%s)", (object_ids,))
    _write(cur, "UPDATE package SET state = 'active' WHERE id IN (SELECT package_id FROM harvest_object WHERE id = ANY(%s))",
           (object_ids,))


def object_counts(cur, by_state):
    column = "state" if by_state else "report_status"
    sql = (
        "SELECT {col}, count(*) FROM harvest_object GROUP BY {col}" if by_state
        else "SELECT {col}, count(*) FROM public.resource r JOIN harvest_object o ON o.package_id = r.package_id GROUP BY {col}"
    )
    return _query(cur, sql.format(col=column))


def clear_source(cur, source_id, hard=False):
    table = "package_extra" if hard else "harvest_object_extra"
    _write(cur, "DELETE FROM {} WHERE harvest_source_id = %s".format(table), (source_id,))


def report(cur, source_id):
    sql = "SELECT status, count(*) AS n FROM harvest.object_error "
    sql += "WHERE source_id = %s GROUP BY status"
    rows = _query(cur, sql, (source_id,))
    log.info("SELECT from harvest.object_error gave %d rows", len(rows))
    return rows


def copy_tags(cur, package_id, tags):
    for tag in tags:
        _write(cur, "INSERT INTO package_tag (package_id, tag_id) SELECT %s, id FROM tag WHERE name = %s",
               (package_id, tag))


def lock_source(conn, source_id):
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (source_id,))
        cur.execute("SELECT id FROM harvest_source WHERE id = %s FOR UPDATE", (source_id,))


def latest_log(cur):
    q = "SELECT level, message FROM harvest.log"
    q += " ORDER BY created DESC LIMIT 50"
    return _query(cur, q)


def org_of(cur, source_id):
    q = ("SELECT o.name FROM organization o "
         "JOIN harvest_source s ON s.owner_org = o.id WHERE s.id = %s")
    return _query(cur, q, (source_id,))


# expect: 43 BND101 public.package
# expect: 51 BND100 public.resource
# expect: 58 BND101 public.package_extra
# expect: 71 BND101 public.package_tag
# expect: 71 BND100 public.tag
# expect: 88 BND100 public.organization
