"""Harvest admin reports on Django's connection (raw SQL, PostgreSQL only)."""
from django.db import connection, connections
from django.db.models.expressions import RawSQL

from .models import HarvestObject


def dictfetchall(cursor):
    columns = [col[0] for col in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def source_overview():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.id,
                   s.title,
                   count(o.id) FILTER (WHERE o.current) AS current_objects,
                   count(DISTINCT p.id) AS packages,
                   max(u.name) AS owner
              FROM harvest_source s
              LEFT JOIN harvest_object o ON o.harvest_source_id = s.id
              LEFT JOIN package p ON p.id = o.package_id
              LEFT JOIN user_account u ON u.id = s.user_id
             GROUP BY s.id, s.title
            """
        )
        return dictfetchall(cursor)


def with_package_titles():
    return HarvestObject.objects.annotate(
        package_title=RawSQL("SELECT title FROM package WHERE package.id = harvest_object.package_id", ())
    )


def raw_objects(source_id):
    return HarvestObject.objects.raw(
        "SELECT o.* FROM harvest_object o JOIN public.resource r ON r.package_id = o.package_id WHERE o.harvest_source_id = %s",
        [source_id],
    )


def reassign(old_user, new_user):
    with connections["default"].cursor() as cursor:
        cursor.execute("UPDATE harvest_source SET user_id = %s WHERE user_id = %s", [new_user, old_user])
        cursor.execute("UPDATE public.member SET user_id = %s WHERE user_id = %s AND table_name = 'harvest'", [new_user, old_user])


def purge_orphans():
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM harvest_object o WHERE NOT EXISTS (SELECT 1 FROM package p WHERE p.id = o.package_id)"
        )
        cursor.execute("DELETE FROM public.package_tag WHERE package_id NOT IN (SELECT id FROM package)")
        cursor.execute("VACUUM ANALYZE harvest_object")


def call_refresh(source_id):
    with connection.cursor() as cursor:
        cursor.callproc("harvest.refresh_source", [source_id])
        cursor.execute("SELECT harvest.purge_source(%s)", [source_id])


def lock_for_import():
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE public.package IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("LOCK TABLE harvest_object IN EXCLUSIVE MODE")


# expect: 25 BND100 public.user_account
# expect: 40 BND100 public.resource
# expect: 48 BND101 public.member
# expect: 56 BND101 public.package_tag
# expect: 68 BND101 public.package
