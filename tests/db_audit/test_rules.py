"""db-audit's pure core: catalog snapshots (in-memory, no database) + registry -> findings."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from boundary_lint.adapters.config_file import registry_from_mapping
from boundary_lint.db_audit.rules import audit, normalize_schemas
from boundary_lint.commands.db_audit import format_json, format_text, run
from boundary_lint.adapters.db_catalog import Catalog, CatalogError, ForeignKey, Relation, RolePrivileges, ViewRead

LOCATION = "postgresql://db:5432/app"
REGISTRY = registry_from_mapping(
    {
        "settings": {"ignore": ["audit", "public.schema_migrations"]},
        "services": {
            "order_service": {
                "owns": ["order_service.*"],
                "may_read": ["user_service.v_trading_accounts"],
                "role": "order_user",
            },
            "algo_engine": {"owns": ["public.strategy", "public.strategies"], "role": "algo_user"},
            "user_service": {"owns": ["user_service.*", "public.kite_accounts"]},
        },
    }
)
SCHEMAS = ("audit", "order_service", "public", "user_service")


def catalog(**parts) -> Catalog:
    parts.setdefault("schemas", SCHEMAS)
    parts.setdefault("roles", ("algo_user", "order_user"))
    return Catalog(LOCATION, "app", **parts)


def codes_and_objects(result):
    return [(f.finding.code, f.finding.service, f.finding.table, f.object) for f in result.findings]


def test_foreign_key_across_owners_is_bnd102_for_the_constrained_tables_owner():
    result = audit(catalog(foreign_keys=(
        ForeignKey("order_service", "orders", "fk_orders_strategy_id", "public", "strategies"),
        ForeignKey("order_service", "trades", "fk_trades_order", "order_service", "orders"),
        ForeignKey("public", "strategy", "fk_strategy_account", "public", "kite_accounts"),
    )), REGISTRY)
    assert codes_and_objects(result) == [
        ("BND102", "algo_engine", "public.kite_accounts", "public.strategy"),
        ("BND102", "order_service", "public.strategies", "order_service.orders"),
    ]
    finding = result.findings[1]
    assert finding.constraint == "fk_orders_strategy_id"
    assert finding.finding.path == LOCATION and (finding.finding.line, finding.finding.column) == (0, 0)
    assert finding.finding.message == (
        "order_service has a foreign key to public.strategies, owned by algo_engine "
        "(constraint fk_orders_strategy_id on table order_service.orders)"
    )


def test_foreign_keys_touching_unowned_or_ignored_tables_are_left_to_bnd104():
    result = audit(catalog(foreign_keys=(
        ForeignKey("order_service", "orders", "fk_a", "public", "legacy"),
        ForeignKey("order_service", "orders", "fk_b", "public", "schema_migrations"),
        ForeignKey("audit", "log", "fk_c", "public", "strategy"),
    )), REGISTRY)
    assert result.findings == ()


def test_view_reading_another_services_table_without_grant_is_bnd100():
    result = audit(catalog(view_reads=(
        ViewRead("order_service", "v_orders", "public", "strategy"),
        ViewRead("order_service", "v_orders", "order_service", "orders"),
        ViewRead("order_service", "v_accounts", "user_service", "v_trading_accounts"),  # granted
        ViewRead("order_service", "mv_accounts", "user_service", "trading_accounts", "materialized view"),
    )), REGISTRY)
    assert codes_and_objects(result) == [
        ("BND100", "order_service", "public.strategy", "order_service.v_orders"),
        ("BND100", "order_service", "user_service.trading_accounts", "order_service.mv_accounts"),
    ]
    assert result.findings[1].finding.message.endswith("(materialized view order_service.mv_accounts)")


def test_relations_no_service_owns_are_bnd104_unless_ignored():
    result = audit(catalog(relations=(
        Relation("public", "strategy"),
        Relation("public", "legacy_thing"),
        Relation("public", "v_legacy", "view"),
        Relation("public", "schema_migrations"),
        Relation("audit", "log"),
    )), REGISTRY)
    assert codes_and_objects(result) == [
        ("BND104", "", "public.legacy_thing", "public.legacy_thing"),
        ("BND104", "", "public.v_legacy", "public.v_legacy"),
    ]
    assert result.findings[1].finding.message == (
        "database app has view public.v_legacy, which no service in the registry owns"
    )
    assert result.relations == 5


def test_privileges_to_write_are_bnd101_to_read_ungranted_bnd100_one_per_role_and_table():
    result = audit(catalog(privileges=(
        RolePrivileges("order_user", "public", "strategy", "table", ("SELECT", "INSERT", "UPDATE")),
        RolePrivileges("order_user", "public", "kite_accounts", "table", ("SELECT",)),
        RolePrivileges("order_user", "user_service", "v_trading_accounts", "view", ("SELECT",)),  # granted
        RolePrivileges("order_user", "user_service", "trading_accounts", "table", ("TRUNCATE",)),
        RolePrivileges("order_user", "order_service", "orders", "table", ("SELECT", "DELETE")),  # its own
        RolePrivileges("algo_user", "public", "strategy", "table", ("SELECT", "DELETE")),  # its own
        RolePrivileges("algo_user", "public", "legacy", "table", ("SELECT",)),  # no owner: BND104's
        RolePrivileges("someone_else", "public", "strategy", "table", ("DELETE",)),  # no service's role
    )), REGISTRY)
    assert codes_and_objects(result) == [
        ("BND100", "order_service", "public.kite_accounts", "public.kite_accounts"),
        ("BND101", "order_service", "public.strategy", "public.strategy"),
        ("BND101", "order_service", "user_service.trading_accounts", "user_service.trading_accounts"),
    ]
    write = result.findings[1]
    assert write.role == "order_user"
    assert write.finding.message == (
        "order_service writes public.strategy, owned by algo_engine: role order_user has INSERT, UPDATE "
        "on table public.strategy"
    )


def test_a_schema_the_registry_names_but_the_database_lacks_is_a_warning():
    result = audit(catalog(schemas=("order_service", "public")), REGISTRY)
    assert result.errors == ()
    assert result.warnings == (
        f"{LOCATION}: the registry gives schema 'user_service' to user_service, "
        "but the database has no such schema",
    )


def test_no_registry_schema_in_the_database_is_an_error():
    result = audit(catalog(schemas=("something_else",)), REGISTRY)
    assert len(result.errors) == 1 and "is the DSN the right database?" in result.errors[0]
    assert result.findings == ()


def test_a_schema_option_the_database_lacks_is_an_error_and_limits_the_warnings():
    result = audit(catalog(schemas=("order_service", "public")), REGISTRY, ("nope",))
    assert result.errors == (f"{LOCATION}: --schema nope: the database has no schema 'nope'",)
    assert audit(catalog(schemas=("order_service", "public")), REGISTRY, ("public",)).warnings == ()


def test_a_service_role_missing_from_the_database_is_a_warning():
    result = audit(catalog(roles=("order_user",)), REGISTRY)
    assert result.warnings == (
        f"{LOCATION}: role 'algo_user' of service algo_engine does not exist; "
        "its privileges were not checked",
    )


def test_normalize_schemas_lower_cases_unless_quoted_and_drops_repeats():
    assert normalize_schemas(["Public", "public", '"Mixed"']) == ("public", "Mixed")


def test_text_and_json_output():
    result = audit(catalog(
        relations=(Relation("public", "legacy_thing"),),
        foreign_keys=(ForeignKey("order_service", "orders", "fk_x", "public", "strategies"),),
    ), REGISTRY)
    text = format_text(result)
    assert text.splitlines() == [
        f"{LOCATION}: BND102 order_service has a foreign key to public.strategies, owned by algo_engine "
        "(constraint fk_x on table order_service.orders)",
        f"{LOCATION}: BND104 database app has table public.legacy_thing, "
        "which no service in the registry owns",
        "by owning service:",
        "  order_service -> algo_engine: 1 FK",
        f"2 findings in {LOCATION} (BND102: 1, BND104: 1); 1 table or view audited",
    ]
    document = json.loads(format_json(result))
    assert document["database"] == LOCATION
    assert document["summary"]["by_code"] == {"BND102": 1, "BND104": 1}
    assert [row["owner"] for row in document["summary"]["by_owner"]] == ["algo_engine"]
    assert document["findings"][0] == {
        "path": LOCATION, "line": 0, "column": 0, "code": "BND102", "service": "order_service",
        "table": "public.strategies", "owner": "algo_engine", "operation": "fk",
        "message": document["findings"][0]["message"], "object": "order_service.orders",
        "object_kind": "foreign key", "constraint": "fk_x", "role": "",
    }


def _args(**kw):
    return Namespace(**dict(dict(dsn="host=db password=hunter2", schema=[], format="text"), **kw))


def test_run_exit_codes_and_scrubbed_errors_with_a_fake_reader():
    def clean(dsn, **kw):
        return catalog()

    def dirty(dsn, **kw):
        return catalog(relations=(Relation("public", "legacy_thing"),))

    def failing(dsn, **kw):
        raise CatalogError("cannot connect: server said hunter2 and s3cret")

    for reader, expected in ((clean, 0), (dirty, 1), (failing, 2)):
        out, err = io.StringIO(), io.StringIO()
        code = run(_args(), REGISTRY, out, err, env={"PGPASSWORD": "s3cret"}, read=reader)
        assert code == expected
        assert "hunter2" not in out.getvalue() + err.getvalue()
        assert "s3cret" not in out.getvalue() + err.getvalue()
    assert "cannot connect: server said *** and ***" in err.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert run(_args(schema=["nope"]), REGISTRY, out, err, env={}, read=clean) == 2
    assert "--schema nope" in err.getvalue() and out.getvalue() == ""


def test_only_db_catalog_imports_psycopg_and_the_cli_does_not_load_it():
    package = Path(__file__).resolve().parents[2] / "boundary_lint"
    importers = sorted(
        p.name for p in package.rglob("*.py")
        if any(line.lstrip().startswith(("import psycopg", "from psycopg"))
               for line in p.read_text(encoding="utf-8").splitlines())
    )
    assert importers == ["db_catalog.py"]
    code = "import sys, boundary_lint.cli; boundary_lint.cli.build_parser(); print('psycopg' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("argv", [["db-audit"], ["db-audit", "--format", "xml", "dbname=x"]])
def test_db_audit_usage_errors_exit_2(run_cli, argv):
    with pytest.raises(SystemExit) as exc:
        run_cli(*argv)
    assert exc.value.code == 2
