"""Tests of the catalog's SQL builders: they assert on the SQL the builders emit."""
import pytest

from catalog.search import build_facet_query, build_search_query
from catalog import migrations

pytestmark = pytest.mark.db


def test_search_query_joins_the_organization():
    sql = build_search_query(q="water", org="env")
    assert sql == (
        "SELECT p.id, p.name FROM package p "
        "JOIN organization o ON o.id = p.owner_org "
        "WHERE p.title ILIKE %(q)s AND o.name = %(org)s"
    )


def test_facets_count_tags():
    assert build_facet_query("tags").startswith("SELECT t.name, count(*) FROM tag t JOIN package_tag pt")


def test_licence_comment(db):
    db.execute("COMMENT ON TABLE catalog.license IS 'licences a package may carry'")
    assert db.scalar("SELECT obj_description('catalog.license'::regclass)") == "licences a package may carry"


def test_members_table_is_documented(db):
    comment = db.scalar("SELECT obj_description('public.member'::regclass, 'pg_class')")
    assert comment, "COMMENT ON TABLE public.member is missing"


def test_no_orphan_resources(db):
    assert db.scalar("SELECT count(*) FROM resource r LEFT JOIN package p ON p.id = r.package_id WHERE p.id IS NULL") == 0


def test_every_active_user_has_a_membership(db):
    assert not db.all(
        """
        SELECT u.id
          FROM public.user_account u
         WHERE u.state = 'active'
           AND NOT EXISTS (SELECT 1 FROM public.member m WHERE m.user_id = u.id)
        """
    )


def test_migration_adds_harvest_fk():
    statements = migrations.render("0043")
    assert "ALTER TABLE catalog.package_harvest ADD FOREIGN KEY (object_id) REFERENCES public.harvest_object (id)" in statements


def test_reindex_job_is_queued(db):
    db.execute("INSERT INTO jobs.job (queue_name, task_name) VALUES ('search', 'reindex')")
    assert db.scalar("SELECT count(*) FROM jobs.job WHERE task_name = 'reindex'") == 1


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT id FROM package WHERE private",
        "SELECT id FROM public.organization WHERE is_organization",
        "UPDATE public.user_account SET last_active = now()",
    ],
)
def test_statements_parse(db, statement):
    assert db.explain(statement)


def test_truncate_is_refused(db):
    with pytest.raises(PermissionError):
        db.execute("TRUNCATE public.harvest_source")


# expect: 14 BND100 public.organization
# expect: 41 BND100 public.user_account
# expect: 43 BND100 public.member
# expect: 50 BND102 public.harvest_object
# expect: 54 BND101 jobs.job
# expect: 55 BND100 jobs.job
# expect: 62 BND100 public.organization
# expect: 63 BND101 public.user_account
# expect: 72 BND101 public.harvest_source
