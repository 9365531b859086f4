"""Coding standards of the accounts code base, checked in CI.

Permission names are "action: object" strings; the list below is the contract
with the front end, which greps for them.
"""
import ast
import pathlib

PERMISSIONS = [
    "create: user_account",
    "update: user_account",
    "delete: user_account",
    "update: member_capacity",
    "update: task_status_update_many",
    "select: organization_list",
    "insert: api_token",
    "drop: legacy_sessions",
]

FORBIDDEN_CALLS = {
    "execute": "use db.run/one/all",
    "executemany": "use db.run with a VALUES list",
}

SQL_STYLE = [
    ("SELECT *", "name the columns"),
    ("DELETE FROM", "soft-delete with state = 'deleted'"),
    ("UPDATE member SET", "go through accounts.membership.set_capacity"),
]


def test_permission_names_are_action_object():
    for name in PERMISSIONS:
        action, _, obj = name.partition(": ")
        assert action in ("create", "update", "delete", "select", "insert", "drop"), name
        assert obj and obj == obj.lower(), name


def test_no_raw_cursor_use():
    for path in pathlib.Path("accounts").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_CALLS:
                raise AssertionError(f"{path}:{node.lineno}: {FORBIDDEN_CALLS[node.attr]}")


def test_membership_sql(db):
    assert db.one("SELECT capacity FROM member WHERE user_id = 'u1' AND group_id = 'g1'")["capacity"] == "admin"
    assert db.scalar("SELECT count(*) FROM package WHERE owner_org = 'g1'") == 2, "SELECT count(*) FROM package is off"
    assert db.scalar(
        "SELECT count(*) FROM harvest_source WHERE owner_org = 'g1'"
    ) == 0


def test_temp_tables_drop_on_commit(db):
    db.run("CREATE TEMP TABLE t_ids ON COMMIT DROP AS SELECT id FROM public.resource WHERE package_id = 'p1'")
    assert db.scalar("SELECT count(*) FROM t_ids") == 3


# expect: 49 BND100 public.package
# expect: 51 BND100 public.harvest_source
# expect: 56 BND100 public.resource
