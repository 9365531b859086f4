"""The catalog's legacy data-access layer (psycopg2), from before the services split.

Each DAO method builds its statement and hands it to ``self._q``/``self._exec``,
the two methods every query goes through.
"""
import psycopg2
import psycopg2.extras


class Dao:
    def __init__(self, conn):
        self.conn = conn

    def _q(self, statement, *params):
        with self.conn.cursor(cursor_factory=psycopg2.extras.DictCursor) as cur:
            cur.execute(statement, params)
            return cur.fetchall()

    def _exec(self, statement, *params):
        with self.conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.rowcount


class PackageDao(Dao):
    def get(self, name):
        return self._q("SELECT * FROM package WHERE name = %s OR id = %s", name, name)

    def with_creator(self, package_id):
        return self._q(
            "SELECT p.*, u.name AS creator FROM package p JOIN user_account u ON u.id = p.creator_user_id WHERE p.id = %s",
            package_id,
        )

    def resources(self, package_id):
        return self._q("SELECT * FROM resource WHERE package_id = %s ORDER BY position", package_id)

    def set_owner(self, package_id, org_name):
        return self._exec(
            "UPDATE package SET owner_org = (SELECT id FROM organization WHERE name = %s) WHERE id = %s",
            org_name, package_id,
        )

    def delete(self, package_id):
        self._exec("DELETE FROM package_tag WHERE package_id = %s", package_id)
        self._exec("DELETE FROM harvest_object WHERE package_id = %s", package_id)
        self._exec("DELETE FROM member WHERE table_id = %s AND table_name = 'package'", package_id)
        self._exec("DELETE FROM package WHERE id = %s", package_id)

    def upsert_extra(self, package_id, key, value):
        self._exec(
            """
            INSERT INTO package_extra (package_id, key, value)
            VALUES (%s, %s, %s)
            ON CONFLICT (package_id, key) DO UPDATE SET value = EXCLUDED.value
            """,
            package_id, key, value,
        )

    def bulk_states(self, states):
        psycopg2.extras.execute_values(
            self.conn.cursor(),
            "UPDATE package AS p SET state = v.state FROM (VALUES %s) AS v (id, state) WHERE v.id = p.id",
            states,
        )

    def merge_activity(self, rows):
        self._exec(
            """
            MERGE INTO catalog.activity a
            USING (SELECT * FROM jobs.activity_buffer) b ON a.id = b.id
            WHEN MATCHED THEN UPDATE SET data = b.data
            WHEN NOT MATCHED THEN INSERT (id, data) VALUES (b.id, b.data)
            """
        )

    def org_members(self, org_id):
        return self._q(
            "SELECT u.name, m.capacity FROM member m, user_account u WHERE m.user_id = u.id AND m.group_id = %s",
            org_id,
        )

    def harvest_sources_of(self, org_id):
        return self._q("SELECT * FROM harvest_source WHERE owner_org = %s", org_id)

    def export(self, fh):
        with self.conn.cursor() as cur:
            cur.copy_expert("COPY (SELECT p.name, o.name FROM package p JOIN organization o ON o.id = p.owner_org) TO STDOUT CSV", fh)

    def import_users(self, fh):
        with self.conn.cursor() as cur:
            cur.copy_from(fh, "user_account", columns=("id", "name", "email"))

    def legacy_ratings(self, package_id):
        return self._q("SELECT avg(rating) FROM rating WHERE package_id = %s", package_id)

    def dashboard(self, user_id):
        return self._q(
            """
            SELECT p.name, a.timestamp
              FROM catalog.activity a
              JOIN package p ON p.id = a.object_id
             WHERE a.user_id IN (SELECT follower_id FROM accounts.user_following_dataset WHERE object_id = p.id)
               AND a.user_id <> %s
             ORDER BY a.timestamp DESC
             LIMIT 30
            """,
            user_id,
        )


# expect: 31 BND100 public.user_account
# expect: 40 BND100 public.organization
# expect: 46 BND101 public.harvest_object
# expect: 47 BND101 public.member
# expect: 71 BND100 jobs.activity_buffer
# expect: 79 BND100 public.member
# expect: 79 BND100 public.user_account
# expect: 84 BND100 public.harvest_source
# expect: 88 BND100 public.organization
# expect: 92 BND101 public.user_account
# expect: 103 BND100 accounts.user_following_dataset
