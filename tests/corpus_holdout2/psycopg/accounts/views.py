"""Account pages. Every handler talks SQL through db.run/one/all/scalar."""
from . import db


def profile(user_id):
    user = db.one("SELECT id, name, email, about FROM user_account WHERE id = %s", (user_id,))
    datasets = db.all(
        """
        SELECT p.id, p.name, p.title, p.metadata_modified
          FROM package p
          JOIN member m ON m.table_id = p.owner_org
         WHERE m.user_id = %s
           AND p.state = 'active'
         ORDER BY p.metadata_modified DESC
        """,
        (user_id,),
    )
    return user, datasets


def dataset_count(user_id):
    return db.scalar("SELECT count(*) FROM package WHERE creator_user_id = %s", (user_id,))


def delete_user(user_id):
    db.run("DELETE FROM member WHERE user_id = %s", (user_id,))
    db.run("UPDATE package SET creator_user_id = NULL WHERE creator_user_id = %s", (user_id,))
    db.run("DELETE FROM harvest_source WHERE user_id = %s", (user_id,))
    db.run("DELETE FROM user_account WHERE id = %s", (user_id,))


def tokens(user_id):
    return db.all(
        "SELECT id, name, last_access FROM api_token WHERE user_id = %s ORDER BY last_access DESC NULLS LAST",
        (user_id,),
    )


def organization_sizes():
    # sqlglot reads neither the two-argument aggregate nor the named window below
    return db.all(
        """
        SELECT o.name, count(DISTINCT m.user_id) AS members, sum(p.num_resources, 0) AS resources
          FROM organization o
          JOIN member m ON m.group_id = o.id
          LEFT JOIN package p ON p.owner_org = o.id
         GROUP BY o.name
        """
    )


def activity_stream(user_id, limit=31):
    return db.all(
        "(SELECT id, timestamp, 'package' AS kind FROM catalog.activity WHERE user_id = %(u)s)"
        " UNION ALL "
        "(SELECT id, created, 'token' FROM api_token WHERE user_id = %(u)s)"
        " ORDER BY 2 DESC LIMIT %(n)s",
        {"u": user_id, "n": limit},
    )


def merge_users(keep_id, drop_id):
    db.run("UPDATE catalog.activity SET user_id = %s WHERE user_id = %s", (keep_id, drop_id))
    db.run("INSERT INTO accounts.merge_log (kept, dropped) VALUES (%s, %s)", (keep_id, drop_id))
    db.run("UPDATE resource SET last_modified_by = %s WHERE last_modified_by = %s", (keep_id, drop_id))


def stale_session_sql(days):
    # a temporary table of ids, dropped with the transaction
    return (
        "CREATE TEMP TABLE stale_ids ON COMMIT DROP AS "
        "SELECT u.id FROM user_account u LEFT JOIN jobs.job j ON j.owner_id = u.id "
        "WHERE u.last_active < now() - interval '%d days' AND j.id IS NULL" % days
    )


def purge_stale(days):
    db.run(stale_session_sql(days))
    db.run("DELETE FROM user_account WHERE id IN (SELECT id FROM stale_ids)")


def search_users(term):
    return db.all(
        "SELECT id, name FROM user_account WHERE name %% %s OR email ILIKE %s LIMIT 20",
        (term, f"%{term}%"),
    )


def public_profile(name):
    return db.one("SELECT * FROM accounts.v_public_users WHERE name = %s", (name,))


def harvest_owner_of(source_id):
    return db.scalar("SELECT user_id FROM public.harvest_source WHERE id = %s", (source_id,))


# expect: 10 BND100 public.package
# expect: 22 BND100 public.package
# expect: 27 BND101 public.package
# expect: 28 BND101 public.harvest_source
# expect: 46 BND100 public.package
# expect: 54 BND100 catalog.activity
# expect: 63 BND101 catalog.activity
# expect: 65 BND101 public.resource
# expect: 72 BND100 jobs.job
# expect: 94 BND100 public.harvest_source
