"""A CI gate never passes green while checking nothing (issue 14).

Each test is a mistake a new user makes, run through the CLI as they would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boundary_lint.codes import RULES
from project import APP, make_project

CODE_RANGE = f"codes are {min(RULES)}-{max(RULES)}, see boundary-lint explain"


# -- 1. an unknown code is a usage error, never a filter that matches nothing ---------------


@pytest.mark.parametrize("option, value, bad", [
    ("--select", "BND999", "BND999"),
    ("--select", "BDN100", "BDN100"),
    ("--select", "E501", "E501"),
    ("--select", "BND100,BND1O1", "BND1O1"),
    ("--ignore", "BND99", "BND99"),
])
def test_unknown_code_on_the_command_line_is_exit_2(run_cli, tmp_path, option, value, bad):
    make_project(tmp_path)
    result = run_cli("check", "--no-cache", option, value, ".", cwd=tmp_path)
    assert result.code == 2, result
    assert f"unknown code {bad}; {CODE_RANGE}" in result.err
    assert "0 findings" not in result.out


def test_known_codes_and_prefixes_still_filter(run_cli, tmp_path):
    make_project(tmp_path)
    result = run_cli("check", "--no-cache", "--select", "bnd1,BND10", "--ignore", "BND101", ".", cwd=tmp_path)
    assert result.code == 1, result
    assert "BND100" in result.out and "BND101 " not in result.out


def test_a_rule_code_in_settings_ignore_is_exit_2(run_cli, tmp_path):
    make_project(tmp_path, settings='ignore = ["BND1O4"]')
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 2 and f"unknown code BND1O4; {CODE_RANGE}" in result.err, result
    make_project(tmp_path, settings='ignore = ["BND104"]')
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 2 and "--ignore BND104" in result.err, result


@pytest.mark.parametrize("comment", ["# boundary: allow BND1O1 -- legacy read", "# noqa: BND999"])
def test_unknown_code_in_a_suppression_comment_is_exit_2(run_cli, tmp_path, comment):
    app = APP.replace('WHERE id = %s", (1,))', f'WHERE id = %s", (1,))  {comment}')
    make_project(tmp_path, {"orders/app.py": app})
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 2, result
    bad = "BND1O1" if "1O1" in comment else "BND999"
    assert f"orders/app.py:3: error: suppression comment: unknown code {bad}; {CODE_RANGE}" in result.err
    # the comment suppresses nothing: the finding it sits on is still reported
    assert "orders/app.py:3:" in result.out


def test_other_tools_codes_in_noqa_are_fine(run_cli, tmp_path):
    app = APP.replace('WHERE id = %s", (1,))', 'WHERE id = %s", (1,))  # noqa: E501, BND100')
    make_project(tmp_path, {"orders/app.py": app})
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 1 and "unknown code" not in result.err, result
    assert "orders/app.py:3:" not in result.out


def test_unknown_code_in_a_baseline_is_exit_2(run_cli, tmp_path):
    make_project(tmp_path)
    (tmp_path / "baseline.json").write_text(json.dumps({"version": 1, "entries": [
        {"path": "orders/app.py", "code": "BND1OO", "table": "public.strategy", "fingerprint": "x"}]}))
    result = run_cli("check", "--no-cache", "--baseline", "baseline.json", ".", cwd=tmp_path)
    assert result.code == 2 and f"unknown code BND1OO; {CODE_RANGE}" in result.err, result


def test_explain_names_the_codes(run_cli):
    result = run_cli("explain", "BND999")
    assert result.code == 2 and f"unknown code BND999; {CODE_RANGE}" in result.err


# -- 6. python -m boundary_lint -----------------------------------------------------------


def test_python_dash_m_runs_the_cli(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "boundary_lint", "--help"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "usage: boundary-lint" in proc.stdout and "check" in proc.stdout


# -- 2. a registry under which no checked file belongs to any service --------------------

NO_PATHS = """\
[services.orders]
owns = ["orders.*"]
{paths}
[services.algo]
owns = ["public.strategy", "public.portfolio"]
"""


@pytest.mark.parametrize("paths", ["", 'paths = ["ap/**"]'])
def test_no_file_of_any_service_is_exit_2(run_cli, tmp_path, paths):
    (tmp_path / "boundaries.toml").write_text(NO_PATHS.format(paths=paths))
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "x.py").write_text(APP)
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 2, result
    assert ("boundaries.toml:1: error: no file was checked: the 1 file found belongs to no service of "
            "boundaries.toml") in result.err
    assert "add paths = [...] to a service, or pass --service NAME" in result.err
    document = run_cli("check", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert document.code == 2 and "no file was checked" in document.json["errors"][0]["message"]
    assert run_cli("check", "--no-cache", "--service", "orders", ".", cwd=tmp_path).code == 1
    # files named one by one (a pre-commit hook's staged files) may all be of no service
    named = run_cli("check", "--no-cache", "app/x.py", cwd=tmp_path)
    assert named.code == 0 and "1 file of no service not checked" in named.out, named


@pytest.mark.parametrize("layout", ["empty", "readme only", "all excluded"])
def test_a_folder_with_nothing_to_read_is_exit_2(run_cli, tmp_path, layout):
    registry = '[settings]\nexclude = ["gen"]\n' + NO_PATHS.format(paths='paths = ["**"]')
    (tmp_path / "boundaries.toml").write_text(registry)
    folder = tmp_path / "src"
    folder.mkdir()
    if layout == "readme only":
        (folder / "README.md").write_text("SELECT * FROM public.strategy\n")
    if layout == "all excluded":
        (folder / "gen").mkdir()
        (folder / "gen" / "q.py").write_text(APP)
    result = run_cli("check", "--no-cache", "src", cwd=tmp_path)
    assert result.code == 2, result
    assert "src:1: error: no file was checked: src holds no file it reads" in result.err
    assert "0 files checked" in result.out
    with_a_file = tmp_path / "more"
    with_a_file.mkdir()
    (with_a_file / "x.py").write_text(APP)
    assert run_cli("check", "--no-cache", "src", "more", cwd=tmp_path).code == 1  # something was checked


def test_a_glob_matching_only_other_languages_is_not_a_warning(run_cli, tmp_path):
    make_project(tmp_path)
    registry = tmp_path / "boundaries.toml"
    registry.write_text(registry.read_text().replace('paths = ["algo/**"]', 'paths = ["internal/algo/**"]'))
    (tmp_path / "internal" / "algo").mkdir(parents=True)
    (tmp_path / "internal" / "algo" / "main.go").write_text("package main\n")
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 1 and "matches no file" not in result.err, result
    registry.write_text(registry.read_text().replace('"internal/algo/**"', '"internal/algoo/**"'))
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert "services.algo.paths 'internal/algoo/**' matches no file" in result.err, result


# -- 3. excluded folders: ruff's list, overridable, counted --------------------------------


def test_a_folder_named_env_is_checked(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app/env/queries.py": APP})
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 1 and "orders/app/env/queries.py:3:35: BND100" in result.out, result


def test_default_excludes_are_counted_and_can_be_replaced_or_extended(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app.py": "x = 1\n", "orders/build/q.py": APP, "orders/.venv/lib/q.py": APP})
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 0, result
    assert result.out.strip().splitlines()[-1] == (
        "0 findings (1 file checked); 2 folders excluded (orders/.venv, orders/build)")
    assert run_cli("check", "--no-cache", "--format", "json", ".", cwd=tmp_path).json["summary"][
        "excluded_folders"] == ["orders/.venv", "orders/build"]
    make_project(tmp_path, {}, settings='exclude = [".venv"]')  # replaces the list: build/ is checked
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 1 and "orders/build/q.py:3:35: BND100" in result.out and ".venv/" not in result.out
    make_project(tmp_path, {}, settings='extend_exclude = ["build"]')  # adds to the list
    result = run_cli("check", "--no-cache", "--extend-exclude", "app.py", ".", cwd=tmp_path)
    assert result.out.startswith("0 findings (0 files checked); 2 folders excluded"), result
    assert result.code == 2 and "no file was checked" in result.err  # everything excluded: not a pass


# -- 10. what the summary and messages say -------------------------------------------------


def test_summary_counts_files_with_findings_and_files_checked(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app.py": APP, "orders/clean.py": "x = 1\n", "orders/more.py": APP})
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.out.splitlines()[-1] == "4 findings in 2 files (3 files checked); BND100: 2, BND101: 2"
    summary = run_cli("check", "--no-cache", "--format", "json", ".", cwd=tmp_path).json["summary"]
    assert (summary["files"], summary["files_with_findings"], summary["findings"]) == (3, 2, 4)


# -- 5. a SQL literal too long to parse is scanned, at a sink or not -----------------------

LONG_IN = ", ".join(f"'name{n}'" for n in range(2500))  # ~22,000 characters


@pytest.mark.parametrize("code", [
    f'Q = "SELECT id FROM public.strategy WHERE name IN ({LONG_IN})"\n',
    f'def f(cur):\n    cur.execute("SELECT id FROM public.strategy WHERE name IN ({LONG_IN})")\n',
])
def test_a_long_sql_literal_is_scanned_with_a_warning(run_cli, tmp_path, code):
    assert len(LONG_IN) > 20000
    make_project(tmp_path, {"orders/long.py": code})
    result = run_cli("check", "--no-cache", "orders/long.py", cwd=tmp_path)
    assert result.code == 1, result
    assert "BND100 orders reads public.strategy, owned by algo" in result.out
    assert "warning: SQL statement is too long for sqlglot" in result.err


def _git_repo(root: Path) -> Path:
    root.mkdir()
    make_project(root)
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                        *args], cwd=root, check=True, capture_output=True)
    return root


def test_diff_base_asks_the_checked_paths_repository(run_cli, tmp_path):
    repo = _git_repo(tmp_path / "repo")
    (repo / "orders/app.py").write_text(APP + "\n\ndef w(cur):\n    cur.execute('DELETE FROM public.strategy')\n")
    result = run_cli("check", "--no-cache", "--format", "json", "--diff-base", "HEAD", "repo", cwd=tmp_path)
    assert result.code == 1, result  # the working directory is no repository; the checked path is
    assert [(f["path"], f["code"]) for f in result.json["findings"]] == [("repo/orders/app.py", "BND101")]


def test_github_paths_are_relative_to_the_repository_root(run_cli, tmp_path):
    repo = _git_repo(tmp_path / "repo")
    result = run_cli("check", "--no-cache", "--format", "github", "app.py", cwd=repo / "orders")
    assert result.out.startswith("::error file=orders/app.py,line=3,col=35,title=BND100::"), result


def test_run_time_table_names_are_not_counted_as_no_owner(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app.py": 'def f(cur, t):\n    cur.execute(f"SELECT * FROM {t}")\n'
                                             '    cur.execute("SELECT * FROM public.nobody")\n'})
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert "  orders -> (table name built at run time): 1 read" in result.out.splitlines(), result.out
    assert "  orders -> (no owner): 1 read" in result.out.splitlines()
    rows = run_cli("check", "--no-cache", "--format", "json", ".", cwd=tmp_path).json["summary"]["by_owner"]
    assert sorted((r["owner"], r["dynamic"], r["total"]) for r in rows) == [("", False, 1), ("", True, 1)]


def test_owns_entries_may_use_globs_in_table_names(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app.py": 'def f(cur):\n    cur.execute("SELECT * FROM public.mathesar_tables")\n'
                                             '    cur.execute("SELECT * FROM public.strategy_log")\n'})
    registry = tmp_path / "boundaries.toml"
    registry.write_text(registry.read_text().replace(
        'owns = ["public.strategy", "public.portfolio"]', 'owns = ["public.strategy", "public.portfolio"]\n'
        'may_read = ["orders.audit_*"]\n[services.mathesar]\nowns = ["public.mathesar_*", "strategy_?og"]'))
    result = run_cli("check", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    assert [(f["code"], f["table"], f["owner"]) for f in result.json["findings"]] == [
        ("BND100", "public.mathesar_tables", "mathesar"), ("BND100", "public.strategy_log", "mathesar")], result
    registry.write_text(registry.read_text().replace('"strategy_?og"', '"tenant_*.orders"'))
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 2 and "a glob is allowed in the table name" in result.err, result


# -- 11. the test suite leaves the repository and /tmp as they were ------------------------


def test_cache_folder_can_be_moved_out_of_the_checked_tree(run_cli, tmp_path, monkeypatch):
    (tmp_path / "p").mkdir()
    make_project(tmp_path / "p")
    monkeypatch.setenv("BOUNDARY_LINT_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert run_cli("check", ".", cwd=tmp_path / "p").code == 1
    assert list((tmp_path / "elsewhere").glob("results-*.json"))
    assert not (tmp_path / "p" / ".boundary_lint_cache").exists()


# -- 7. first use: the README's install line, its links, and the contracts in docs/ --------

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "examples/order_service/README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_readme_never_installs_from_the_package_index():
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for match in re.finditer(r"pip install '?boundary-lint\b(?!\S* @)", text):
        assert "finds nothing" in text[match.end():match.end() + 30], text[match.start():match.end() + 60]


def test_snippets_pin_the_release_tag_of_this_version():
    import re

    from boundary_lint import __version__

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pins = re.findall(r"rev: ([\w.-]+)", text) + re.findall(r"boundary-lint@(\S+?)'", text)
    assert pins and set(pins) == {f"v{__version__}"}, pins
    assert "## Releases" in text and "git tag -a" in text


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documentation_links_stay_inside_the_repository(doc):
    import re

    text = doc.read_text(encoding="utf-8")
    assert "shared/design.md" not in text and "shared/seeds" not in text
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if target.startswith(("http://", "https://")):
            continue
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(ROOT) and resolved.exists(), (doc, target)


def test_docs_name_every_json_key_a_run_gives(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app.py": APP.replace("(1,))", "(1,))  # boundary: allow BND100 -- ok"),
                            "orders/bad.py": 'def f(c:\n    c.execute("SELECT 1 FROM x.y")\n',
                            "orders/q.py": 'def f(c):\n    c.execute("SELEC * FROM x.y")\n'})
    (tmp_path / "baseline.json").write_text(json.dumps({"version": 1, "entries": [
        {"path": "orders/app.py", "code": "BND102", "table": "public.strategy", "fingerprint": "gone"}]}))
    document = run_cli("check", "--no-cache", "--format", "json", "--show-suppressed", "--baseline",
                       "baseline.json", ".", cwd=tmp_path).json
    keys = set(document) | set(document["summary"]) | set(document["summary"]["by_owner"][0])
    for section in ("findings", "suppressed", "stale_baseline", "errors", "warnings"):
        assert document[section], section
        keys |= set(document[section][0])
    contract = (ROOT / "docs" / "output.md").read_text(encoding="utf-8")
    assert [key for key in sorted(keys) if f"`{key}`" not in contract] == []
    for status in ("**0**", "**1**", "**2**"):
        assert status in contract


def test_docs_name_every_registry_key():
    from boundary_lint import registry_schema as config

    reference = (ROOT / "docs" / "registry.md").read_text(encoding="utf-8")
    keys = [*config.SETTINGS_KEYS, *config.SERVICE_KEYS, *config.CLIENT_KEYS, *config.REWRITE_KEYS]
    assert [key for key in keys if f"`{key}`" not in reference] == []
    assert "`venv`" in reference and "`env`" in reference  # the default excludes, and what is not one


# -- 8. the license ---------------------------------------------------------------------------


def test_license_file_and_spdx_metadata():
    import importlib.metadata

    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "MIT"' in project and 'license-files = ["LICENSE"]' in project
    metadata = importlib.metadata.metadata("boundary-lint")
    assert metadata["License-Expression"] == "MIT", "reinstall: pip install -e '.[test]'"


# -- 11. the suite: markers, and nothing left behind ----------------------------------------


def test_not_postgres_leaves_out_every_test_that_needs_a_cluster(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", "-m", "not postgres and not network",
         "tests/db_audit/test_catalog_pg.py", "tests/test_example_migrations_pg.py", "tests/test_precommit_hook.py",
         "examples/order_service/tests", "tests/test_suppress.py", "tests/test_example_order_service.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    collected = [line for line in proc.stdout.splitlines() if "::" in line]
    assert any(line.startswith("tests/test_suppress.py::") for line in collected), proc.stdout[-2000:]
    assert any("test_clients.py::" in line for line in collected)  # the example's tests without a database
    assert not [line for line in collected if "_pg.py::" in line or "precommit" in line], collected
    # the example's tests on its database (those using the cluster) are left out too
    assert "examples/order_service/tests/test_position_service.py::test_net_position_short_and_flip" in collected
    assert not [line for line in collected if "test_holdings_service.py::" in line], collected
    assert "tests/test_example_order_service.py::test_clean_modules_give_nothing" in collected
    assert not [line for line in collected if "test_static_foreign_keys_agree_with_the_database" in line]


def test_bench_smoke_and_the_registry_doctest_leave_no_temporary_folder(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))
    bench = subprocess.run([sys.executable, "benchmarks/bench.py", "--smoke", "--jobs", "1"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert bench.returncode == 0, bench.stderr
    doctest = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp",
                              str(tmp_path / "basetemp"), "boundary_lint/registry.py"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert doctest.returncode == 0, doctest.stdout[-2000:]
    assert sorted(p.name for p in tmp.iterdir()) == []
