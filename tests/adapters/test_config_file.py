"""The registry: discovery, validation messages (exit 2), and ownership lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from boundary_lint.adapters.config_file import find_config, load_registry, registry_from_mapping
from boundary_lint.model import TableName
from boundary_lint.registry import ConfigError

PLATFORM_TOML = """
[settings]
search_path = ["public"]
ignore = ["audit", "public.schema_migrations"]

[services.orders]
owns = ["orders.*"]
paths = ["services/orders/**"]
search_path = ["orders", "public"]
may_read = ["users.v_accounts", "market.*"]

[services.orders_reports]
owns = ["orders.report_cache"]
paths = ["services/orders/reports/**"]

[services.algo]
owns = ["public.strategy", "public.portfolio", "public.*"]

[services.users]
owns = ["users.*", "accounts"]

[services.market]
owns = ["market.*"]
"""


def write(tmp_path: Path, text: str, name: str = "boundaries.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def registry(tmp_path):
    return load_registry(write(tmp_path, PLATFORM_TOML))


@pytest.mark.parametrize(
    "text, message",
    [
        ("[services.a]\nown = ['x.*']\n", "unknown key 'services.a.own'; did you mean 'owns'?"),
        ("[setings]\n[services.a]\n", "unknown key 'setings'; did you mean 'settings'?"),
        ("[services.a]\nowns = 'x.*'\n", "services.a.owns must be a list of strings, not str 'x.*'"),
        ("[services.a]\nowns = ['x.*'\n", "not valid TOML"),
        ("[services.a]\nowns = ['x.t']\n[services.b]\nowns = ['X.T']\n", "owned by both services 'a' and 'b'"),
        ("[services.a]\nowns = ['a.b.c.d']\n", "write 'schema.table', 'schema.*' or 'table'"),
        ("[settings]\ndialect = 'postgresql9'\n[services.a]\n", "is not a sqlglot dialect"),
        ("[settings]\n", "name at least one service"),
        ("[services.a]\nclient = { module = 'm' }\n", "services.a.client needs factory"),
    ],
)
def test_bad_registry_messages_name_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_registry(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_toml_syntax_error_gives_the_line(tmp_path):
    path = write(tmp_path, "[services.a]\nowns = ['x.*']]\npaths = []\n")
    with pytest.raises(ConfigError, match=r"line \d"):
        load_registry(path)


def test_bad_registry_exits_2_through_the_cli(run_cli, tmp_path):
    write(tmp_path, "[services.a]\nownz = []\n")
    (tmp_path / "x.py").write_text("x = 1\n")
    result = run_cli("check", "x.py", cwd=tmp_path)
    assert result.code == 2
    assert "did you mean 'owns'?" in result.err


def test_unknown_service_option_exits_2(run_cli, tmp_path):
    write(tmp_path, PLATFORM_TOML)
    result = run_cli("check", "--service", "order", ".", cwd=tmp_path)
    assert result.code == 2
    assert "unknown service 'order'; did you mean 'orders'?" in result.err


def test_missing_registry_exits_2(run_cli, tmp_path):
    (tmp_path / "x.py").write_text("x = 1\n")
    result = run_cli("check", "x.py", cwd=tmp_path)
    assert result.code == 2 and "no registry found" in result.err


def test_missing_path_exits_2(run_cli, tmp_path):
    write(tmp_path, PLATFORM_TOML)
    result = run_cli("check", "nope/", cwd=tmp_path)
    assert result.code == 2 and "no such file or folder: nope/" in result.err


def test_pyproject_table_is_found_and_read(tmp_path):
    text = PLATFORM_TOML.replace("[settings]", "[tool.boundary_lint.settings]").replace(
        "[services.", "[tool.boundary_lint.services."
    )
    write(tmp_path, "[project]\nname = 'x'\n" + text, name="pyproject.toml")
    (tmp_path / "pkg").mkdir()
    found = find_config([tmp_path / "pkg"])
    assert found == tmp_path / "pyproject.toml"
    assert set(load_registry(found).services) >= {"orders", "algo"}


def test_pyproject_without_our_table_is_skipped(tmp_path):
    write(tmp_path, "[project]\nname = 'x'\n", name="pyproject.toml")
    assert find_config([tmp_path]) is None


def test_boundaries_toml_is_found_from_a_path_below_it(tmp_path):
    path = write(tmp_path, PLATFORM_TOML)
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_config([tmp_path / "a" / "b"]) == path


def test_most_specific_owns_entry_wins(registry):
    assert registry.owner_of("public", "strategy") == "algo"
    assert registry.owner_of("public", "anything") == "algo"  # public.*
    assert registry.owner_of("orders", "report_cache") == "orders_reports"
    assert registry.owner_of("orders", "orders") == "orders"
    assert registry.owner_of("elsewhere", "accounts") == "users"  # bare name, any schema
    assert registry.owner_of("elsewhere", "nothing") is None


def test_unqualified_names_resolve_through_the_search_path(registry):
    # The registry names public.strategy explicitly, so it wins over the first schema.
    assert registry.resolve(TableName(None, "strategy"), "orders") == ("public", "strategy")
    assert registry.resolve(TableName(None, "orders"), "orders") == ("orders", "orders")
    # Without a service search_path, settings.search_path applies.
    assert registry.resolve(TableName(None, "orders"), "algo") == ("public", "orders")
    assert registry.resolve(TableName("x", "orders"), "orders") == ("x", "orders")


def test_may_read_grants_tables_and_schemas(registry):
    assert registry.may_read("orders", "users", "v_accounts")
    assert registry.may_read("orders", "market", "prices")
    assert not registry.may_read("orders", "users", "accounts")
    assert not registry.may_read("algo", "users", "v_accounts")


def test_system_catalogs_and_ignored_names(registry):
    assert registry.is_ignored("pg_catalog", "pg_class")
    assert registry.is_ignored("information_schema", "tables")
    assert registry.is_ignored(None, "pg_stat_activity")
    assert registry.is_ignored("audit", "events")
    assert registry.is_ignored("public", "schema_migrations")
    assert not registry.is_ignored("public", "strategy")


def test_most_specific_path_glob_wins(registry, tmp_path):
    root = registry.root
    assert registry.service_for_path(root / "services/orders/api.py") == "orders"
    assert registry.service_for_path(root / "services/orders/reports/daily.py") == "orders_reports"
    assert registry.service_for_path(root / "services/other/x.py") is None
    assert registry.service_for_path(Path("/elsewhere/x.py")) is None


def test_quoted_registry_entries_keep_their_case():
    registry = registry_from_mapping({"services": {"a": {"owns": ['"Public"."Strategy"']}}})
    assert registry.owner_of("Public", "Strategy") == "a"
    assert registry.owner_of("public", "strategy") is None


def test_a_registry_in_the_working_folder_follows_it(tmp_path, monkeypatch):
    """A registry read as ``--config boundaries.toml`` has the folder ``.``: a run in another
    working folder (a test, a library caller) places files against that folder, not the first."""
    mapping = {"services": {"orders": {"owns": ["orders.*"], "paths": ["orders/**"]}}}
    for name in ("one", "two"):
        (tmp_path / name / "orders").mkdir(parents=True)
        monkeypatch.chdir(tmp_path / name)
        registry = registry_from_mapping(mapping, root=Path("."))
        assert registry.service_for_path(tmp_path / name / "orders" / "x.py") == "orders", name
        assert registry.relative_text(tmp_path / name / "orders" / "x.py") == "orders/x.py"


def test_a_registry_with_absolute_paths_works_after_the_working_folder_is_gone(tmp_path, monkeypatch):
    """An editor's server started in a worktree that was later removed: absolute paths
    need no working folder, so a file is still placed in its service."""
    (tmp_path / "p" / "app").mkdir(parents=True)
    (tmp_path / "p" / "boundaries.toml").write_text('[services.app]\nowns = ["app.*"]\npaths = ["app/**"]\n')
    registry = load_registry(tmp_path / "p" / "boundaries.toml")
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    file = tmp_path / "p" / "app" / "x.py"
    assert registry.relative_text(file) == "app/x.py"
    assert registry.service_for_path(file) == "app"
