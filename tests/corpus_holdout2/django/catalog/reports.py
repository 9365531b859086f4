"""Catalog statistics pages on Django's connection."""
from django.db import connection
from django.db.models.expressions import RawSQL

from .models import Package

ORG_SQL = "SELECT id FROM organization WHERE name = %s"


def stats(org_name=None, include_deleted=False):
    where = "" if include_deleted else " WHERE p.state <> 'deleted'"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM package p" + where)
        total = cursor.fetchone()[0]
        if org_name:
            cursor.execute(ORG_SQL, [org_name])
            org_id = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM package WHERE owner_org = %s", [org_id])
        cursor.execute(
            "SELECT m.capacity, count(*) FROM member m JOIN package p ON p.owner_org = m.group_id GROUP BY 1"
        )
        return total, cursor.fetchall()


def with_follower_counts():
    return Package.objects.annotate(
        followers=RawSQL(
            "SELECT count(*) FROM accounts.user_following_dataset f WHERE f.object_id = catalog_package.id", ()
        )
    )


def with_harvest_source():
    return Package.objects.extra(
        select={"source": "SELECT title FROM harvest_source s JOIN harvest_object o ON o.harvest_source_id = s.id WHERE o.package_id = package.id"},
    )


def top_creators(limit):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.name, count(p.id)
              FROM package p
              JOIN user_account u ON u.id = p.creator_user_id
             GROUP BY u.name
             ORDER BY 2 DESC
             LIMIT %s
            """,
            [limit],
        )
        return cursor.fetchall()


def rebuild_search_index():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalog.search_index")
        cursor.execute(
            "INSERT INTO catalog.search_index (package_id, document) "
            "SELECT p.id, to_tsvector('simple', p.title || ' ' || coalesce(o.title, '')) "
            "FROM package p LEFT JOIN organization o ON o.id = p.owner_org"
        )
        cursor.execute("NOTIFY search_index_rebuilt")


# expect: 7 BND100 public.organization
# expect: 20 BND100 public.member
# expect: 28 BND100 accounts.user_following_dataset
# expect: 35 BND100 public.harvest_source
# expect: 35 BND100 public.harvest_object
# expect: 45 BND100 public.user_account
# expect: 61 BND100 public.organization
