"""BND107: one statement touching the tables of two or more owners, once services move to separate
databases (``isolation = "database"``, for the platform or for the service that moves first)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from expectations import as_tuples, at, expected_under, python_findings

from boundary_lint.adapters.config_file import registry_from_mapping
from boundary_lint.registry import ConfigError

SPLIT = FIXTURES / "split"

JOIN = '''
def f(cur):
    cur.execute("SELECT o.id FROM order_service.orders o JOIN public.strategy s ON s.id = o.strategy_id")
'''


def registry(isolation=None, **per_service):
    settings = {"isolation": isolation} if isolation else {}
    services = {
        "order_service": {"owns": ["order_service.*"], "may_read": ["public.strategy"],
                          "search_path": ["order_service", "public"]},
        "algo_engine": {"owns": ["public.strategy", "public.portfolio"]},
        "user_service": {"owns": ["user_service.*"]},
    }
    for name, value in per_service.items():
        services[name]["isolation"] = value
    return registry_from_mapping({"settings": settings, "services": services})


def test_the_fixture_gives_bnd107_under_database_isolation(run_cli):
    result = run_cli("check", "--format", "json", ".", cwd=SPLIT)
    assert result.code == 1
    assert as_tuples(result.json["findings"]) == expected_under(SPLIT, SPLIT)


def test_the_same_fixture_under_schema_isolation_gives_everything_but_bnd107(run_cli):
    result = run_cli("check", "--format", "json", "--config", "boundaries.schema.toml", ".", cwd=SPLIT)
    expected = {key for key in expected_under(SPLIT, SPLIT) if key[2] != "BND107"}
    assert as_tuples(result.json["findings"]) == expected
    assert ("order_service/views.sql", 5, "BND107", "public.strategy") not in as_tuples(result.json["findings"])


def test_a_granted_join_is_reported_once_naming_both_owners(run_cli):
    result = run_cli("check", "order_service/views.sql", cwd=SPLIT)
    line = next(row for row in result.out.splitlines() if row.startswith("order_service/views.sql:5:"))
    assert line == ("order_service/views.sql:5:6: BND107 order_service runs one statement over tables of "
                    "order_service and algo_engine (public.strategy, owned by algo_engine): it breaks once "
                    "they are in separate databases")
    assert "v_open_fills" not in result.out and ":9:" not in result.out


def test_three_owners_are_one_finding_at_the_second_owner_and_name_all_three(run_cli):
    findings = run_cli("check", "--format", "json", "order_service/views.sql", cwd=SPLIT).json["findings"]
    insert = [f for f in findings if f["code"] == "BND107" and f["line"] >= 15]
    assert len(insert) == 1
    assert (insert[0]["table"], insert[0]["owner"], insert[0]["operation"]) == (
        "user_service.v_trading_accounts", "user_service", "statement")
    assert "tables of order_service, user_service and algo_engine" in insert[0]["message"]
    assert insert[0]["owners"] == ["order_service", "user_service", "algo_engine"]


def test_a_statement_of_another_service_entirely_is_no_bnd107():
    """algo_engine's own UPDATE ... FROM of two algo_engine tables."""
    assert python_findings((SPLIT / "algo_engine" / "own.py").read_text(), registry("database"), "algo_engine") == []


def test_default_isolation_is_schema_and_reports_nothing_new():
    assert python_findings(JOIN, registry(), "order_service") == []


def test_settings_database_reports_the_granted_join_at_the_second_owners_table():
    line, column = at(JOIN, "public.strategy")
    assert python_findings(JOIN, registry("database"), "order_service") == [
        (line, column, "BND107", "public.strategy")]


@pytest.mark.parametrize("moving, reported", [
    ("algo_engine", True),     # the owner of public.strategy moves first
    ("order_service", True),   # the file's service, owner of the other table, moves first
    ("user_service", False),   # a service the statement does not touch moves: it still runs
])
def test_a_per_service_override_reports_statements_touching_that_services_tables(moving, reported):
    found = python_findings(JOIN, registry(**{moving: "database"}), "order_service")
    assert bool(found) is reported, found


def test_a_service_staying_in_the_shared_database_overrides_the_platform_setting():
    found = python_findings(JOIN, registry("database", order_service="schema", algo_engine="schema"),
                            "order_service")
    assert found == []


def test_an_unowned_table_is_no_second_owner():
    source = '''
    def f(cur):
        cur.execute("SELECT * FROM order_service.orders o JOIN public.legacy l ON l.id = o.id")
    '''
    assert [code for *_, code, _ in python_findings(source, registry("database"), "order_service")] == ["BND104"]


def test_a_join_not_granted_is_both_a_read_and_a_cross_owner_statement():
    source = '''
    def f(cur):
        cur.execute("SELECT * FROM order_service.orders o JOIN public.portfolio p ON p.id = o.pid")
    '''
    found = python_findings(source, registry("database"), "order_service")
    assert sorted(code for *_, code, _ in found) == ["BND100", "BND107"]


def test_separate_statements_in_one_string_are_separate():
    source = '''
    def f(cur):
        cur.execute("DELETE FROM order_service.tmp; SELECT * FROM public.strategy")
    '''
    assert python_findings(source, registry("database"), "order_service") == []


@pytest.mark.parametrize("where", ["settings", "service"])
def test_an_unknown_isolation_is_a_configuration_error_naming_the_key(where):
    raw = {"services": {"a": {"owns": ["a.*"]}}}
    if where == "settings":
        raw["settings"] = {"isolation": "databases"}
    else:
        raw["services"]["a"]["isolation"] = "separate"
    with pytest.raises(ConfigError, match=r"isolation = '(databases|separate)'; write \"schema\""):
        registry_from_mapping(raw)


def test_bnd107_is_a_known_code_for_options_and_comments(run_cli):
    assert run_cli("check", "--select", "BND107", ".", cwd=SPLIT).code == 1
    assert run_cli("explain", "BND107").out.startswith("BND107: statement across owners")
    result = run_cli("check", "--select", "BND108", ".", cwd=SPLIT)
    assert result.code == 2 and "codes are BND100-BND107" in result.err


def test_a_cross_owner_statement_is_suppressed_by_a_comment_naming_bnd107(run_cli, tmp_path):
    (tmp_path / "boundaries.toml").write_text((SPLIT / "boundaries.toml").read_text())
    (tmp_path / "order_service").mkdir()
    (tmp_path / "order_service" / "q.sql").write_text(
        "SELECT * FROM order_service.orders o JOIN public.strategy s ON s.id = o.sid;"
        "  -- boundary: allow BND107 -- read model until the strategy API ships\n")
    result = run_cli("check", "--no-cache", "--format", "json", "--show-suppressed", ".", cwd=tmp_path)
    assert result.code == 0, result.out
    assert [(s["code"], s["reason"]) for s in result.json["suppressed"]] == [
        ("BND107", "read model until the strategy API ships")]


def test_an_orm_model_declaring_foreign_keys_to_two_owners_runs_no_statement():
    """A model's ForeignKeys are BND102 each; the model is no statement across owners."""
    source = '''
    from sqlalchemy import Column, ForeignKey, Integer
    from sqlalchemy.orm import declarative_base

    Base = declarative_base()


    class Order(Base):
        __tablename__ = "orders"
        __table_args__ = {"schema": "order_service"}
        id = Column(Integer, primary_key=True)
        strategy_id = Column(ForeignKey("public.strategy.id"))
        account_id = Column(ForeignKey("user_service.accounts.id"))
    '''
    found = python_findings(source, registry("database"), "order_service")
    assert sorted((code, table) for *_, code, table in found) == [
        ("BND102", "public.strategy"), ("BND102", "user_service.accounts")]
