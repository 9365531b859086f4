"""``boundary-lint fix`` end to end: diff and exit codes, safe writes (atomic, encoding,
newlines, mode, mtime of untouched files), refusal to write what does not parse,
configuration errors, the contract, and ``check`` never importing libcst."""

from __future__ import annotations

import json
import os
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
    result = run_cli("fix", "app/queries.py", cwd=project)
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
    run_cli("fix", "--diff", "--contract", str(markdown), ".", cwd=project)
    text = markdown.read_text()
    assert "## algo_engine" in text and "#### `get_strategy(strategy_id)`" in text
    assert "SELECT * FROM public.strategy WHERE strategy_id = :id" in text
    assert "`app/reads.py:6`: `get_strategy(strategy_id=strategy_id)`" in text
    run_cli("fix", "--diff", "--contract", str(document), "--contract-format", "json", ".", cwd=project)
    service = json.loads(document.read_text())["services"][0]
    assert service["service"] == "algo_engine"
    assert service["client"] == {"module": "app.clients", "factory": "get_strategy_client", "awaitable": True}
    assert service["methods"][0]["call_sites"] == [
        {"path": "app/reads.py", "line": 6, "call": "get_strategy(strategy_id=strategy_id)"}]


def test_check_never_imports_libcst(project):
    code = ("import sys; from boundary_lint.cli import main; main(['check', '--no-cache', '.']); "
            "print('libcst' in sys.modules, 'boundary_lint.codemod' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines()[-1] == "False False", out.stderr


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
