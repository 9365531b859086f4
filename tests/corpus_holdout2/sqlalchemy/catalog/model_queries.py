"""Catalog queries on SQLAlchemy Core, with the tables reflected once into ``meta``.

``table(name)`` is the module's one way to get a reflected table; a few queries
are still raw SQL through ``text()``.
"""
import sqlalchemy as sa
from sqlalchemy import and_, func, select, text

meta = sa.MetaData()


def table(name):
    """The reflected table ``name`` (reflection happens at start-up)."""
    return meta.tables[name]


def package_by_name(conn, name):
    package = table("package")
    return conn.execute(select(package).where(package.c.name == name)).first()


def members_of(conn, org_id):
    member = table("member")
    user = table("user_account")
    stmt = (
        select(user.c.name, member.c.capacity)
        .join(member, member.c.table_id == user.c.id)
        .where(and_(member.c.group_id == org_id, member.c.state == "active"))
    )
    return conn.execute(stmt).all()


def tag_counts(conn):
    tag = table("tag")
    package_tag = table("package_tag")
    stmt = select(tag.c.name, func.count()).join(package_tag).group_by(tag.c.name)
    return conn.execute(stmt).all()


def harvested(conn, package_id):
    objects = table("harvest_object")
    return conn.execute(select(objects).where(objects.c.package_id == package_id)).all()


def purge_deleted(conn):
    conn.execute(text("DELETE FROM package_extra WHERE package_id IN (SELECT id FROM package WHERE state = 'deleted')"))
    conn.execute(text("DELETE FROM package WHERE state = 'deleted'"))
    conn.execute(text("DELETE FROM harvest_object WHERE package_id NOT IN (SELECT id FROM package)"))


def trending(conn, days=14):
    return conn.execute(
        text(
            """
            SELECT p.name, count(*) AS views
              FROM insights.page_view v
              JOIN package p ON p.id = v.package_id
             WHERE v.viewed_at > now() - make_interval(days => :days)
             GROUP BY p.name
             ORDER BY views DESC
             LIMIT 10
            """
        ),
        {"days": days},
    ).all()


def owner_names(conn, ids):
    org = sa.table("organization", sa.column("id"), sa.column("title"))
    return conn.execute(select(org.c.title).where(org.c.id.in_(ids))).all()


def resource_formats(conn):
    resource = sa.Table("resource", meta, autoload_with=conn)
    return conn.execute(select(resource.c.format, func.count()).group_by(resource.c.format)).all()


def job_status(conn, job_id):
    job = sa.Table("job", meta, sa.Column("id", sa.Integer), sa.Column("status", sa.Text), schema="jobs")
    return conn.execute(select(job.c.status).where(job.c.id == job_id)).scalar()


def update_search_rank(conn):
    conn.execute(text("UPDATE catalog.search_rank r SET score = s.score FROM insights.package_score s WHERE s.package_id = r.package_id"))


# expect: 23 BND106 public.member
# expect: 24 BND106 public.user_account
# expect: 41 BND106 public.harvest_object
# expect: 48 BND101 public.harvest_object
# expect: 56 BND100 insights.page_view
# expect: 69 BND106 public.organization
# expect: 79 BND106 jobs.job
# expect: 84 BND100 insights.package_score
