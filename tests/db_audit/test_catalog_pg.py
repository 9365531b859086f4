"""`boundary-lint db-audit` against a real, throwaway PostgreSQL (never skipped).

The cluster is the example order service's (``pg_cluster.shared_cluster()``);
if PostgreSQL cannot start these tests fail with the server's log. Each test
gets fresh databases; roles are cluster-wide, so each test creates roles with
unique names and drops them (after its databases) when it ends.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from boundary_lint.adapters.db_catalog import read_catalog
from example_pg import pg_cluster

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "order_service"
FK_NAMES = {"fk_orders_strategy_id", "fk_trades_strategy_id", "fk_positions_strategy_id"}


_numbers = itertools.count(1)

REGISTRY = """
[settings]
ignore = {ignore}

[services.order_service]
owns = ["order_service.*"]
may_read = {may_read}
{order_role}

[services.algo_engine]
owns = ["public.strategy", "public.strategies", "public.portfolio", "public.strategy_portfolio"]

[services.user_service]
owns = ["user_service.*", "public.kite_accounts", "public.holdings"]

[services.market_data]
owns = ["public.instrument_registry"]

[services.analytics]
owns = ["public.strategy_pnl_metrics"]
"""


def write_registry(folder: Path, role=None, may_read=("user_service.v_trading_accounts",), ignore=()) -> str:
    path = folder / "boundaries.toml"
    path.write_text(REGISTRY.format(
        ignore=_toml_list(ignore),
        may_read=_toml_list(may_read),
        order_role=f'role = "{role}"' if role else "",
    ))
    return str(path)


def _toml_list(items) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


class Sandbox:
    """Databases and roles made for one test, dropped (databases first) afterwards."""

    def __init__(self):
        self.cluster = pg_cluster.shared_cluster()
        self.prefix = f"bl_audit_{os.getpid()}_{next(_numbers)}"
        self.databases, self.roles = [], []

    def database(self, upto=7, legacy=True) -> str:
        """A fresh database: the legacy shared schema, then the example's migrations up to ``upto``."""
        name = f"{self.prefix}_db{len(self.databases)}"
        dsn = self.cluster.create_database(name)
        self.databases.append(name)
        paths = ([pg_cluster.LEGACY_SCHEMA_SQL] if legacy else []) + pg_cluster.migration_paths(upto=upto)
        pg_cluster.apply_sql_files(dsn, paths)
        return dsn

    def role(self, suffix: str, options: str = "NOLOGIN", password=None) -> str:
        name = f"{self.prefix}_{suffix}"
        query = sql.SQL("CREATE ROLE {} " + options).format(sql.Identifier(name))
        if password is not None:
            query = sql.SQL("{} PASSWORD {}").format(query, sql.Literal(password))
        self.execute(self.cluster.dsn, query)
        self.roles.append(name)
        return name

    @staticmethod
    def execute(dsn, *statements):
        with psycopg.connect(dsn, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def close(self):
        for name in self.databases:
            self.cluster.drop_database(name)
        for name in reversed(self.roles):
            self.execute(self.cluster.dsn, sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture
def sandbox():
    box = Sandbox()
    yield box
    box.close()


def audit(run_cli, folder, dsn, *options, config=None):
    config = config or write_registry(folder)
    return run_cli("db-audit", dsn, "--config", config, "--format", "json", *options, cwd=folder)


def summary(result):
    return sorted((f["code"], f["service"], f["table"], f["object"]) for f in result.json["findings"])


# -- the reference order service ---------------------------------------------------------------


def test_order_service_before_migration_007_has_three_cross_service_fks_and_none_after(
    sandbox, run_cli, tmp_path
):
    dsn = sandbox.database(upto=6)
    example_registry = str(EXAMPLE / "boundaries.toml")
    before = audit(run_cli, tmp_path, dsn, config=example_registry)
    assert before.code == 1, before.err
    assert summary(before) == [
        ("BND102", "order_service", "public.strategies", f"order_service.{table}")
        for table in ("orders", "positions", "trades")
    ]
    assert {f["constraint"] for f in before.json["findings"]} == FK_NAMES
    location = before.json["database"]
    assert location.startswith("postgresql://") and location.endswith(f"/{sandbox.databases[0]}")
    assert all(f["path"] == location and f["owner"] == "algo_engine" for f in before.json["findings"])
    text = run_cli("db-audit", dsn, "--config", example_registry, cwd=tmp_path)
    assert f"{location}: BND102 order_service has a foreign key to public.strategies, owned by algo_engine " \
           "(constraint fk_orders_strategy_id on table order_service.orders)" in text.out.splitlines()

    pg_cluster.apply_sql_files(dsn, pg_cluster.migration_paths()[6:])
    after = audit(run_cli, tmp_path, dsn, config=example_registry)
    assert (after.code, after.json["findings"]) == (0, []), after.err
    assert after.json["summary"]["relations"] > 10


# -- one check at a time -----------------------------------------------------------------------


def test_views_reading_another_services_table_with_and_without_a_may_read_grant(sandbox, run_cli, tmp_path):
    dsn = sandbox.database()
    sandbox.execute(
        dsn,
        "CREATE VIEW order_service.v_strategy_names AS SELECT strategy_id, name FROM public.strategy",
        "CREATE MATERIALIZED VIEW order_service.mv_accounts AS "
        "SELECT trading_account_id FROM user_service.v_trading_accounts",
        "CREATE VIEW order_service.v_open_orders AS SELECT id FROM order_service.orders",
    )
    without = audit(run_cli, tmp_path, dsn)
    assert without.code == 1
    assert summary(without) == [
        ("BND100", "order_service", "public.strategy", "order_service.v_strategy_names")
    ]
    assert without.json["findings"][0]["message"] == (
        "order_service reads public.strategy, owned by algo_engine (view order_service.v_strategy_names)"
    )

    granted = write_registry(tmp_path, may_read=("user_service.v_trading_accounts", "public.strategy"))
    assert audit(run_cli, tmp_path, dsn, config=granted).code == 0

    ungranted_matview = write_registry(tmp_path, may_read=("public.strategy",))
    result = audit(run_cli, tmp_path, dsn, config=ungranted_matview)
    assert summary(result) == [
        ("BND100", "order_service", "user_service.v_trading_accounts", "order_service.mv_accounts")
    ]
    assert result.json["findings"][0]["object_kind"] == "materialized view"


def test_tables_and_views_no_service_owns_are_bnd104(sandbox, run_cli, tmp_path):
    dsn = sandbox.database()
    sandbox.execute(
        dsn,
        "CREATE TABLE public.legacy_thing (id int)",
        "CREATE VIEW public.v_legacy AS SELECT id FROM public.legacy_thing",
        "CREATE SCHEMA audit",
        "CREATE TABLE audit.log (id int)",
    )
    result = audit(run_cli, tmp_path, dsn)
    assert result.code == 1
    assert summary(result) == [
        ("BND104", "", "audit.log", "audit.log"),
        ("BND104", "", "public.legacy_thing", "public.legacy_thing"),
        ("BND104", "", "public.v_legacy", "public.v_legacy"),
    ]
    ignoring = write_registry(tmp_path, ignore=("audit", "public.legacy_thing", "public.v_legacy"))
    assert audit(run_cli, tmp_path, dsn, config=ignoring).code == 0
    only_ours = audit(run_cli, tmp_path, dsn, "--schema", "order_service", "--schema", "Audit")
    assert summary(only_ours) == [("BND104", "", "audit.log", "audit.log")]


def test_a_role_with_too_much_privilege(sandbox, run_cli, tmp_path):
    dsn = sandbox.database()
    order_role = sandbox.role("order")
    writers = sandbox.role("writers")
    names = {"order": sql.Identifier(order_role), "writers": sql.Identifier(writers)}
    sandbox.execute(dsn, *(sql.SQL(statement).format(**names) for statement in (
        "GRANT USAGE ON SCHEMA order_service, user_service TO {order}",
        "GRANT ALL ON ALL TABLES IN SCHEMA order_service TO {order}",  # its own: fine
        "GRANT SELECT ON user_service.v_trading_accounts TO {order}",  # granted by may_read
        "GRANT SELECT, INSERT ON public.strategy TO {order}",  # write wins: one BND101
        "GRANT SELECT ON public.kite_accounts TO {order}",  # read without a grant
        "GRANT UPDATE (name) ON public.portfolio TO {order}",  # a column-level write
        "GRANT DELETE ON public.holdings TO {writers}",  # through role membership
        "GRANT {writers} TO {order}",
    )))
    result = audit(run_cli, tmp_path, dsn, config=write_registry(tmp_path, role=order_role))
    assert result.code == 1, result.err
    assert summary(result) == [
        ("BND100", "order_service", "public.kite_accounts", "public.kite_accounts"),
        ("BND101", "order_service", "public.holdings", "public.holdings"),
        ("BND101", "order_service", "public.portfolio", "public.portfolio"),
        ("BND101", "order_service", "public.strategy", "public.strategy"),
    ]
    by_table = {f["table"]: f for f in result.json["findings"]}
    assert by_table["public.strategy"]["message"] == (
        f"order_service writes public.strategy, owned by algo_engine: role {order_role} has INSERT "
        "on table public.strategy"
    )
    assert {f["role"] for f in result.json["findings"]} == {order_role}
    assert "role" not in result.err

    sandbox.execute(dsn, *(sql.SQL(statement).format(**names) for statement in (
        "REVOKE {writers} FROM {order}",
        "REVOKE ALL ON public.strategy, public.kite_accounts, public.portfolio FROM {order}",
    )))
    assert audit(run_cli, tmp_path, dsn, config=write_registry(tmp_path, role=order_role)).code == 0


# -- schemas, errors, secrets, read-only ---------------------------------------------------------


def test_a_registry_schema_the_database_lacks_is_a_warning_and_a_missing_schema_option_exit_2(
    sandbox, run_cli, tmp_path
):
    dsn = sandbox.database(upto=0)  # the legacy schema only: no order_service schema yet
    result = audit(run_cli, tmp_path, dsn)
    assert result.code == 0, result.err
    assert "the registry gives schema 'order_service' to order_service, but the database has no such schema" \
        in result.err
    assert [w["message"] for w in result.json["warnings"]] == [line.split("warning: ", 1)[1]
                                                               for line in result.err.splitlines()]
    missing = audit(run_cli, tmp_path, dsn, "--schema", "nope")
    assert missing.code == 2 and "--schema nope: the database has no schema 'nope'" in missing.err
    assert missing.out == ""


def test_connection_failures_give_a_clear_message_and_exit_2(sandbox, run_cli, tmp_path):
    cluster = sandbox.cluster
    wrong_port = f"host={cluster.host} port=1 user=postgres dbname=anything"
    result = audit(run_cli, tmp_path, wrong_port)
    assert result.code == 2 and result.out == ""
    socket_dir = quote(cluster.host, safe="")
    assert result.err.startswith(f"boundary-lint: cannot connect to postgresql://{socket_dir}:1/anything")
    no_database = audit(run_cli, tmp_path, cluster.dsn_for(f"{sandbox.prefix}_absent"))
    assert no_database.code == 2 and "does not exist" in no_database.err
    not_a_dsn = audit(run_cli, tmp_path, "host=x port")
    assert not_a_dsn.code == 2 and "neither key=value pairs nor a postgresql:// URL" in not_a_dsn.err


def test_missing_privileges_on_the_catalog_give_a_clear_message_and_exit_2(sandbox, run_cli, tmp_path):
    dsn = sandbox.database(upto=1)
    auditor = sandbox.role("auditor", "LOGIN")
    sandbox.execute(dsn, "REVOKE SELECT ON pg_catalog.pg_constraint FROM PUBLIC")
    result = audit(run_cli, tmp_path, f"{dsn} user={auditor}")
    assert result.code == 2 and result.out == ""
    assert "cannot read the catalog of postgresql://" in result.err
    assert f"as user '{auditor}'" in result.err and "permission denied" in result.err


@pytest.fixture
def password_role(sandbox):
    """A LOGIN role that must give its password (scram-sha-256 on the unix socket), and that password."""
    secret = f"Pw@/:{sandbox.prefix[-6:]}-s3cret"
    name = sandbox.role("pw", "LOGIN", password=secret)
    hba = sandbox.cluster.data_dir / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"local all {name} scram-sha-256\n" + original)
    try:
        _reload_and_wait(sandbox, name, password_required=True)
        yield name, secret
    finally:
        hba.write_text(original)
        _reload_and_wait(sandbox, name, password_required=False)


def _reload_and_wait(sandbox, role, password_required, timeout_s=20.0):
    """pg_reload_conf() is asynchronous: wait until connecting without a password behaves as the file says."""
    Sandbox.execute(sandbox.cluster.dsn, "SELECT pg_reload_conf()")
    probe = f"{sandbox.cluster.dsn_for('postgres')} user={role} passfile=/nonexistent"
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            psycopg.connect(probe, password="").close()
            refused = False
        except psycopg.OperationalError as exc:
            if "password" not in str(exc):
                raise
            refused = True
        if refused == password_required:
            return
        assert time.monotonic() < deadline, "the server did not pick up pg_hba.conf"
        time.sleep(0.05)


def test_the_password_never_appears_in_any_output(sandbox, password_role, run_cli, tmp_path, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    role, secret = password_role
    dsn = sandbox.database(upto=6)
    cluster = sandbox.cluster
    dbname = sandbox.databases[0]
    encoded = quote(secret, safe="")
    url = f"postgresql://{role}:{encoded}@/{dbname}?host={quote(cluster.host, safe='')}&port={cluster.port}"
    pairs = f"{cluster.dsn_for(dbname)} user={role} password='{secret}'"
    wrong = f"{cluster.dsn_for(dbname)} user={role} password='{secret}-wrong'"
    outputs = []

    for given in (url, pairs):  # password auth succeeds: findings, located without the password
        for fmt in ("text", "json"):
            result = run_cli("db-audit", given, "--config", write_registry(tmp_path), "--format", fmt,
                             cwd=tmp_path)
            assert result.code == 1, result.err
            assert "BND102" in result.out
            outputs.append(result.out + result.err)
    failed = run_cli("db-audit", wrong, "--config", write_registry(tmp_path), cwd=tmp_path)
    assert failed.code == 2 and "password authentication failed" in failed.err
    outputs.append(failed.out + failed.err)
    malformed = run_cli("db-audit", f"postgresql://{role}:{encoded}@[::1/{dbname}", "--config",
                        write_registry(tmp_path), cwd=tmp_path)
    assert malformed.code == 2
    outputs.append(malformed.out + malformed.err)
    unparsable = run_cli("db-audit", f"{cluster.dsn_for(dbname)} password {secret}", "--config",
                         write_registry(tmp_path), cwd=tmp_path)
    assert unparsable.code == 2
    outputs.append(unparsable.out + unparsable.err)

    monkeypatch.setenv("PGPASSWORD", secret)  # from the environment, as recommended
    from_env = f"{cluster.dsn_for(dbname)} user={role}"
    for given in (from_env, f"{cluster.dsn_for(sandbox.prefix + '_absent')} user={role}"):
        result = run_cli("db-audit", given, "--config", write_registry(tmp_path), cwd=tmp_path)
        assert result.code in (1, 2)
        outputs.append(result.out + result.err)
    assert dsn  # the database the URL and pairs point at

    for output in outputs:
        for form in (secret, encoded, "s3cret"):
            assert form not in output


def test_the_audit_transaction_is_read_only(sandbox):
    dsn = sandbox.database()
    seen = {}

    def probe(conn):
        seen["transaction_read_only"] = conn.execute("SHOW transaction_read_only").fetchone()[0]
        try:
            conn.execute("CREATE TABLE public.written_by_the_audit (id int)")
        except psycopg.errors.ReadOnlySqlTransaction as exc:
            seen["write"] = str(exc)

    catalog = read_catalog(dsn, roles=(), probe=probe)
    assert catalog.transaction_read_only is True
    assert seen["transaction_read_only"] == "on"
    assert "read-only transaction" in seen["write"]
    with psycopg.connect(dsn) as conn:
        assert conn.execute("SELECT to_regclass('public.written_by_the_audit')").fetchone()[0] is None
    assert catalog.database == sandbox.databases[0]
    assert {"order_service", "public", "user_service"} <= set(catalog.schemas)
