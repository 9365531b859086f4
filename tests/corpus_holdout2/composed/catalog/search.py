"""Dataset search SQL for the catalog (the builders tests/test_generated_sql.py checks)."""
from __future__ import annotations

from psycopg2 import sql as pgsql

FACETS = {
    "tags": ("tag t", "JOIN package_tag pt ON pt.tag_id = t.id", "t.name"),
    "organization": ("public.organization o", "JOIN package p ON p.owner_org = o.id", "o.name"),
    "license": ("catalog.license l", "JOIN package p ON p.license_id = l.id", "l.title"),
}


def build_search_query(q=None, org=None, include_private=False):
    sql = "SELECT p.id, p.name FROM package p "
    clauses = []
    if org:
        sql += "JOIN organization o ON o.id = p.owner_org "
        clauses.append("o.name = %(org)s")
    if q:
        clauses.insert(0, "p.title ILIKE %(q)s")
    if not include_private:
        clauses.append("NOT p.private")
    return sql + ("WHERE " + " AND ".join(clauses) if clauses else "")


def build_facet_query(facet):
    source, join, label = FACETS[facet]
    return f"SELECT {label}, count(*) FROM {source} {join} GROUP BY {label}"


def followed_datasets(cur, user_id, with_counts=False):
    select = (
        "SELECT p.id, p.name, count(f.follower_id) AS followers FROM package p JOIN accounts.user_following_dataset f ON f.object_id = p.id GROUP BY 1, 2"
        if with_counts
        else "SELECT p.id, p.name FROM package p JOIN accounts.user_following_dataset f ON f.object_id = p.id"
    )
    cur.execute(select + (" HAVING" if with_counts else " WHERE") + " bool_or(f.follower_id = %s)" if with_counts
                else select + " WHERE f.follower_id = %s", (user_id,))
    return cur.fetchall()


def by_extra(cur, key, value):
    query = pgsql.SQL("SELECT p.id FROM {pkg} p JOIN {extra} e ON e.package_id = p.id WHERE e.key = %s AND e.value = %s").format(
        pkg=pgsql.Identifier("public", "package"),
        extra=pgsql.Identifier("public", "package_extra"),
    )
    cur.execute(query, (key, value))
    return cur.fetchall()


def creator_names(cur, ids):
    query = pgsql.SQL("SELECT id, name FROM {} WHERE id = ANY(%s)").format(pgsql.Identifier("public", "user_account"))
    cur.execute(query, (list(ids),))
    return cur.fetchall()


def revision_table(kind):
    return f"catalog.{kind}_revision"


def revisions(cur, kind, object_id):
    cur.execute(f"SELECT * FROM {revision_table(kind)} WHERE id = %s ORDER BY revision_timestamp", (object_id,))
    return cur.fetchall()


def count_rows(cur, table_name):
    cur.execute("SELECT count(*) FROM public.%s" % table_name)
    return cur.fetchone()[0]


def recently_harvested(cur, limit):
    query = """
        SELECT p.name, o.gathered
          FROM package p
          JOIN LATERAL (
                SELECT max(gathered) AS gathered
                  FROM public.harvest_object
                 WHERE package_id = p.id
          ) o ON true
         ORDER BY o.gathered DESC NULLS LAST
         LIMIT %s
    """
    cur.execute(query, (limit,))
    return cur.fetchall()


def member_datasets_sql(extra_filter=""):
    base = "SELECT p.id FROM package p WHERE p.owner_org IN ("
    base += "SELECT group_id FROM public.member WHERE user_id = %(user)s AND state = 'active')"
    return base + extra_filter


# expect: 17 BND100 public.organization
# expect: 28 BND105 {}
# expect: 33 BND100 accounts.user_following_dataset
# expect: 35 BND100 accounts.user_following_dataset
# expect: 52 BND100 public.user_account
# expect: 67 BND105 public.{}
# expect: 77 BND100 public.harvest_object
# expect: 89 BND100 public.member
