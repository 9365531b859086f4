"""``boundary-lint fix`` end to end: diff and exit codes, safe writes (atomic, encoding,
newlines, mode, mtime of untouched files), refusal to write what does not parse,
configuration errors, the contract, and ``check`` never importing libcst."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REGISTRY = '''
[services.order_service]
owns = ["order_service.*"]
paths = ["app/**", "migrations/**"]
search_path = ["order_service", "public"]

[services.algo_engine]
owns = ["public.strategy", "public.strategies"]
client = { module = "app.clients", factory = "get_strategy_client", awaitable = true }
'''

REWRITABLE = '''\
"""Reads the algo engine's table."""
from sqlalchemy import text


async def load(session, strategy_id):
    result = await session.execute(text("SELECT * FROM public.strategy WHERE strategy_id = :id"), {"id": strategy_id})
    return result.mappings().first()
'''

CLIENT = '''\
from typing import Any, Dict, Optional


class StrategyClient:
    async def get_strategy(self, strategy_id: int) -> Optional[Dict[str, Any]]: ...


async def get_strategy_client() -> StrategyClient: ...
'''

LEFT_ALONE = '''\
async def touch(session, strategy_id):
    await session.execute("UPDATE public.strategy SET updated_at = NOW() WHERE strategy_id = :id", {"id": strategy_id})
'''


@pytest.fixture
def project(tmp_path):
    (tmp_path / "boundaries.toml").write_text(REGISTRY)
    app = tmp_path / "app"
    app.mkdir()
    (app / "reads.py").write_text(REWRITABLE)
    (app / "touch.py").write_text(LEFT_ALONE)
    (app / "clean.py").write_text("X = 1\n")
    (app / "clients.py").write_text(CLIENT)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "001.sql").write_text(
        "ALTER TABLE order_service.orders ADD FOREIGN KEY (s) REFERENCES public.strategies (id);\n")
    return tmp_path


def stamps(folder: Path):
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}


def test_diff_shows_the_change_and_writes_nothing(project, run_cli):
    before = stamps(project)
    result = run_cli("fix", "--diff", ".", cwd=project)
    assert result.code == 1
    assert "--- a/app/reads.py\n+++ b/app/reads.py\n" in result.out
    assert "+    return await (await get_strategy_client()).get_strategy(strategy_id=strategy_id)\n" in result.out
    assert stamps(project) == before


def test_fix_writes_and_a_second_run_changes_nothing(project, run_cli):
    result = run_cli("fix", ".", cwd=project)
    assert result.code == 0, result.err
    assert result.out == "rewrote app/reads.py (1 calls)\n"
    assert (project / "app" / "reads.py").read_text() == (
        '"""Reads the algo engine\'s table."""\n'
        "from app.clients import get_strategy_client\n\n\n"
        "async def load(session, strategy_id):\n"
        "    return await (await get_strategy_client()).get_strategy(strategy_id=strategy_id)\n"
    )
    after = stamps(project)
    again = run_cli("fix", ".", cwd=project)
    assert (again.code, again.out) == (0, "")
    assert stamps(project) == after
    assert run_cli("fix", "--diff", ".", cwd=project).code == 0


def test_files_without_a_rewrite_are_not_touched(project, run_cli):
    before = stamps(project)
    run_cli("fix", ".", cwd=project)
    after = stamps(project)
    for name in ("touch.py", "clean.py", "001.sql", "boundaries.toml"):
        assert after[name] == before[name], name


def test_summary_and_reasons_on_stderr(project, run_cli):
    result = run_cli("fix", "--diff", ".", cwd=project)
    assert "app/touch.py:2: left BND101 public.strategy: NOW() is not a bound value\n" in result.err
    assert "migrations/001.sql:1: left BND102 public.strategies: in a .sql file: no call to rewrite\n" in result.err
    assert result.err.endswith(
        "rewritten       1 calls in 1 files\n"
        "left            2 findings\n"
        "      1  NOW() is not a bound value\n"
        "      1  in a .sql file: no call to rewrite\n")


def test_left_findings_are_what_check_finds_afterwards(project, run_cli):
    run_cli("fix", ".", cwd=project)
    found = run_cli("check", "--no-cache", "--format", "json", ".", cwd=project).json["findings"]
    assert sorted((f["path"], f["line"]) for f in found) == [("app/touch.py", 2), ("migrations/001.sql", 1)]


def test_a_constant_another_file_imports_is_kept_even_when_fixing_one_file(project, run_cli):
    (project / "app" / "queries.py").write_text(
        'SQL = "DELETE FROM public.strategy WHERE strategy_id = :id"\n\n\n'
        "async def forget(db, sid):\n    await db.execute(SQL, {\"id\": sid})\n")
    (project / "app" / "report.py").write_text("from app.queries import SQL\n")
    result = run_cli("fix", "--assume-clients", "app/queries.py", cwd=project)
    assert result.code == 0, result.err
    text = (project / "app" / "queries.py").read_text()
    assert 'SQL = "DELETE FROM public.strategy' in text and "delete_strategy(strategy_id=sid)" in text
    assert "left BND101 public.strategy: SQL constant kept (SQL: may be imported elsewhere)" in result.err


def test_encoding_bom_newlines_and_mode_are_kept(project, run_cli):
    latin = project / "app" / "latin.py"
    latin.write_bytes(REWRITABLE.replace('"""Reads', '# -*- coding: latin-1 -*-\n"""Lit \xe9 -- reads')
                      .replace("\n", "\r\n").encode("latin-1"))
    bom = project / "app" / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + REWRITABLE.replace("Reads", "Lit \u00e9").encode("utf-8"))
    os.chmod(latin, 0o640)
    assert run_cli("fix", ".", cwd=project).code == 0
    data = latin.read_bytes()
    assert b"Lit \xe9" in data and b"get_strategy_client()).get_strategy" in data
    assert data.count(b"\r\n") == data.count(b"\n")
    assert oct(latin.stat().st_mode & 0o777) == oct(0o640)
    data = bom.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "Lit é".encode() in data and b"get_strategy(" in data
    assert not [p for p in (project / "app").iterdir() if p.name.startswith(".")], "temporary files left"


def test_a_result_that_would_not_compile_is_not_written(project, run_cli, monkeypatch):
    import libcst as cst

    from boundary_lint.codemod.transform import RewriteSqlToClientCalls

    real = RewriteSqlToClientCalls.transform_module

    def awaits_in_a_sync_function(self, tree):
        real(self, tree)
        return cst.parse_module("def f():\n    await x\n")

    monkeypatch.setattr(RewriteSqlToClientCalls, "transform_module", awaits_in_a_sync_function)
    before = stamps(project)
    result = run_cli("fix", ".", cwd=project)
    assert "app/reads.py:1: error: rewrite abandoned (SyntaxError: 'await' outside async function" in result.err
    assert stamps(project) == before


def test_a_change_the_tree_cannot_locate_abandons_the_file(project, run_cli, monkeypatch):
    from boundary_lint.codemod.transform import RewriteSqlToClientCalls

    monkeypatch.setattr(RewriteSqlToClientCalls, "leave_Call", lambda self, original, updated: updated)
    before = stamps(project)
    result = run_cli("fix", ".", cwd=project)
    assert "app/reads.py:1: error: rewrite abandoned (RuntimeError: 1 planned change(s) not found" in result.err
    assert stamps(project) == before


def test_lone_carriage_returns_are_left_alone(project, run_cli):
    odd = project / "app" / "odd.py"
    odd.write_bytes(REWRITABLE.replace("\n", "\r").encode())
    before = odd.read_bytes()
    result = run_cli("fix", ".", cwd=project)
    assert "app/odd.py:1: warning: lone carriage returns" in result.err
    assert odd.read_bytes() == before


@pytest.mark.parametrize("extra, args, message", [
    ('[[services.algo_engine.rewrites]]\nsql = "SELECT * FROM public.strategy WHERE id = :id"\ncall = "get(x)"\n',
     (), "call uses x, not a placeholder of its sql"),
    ("", ("--service", "nope"), "unknown service 'nope'"),
    ("", ("missing_folder",), "no such file or folder: missing_folder"),
])
def test_usage_and_configuration_errors_exit_2(project, run_cli, extra, args, message):
    with open(project / "boundaries.toml", "a") as registry:
        registry.write(extra)
    before = stamps(project)
    result = run_cli("fix", *args, *([] if "missing_folder" in args else ["."]), cwd=project)
    assert result.code == 2
    assert message in result.err
    assert stamps(project) == before


def test_contract_in_markdown_and_json(project, run_cli, tmp_path):
    markdown, document = tmp_path / "contract.md", tmp_path / "contract.json"
    assert run_cli("fix", "--diff", "--contract", str(markdown), ".", cwd=project).code == 1
    assert not markdown.exists()  # --diff writes nothing at all
    shutil.copytree(project, tmp_path / "again")
    shutil.copytree(project, tmp_path / "third")
    run_cli("fix", "--contract", str(markdown), ".", cwd=project)
    text = markdown.read_text()
    assert "## algo_engine" in text and "#### `get_strategy(strategy_id)`" in text
    assert "SELECT * FROM public.strategy WHERE strategy_id = :id" in text
    assert "`app/reads.py:6`: `get_strategy(strategy_id=strategy_id)`" in text
    run_cli("fix", "--contract", str(document), "--contract-format", "json", ".", cwd=tmp_path / "again")
    services = json.loads(document.read_text())["services"]
    service = services[0]
    assert [s["service"] for s in services] == ["algo_engine"]
    assert service["client"] == {"module": "app.clients", "factory": "get_strategy_client", "awaitable": True}
    method = service["methods"][0]
    assert method["call_sites"] == [
        {"path": "app/reads.py", "line": 6, "call": "get_strategy(strategy_id=strategy_id)"}]
    assert (method["kind"], method["verb"], method["table"], method["returns"], method["missing"],
            method["fields"]) == ("derived", "select", "public.strategy", "row or null", "null", None)
    assert service["refused"] == [
        {"path": "app/touch.py", "line": 2, "table": "public.strategy", "reason": "NOW() is not a bound value"},
        {"path": "migrations/001.sql", "line": 1, "table": "public.strategies",
         "reason": "in a .sql file: no call to rewrite"}]
    unreadable = tmp_path / "third" / "app" / "clients.py"
    unreadable.write_text(CLIENT.replace("-> StrategyClient", ""))
    result = run_cli("fix", "--diff", ".", cwd=tmp_path / "third")
    assert "left BND100 public.strategy: client class cannot be read from its module" in result.err


def test_an_absent_client_module_is_a_refusal_unless_assumed(project, run_cli):
    (project / "app" / "clients.py").unlink()
    result = run_cli("fix", "--diff", ".", cwd=project)
    assert result.code == 0 and result.out == ""
    assert ("app/reads.py:6: left BND100 public.strategy: client module not found (client module app.clients "
            "not found; add it, or pass --assume-clients to write calls to methods that do not exist yet)") in result.err
    assert "clients to write or complete:\n      1  client module app.clients not found\n" in result.err
    assumed = run_cli("fix", "--diff", "--assume-clients", ".", cwd=project)
    assert assumed.code == 1 and "get_strategy(strategy_id=strategy_id)" in assumed.out
    assert "      1  app.clients: get_strategy (called, written with --assume-clients)" in assumed.err


def test_a_client_module_found_from_the_files_package_root(project, run_cli):
    """A client in a sub-folder package is found as Python would import it from the file."""
    service = project / "services" / "orders"
    (service / "app").mkdir(parents=True)
    (project / "app" / "clients.py").rename(service / "app" / "clients.py")
    (project / "app" / "reads.py").rename(service / "app" / "reads.py")
    (service / "app" / "__init__.py").write_text("")
    (project / "boundaries.toml").write_text(REGISTRY.replace('paths = ["app/**", "migrations/**"]',
                                                              'paths = ["app/**", "services/**", "migrations/**"]'))
    result = run_cli("fix", "--diff", ".", cwd=project)
    assert result.code == 1 and "get_strategy(strategy_id=strategy_id)" in result.out, result.err


def test_a_write_moved_out_of_its_transaction_is_listed(project, run_cli, tmp_path):
    (project / "app" / "close.py").write_text(
        "async def close(session, sid):\n"
        "    await session.execute(\"DELETE FROM public.strategy WHERE strategy_id = :id\", {\"id\": sid})\n"
        "    await session.commit()\n")
    (project / "app" / "clients.py").write_text(CLIENT.replace(
        "    async def get_strategy", "    async def delete_strategy(self, strategy_id: int) -> int: ...\n"
                                     "    async def get_strategy"))
    refused = run_cli("fix", "--diff", ".", cwd=project)
    assert "app/close.py:2: left BND101 public.strategy: write followed by a commit()" in refused.err
    document = tmp_path / "contract.json"
    moved = run_cli("fix", "--allow-non-atomic", "--contract", str(document), "--contract-format", "json", ".",
                    cwd=project)
    assert moved.code == 0, moved.err
    methods = {m["name"]: m for m in json.loads(document.read_text())["services"][0]["methods"]}
    assert methods["delete_strategy"]["no_longer_atomic"] == [
        {"path": "app/close.py", "line": 4, "why": "no longer atomic (write followed by a commit(): the caller owns "
                                                   "the transaction)"}]


def test_check_never_imports_libcst(project):
    code = ("import sys; from boundary_lint.cli import main; main(['check', '--no-cache', '.']); "
            "print('libcst' in sys.modules, 'boundary_lint.codemod' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines()[-1] == "False False", out.stderr


def test_diff_line_numbers_are_the_files_own(project, run_cli):
    """A form feed or a line separator inside a line does not shift the diff's line numbers."""
    reads = project / "app" / "reads.py"
    reads.write_text(REWRITABLE.replace('"""Reads the', '# \x0c section\n# odd \u2028 char\n"""Reads the'))
    result = run_cli("fix", "--diff", ".", cwd=project)
    hunk = next(line for line in result.out.splitlines() if line.startswith("@@"))
    lines = reads.read_text().split("\n")
    start = int(hunk.split()[1].split(",")[0].lstrip("-"))
    context = [line for line in result.out.split("\n") if line.startswith(" ")][0][1:]
    assert lines[start - 1] == context


def test_a_parameter_only_the_sql_used_is_reported(project, run_cli):
    """The session the rewritten call no longer needs is said (callers still pass it), not removed."""
    result = run_cli("fix", ".", cwd=project)
    assert "app/reads.py:5: note: parameter session of load() is no longer used" in result.err
    assert "async def load(session, strategy_id):" in (project / "app" / "reads.py").read_text()


def test_fix_walks_the_folders_check_walks(project, run_cli):
    """``settings.exclude`` replaces the default excludes for fix as for check: build/ is then read."""
    (project / "boundaries.toml").write_text('[settings]\nexclude = ["vendor"]\n' + REGISTRY)
    (project / "app" / "build").mkdir()
    (project / "app" / "build" / "reads.py").write_text(REWRITABLE)
    assert any(f["path"] == "app/build/reads.py"
               for f in run_cli("check", "--no-cache", "--format", "json", ".", cwd=project).json["findings"])
    result = run_cli("fix", "--diff", ".", cwd=project)
    assert "+++ b/app/build/reads.py" in result.out, result.err


def test_diff_reports_what_is_left_at_the_lines_on_disk(project, run_cli):
    """With --diff nothing is written, so a finding left is named at its line in the file as it is
    (the import the rewrite would add does not move it)."""
    (project / "app" / "touch.py").write_text(
        "async def load(session, strategy_id):\n"
        "    result = await session.execute(\"SELECT * FROM public.strategy WHERE strategy_id = :id\", "
        "{\"id\": strategy_id})\n"
        "    return result.mappings().first()\n\n\n"
        "async def touch(session, strategy_id):\n"
        "    await session.execute(\"UPDATE public.strategy SET updated_at = NOW() WHERE strategy_id = :id\", "
        "{\"id\": strategy_id})\n")
    result = run_cli("fix", "--diff", ".", cwd=project)
    assert "app/touch.py:7: left BND101 public.strategy: NOW() is not a bound value" in result.err, result.err

def test_an_orm_read_or_write_is_left_to_be_rewritten_by_hand(tmp_path, run_cli):
    (tmp_path / "boundaries.toml").write_text(
        '[services.billing]\nowns = ["billing.*"]\npaths = ["billing/**"]\n'
        '[services.orders]\nowns = ["orders.*"]\npaths = ["orders/**"]\n')
    (tmp_path / "billing").mkdir()
    (tmp_path / "orders").mkdir()
    (tmp_path / "billing" / "models.py").write_text(
        "from django.db import models\n\n\nclass Invoice(models.Model):\n"
        "    class Meta:\n        db_table = 'billing.invoices'\n")
    source = ("from billing.models import Invoice\n\n\ndef f():\n"
              "    Invoice.objects.filter(paid=False).update(paid=True)\n    return Invoice.objects.count()\n")
    (tmp_path / "orders" / "service.py").write_text(source)
    result = run_cli("fix", ".", cwd=tmp_path)
    assert result.code == 0
    assert (tmp_path / "orders" / "service.py").read_text() == source  # never rewritten
    assert "orders/service.py:5: left BND101 billing.invoices: ORM access: rewrite by hand" in result.err
    assert "orders/service.py:6: left BND100 billing.invoices: ORM access: rewrite by hand" in result.err
    assert "      2  ORM access: rewrite by hand" in result.err
