"""``boundary-lint server`` spoken to by a real LSP client over stdio (tests/lsp_client.py):
initialize, open a file, receive check's diagnostics, hover, apply a code action, shut down.

What the server says is compared with what ``check`` and ``fix`` say of the same file, so an
editor and CI can never disagree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the server needs pygls (pip install 'boundary-lint[lsp]')")

from lsp_client import LspClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "order_service"
PORTFOLIO = "app/services/default_portfolio_service.py"


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "order_service"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("tests", "__pycache__", "README.md"))
    return target


@pytest.fixture
def project(tmp_path):
    return copy_example(tmp_path)


def start(cwd: Path, **options) -> LspClient:
    client = LspClient(cwd)
    answer = client.request("initialize", {"processId": None, "rootUri": cwd.as_uri(), "capabilities": {},
                                           "initializationOptions": {"debounce": 0.05, **options}})
    capabilities = answer["result"]["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["codeActionProvider"]
    client.notify("initialized", {})
    return client


@pytest.fixture
def lsp(project):
    client = start(project)
    yield client
    assert client.close() == 0


def open_file(client: LspClient, path: Path, text=None) -> list:
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": path.as_uri(), "languageId": "python" if path.suffix == ".py" else "sql", "version": 1,
        "text": path.read_text(encoding="utf-8") if text is None else text}})
    return client.diagnostics(path.as_uri())


def change(client: LspClient, path: Path, text: str, version: int = 2) -> list:
    client.notify("textDocument/didChange", {"textDocument": {"uri": path.as_uri(), "version": version},
                                             "contentChanges": [{"text": text}]})
    return client.diagnostics(path.as_uri())


def check_json(run_cli, project: Path, relative: str) -> list:
    return run_cli("check", "--format", "json", relative, cwd=project).json["findings"]


def places(diagnostics) -> list:
    return sorted((d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["code"])
                  for d in diagnostics if d.get("data"))


def apply_edits(text: str, edits) -> str:
    """Apply TextEdits as an editor does (ranges of the original text, last first)."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position):
        return offsets[min(position["line"], len(lines))] + position["character"]

    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


@pytest.mark.parametrize("relative", [PORTFOLIO, "migrations/006_add_strategy_foreign_keys.sql"])
def test_open_gives_the_diagnostics_check_reports(lsp, project, run_cli, relative):
    diagnostics = open_file(lsp, project / relative)
    findings = check_json(run_cli, project, relative)
    assert places(diagnostics) == sorted((f["line"], f["column"], f["code"]) for f in findings)
    assert {d["message"] for d in diagnostics} == {f["message"] for f in findings}
    for d in diagnostics:
        assert d["severity"] == 1 and d["source"] == "boundary-lint"
        anchor = d["codeDescription"]["href"].rsplit("#", 1)[1]
        assert anchor.startswith(d["code"].lower() + "-")
        assert f'](#{anchor})' in (ROOT / "docs" / "rules.md").read_text()
    first = diagnostics[0]
    text = (project / relative).read_text().splitlines()[first["range"]["start"]["line"]]
    assert text[first["range"]["start"]["character"]:first["range"]["end"]["character"]] == first["data"]["table"]


def test_an_unsaved_buffer_is_checked_from_its_text(lsp, project):
    path = project / "app" / "services" / "holdings_service.py"
    saved = path.read_text()
    before = open_file(lsp, path)
    typed = saved + '\n\nASK = "SELECT name FROM public.strategy WHERE strategy_id = %s"\n\n\n' \
                    'def ask(cur, sid):\n    cur.execute(ASK, (sid,))\n'
    after = change(lsp, path, typed)
    asked = 'ASK = "SELECT name FROM public.strategy WHERE strategy_id = %s"'
    new_line = typed.splitlines().index(asked) + 1
    assert set(places(after)) - set(places(before)) == {(new_line, asked.index("public.") + 1, "BND100")}
    assert path.read_text() == saved
    assert places(change(lsp, path, saved, 3)) == places(before)


def test_hover_names_owner_operation_and_the_way_to_access(lsp, project):
    path = project / PORTFOLIO
    diagnostics = open_file(lsp, path)
    write = next(d for d in diagnostics if d["code"] == "BND101")
    answer = lsp.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                "position": write["range"]["start"]})
    text = answer["result"]["contents"]["value"]
    assert f"**{write['data']['table']}** is owned by **algo_engine**" in text
    assert "order_service writes it here (BND101" in text
    assert "`app.clients.strategy_service_client.get_strategy_client()`" in text
    read = next(d for d in diagnostics if d["code"] == "BND100")
    answer = lsp.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                "position": read["range"]["end"]})
    assert "`may_read` of `order_service` in boundaries.toml" in answer["result"]["contents"]["value"]
    nowhere = lsp.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                 "position": {"line": 0, "character": 0}})
    assert nowhere["result"] is None


def actions_for(client, path, diagnostic) -> dict:
    answer = client.request("textDocument/codeAction", {
        "textDocument": {"uri": path.as_uri()}, "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic]}})
    return {a["title"]: a for a in answer["result"]}


def test_the_rewrite_action_is_exactly_what_fix_writes(lsp, project, tmp_path):
    path = project / PORTFOLIO
    text = path.read_text()
    diagnostics = open_file(lsp, path)
    first = diagnostics[0]
    actions = actions_for(lsp, path, first)
    title = ("Rewrite with algo_engine's client: get_default_strategy(trading_account_id) "
             "(boundary-lint fix, and 1 more call in this file)")  # fix rewrites the file, as the title says
    assert title in actions and actions[title]["isPreferred"] is True
    rewritten = apply_edits(text, actions[title]["edit"]["changes"][path.as_uri()])

    fixed = copy_example(tmp_path / "fixed")
    done = subprocess.run([sys.executable, "-m", "boundary_lint", "fix", PORTFOLIO], cwd=fixed,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert rewritten == (fixed / PORTFOLIO).read_text() != text
    after = change(lsp, path, rewritten)
    assert (first["range"]["start"]["line"] + 1, first["range"]["start"]["character"] + 1, "BND100") \
        not in places(after)
    assert len(places(after)) < len(places(diagnostics))


def test_the_suppress_action_adds_the_projects_comment_and_the_finding_goes(lsp, project):
    path = project / "migrations" / "006_add_strategy_foreign_keys.sql"
    text = path.read_text()
    diagnostics = open_file(lsp, path)
    target = diagnostics[0]
    actions = actions_for(lsp, path, target)
    assert list(actions) == [f"Suppress {target['code']} with a reason (boundary: allow)"]  # fix leaves SQL files
    edited = apply_edits(text, next(iter(actions.values()))["edit"]["changes"][path.as_uri()])
    line = edited.splitlines()[target["range"]["start"]["line"]]
    assert line.endswith(f"  -- boundary: allow {target['code']} -- TODO: say why this crossing is accepted")
    after = change(lsp, path, edited)
    assert places(after) == [p for p in places(diagnostics) if p != places([target])[0]]
    assert all("unused suppression" not in d["message"] for d in after)


def test_a_python_suppression_goes_at_the_end_of_the_statement(lsp, project):
    path = project / PORTFOLIO
    diagnostics = open_file(lsp, path)
    target = diagnostics[0]  # inside a multi-line SQL string: the comment goes after the call
    edit = next(a for t, a in actions_for(lsp, path, target).items() if t.startswith("Suppress"))
    edited = apply_edits(path.read_text(), edit["edit"]["changes"][path.as_uri()])
    compile(edited, str(path), "exec")
    after = change(lsp, path, edited)
    assert places([target])[0] not in places(after) and len(places(after)) == len(places(diagnostics)) - 1


def test_a_file_that_does_not_parse_gives_one_diagnostic(lsp, project):
    path = project / "app" / "services" / "holdings_service.py"
    diagnostics = open_file(lsp, path, "def broken(:\n    cur.execute('SELECT * FROM public.holdings')\n")
    assert len(diagnostics) == 1
    assert diagnostics[0]["severity"] == 1 and diagnostics[0]["message"].startswith("cannot parse as Python")


def test_a_file_of_no_service_gets_no_diagnostic_and_the_server_goes_on(lsp, project):
    path = project / "scripts" / "one_off.py"
    path.parent.mkdir()
    path.write_text('cur.execute("SELECT * FROM public.strategy")\n')
    assert open_file(lsp, path) == []
    assert places(open_file(lsp, project / PORTFOLIO))


def test_a_broken_registry_gives_one_diagnostic_on_it_until_it_is_fixed(project):
    registry = project / "boundaries.toml"
    good = registry.read_text()
    registry.write_text(good.replace('[services.order_service]\nowns = ["order_service.*"]',
                                     '[services.order_service]\nowns = "order_service.*"'))
    client = start(project)
    try:
        path = project / PORTFOLIO
        client.notify("textDocument/didOpen", {"textDocument": {"uri": path.as_uri(), "languageId": "python",
                                                                "version": 1, "text": path.read_text()}})
        on_registry = client.diagnostics(registry.as_uri())
        assert len(on_registry) == 1 and "owns" in on_registry[0]["message"]
        assert client.diagnostics(path.as_uri()) == []
        registry.write_text(good)
        client.notify("textDocument/didSave", {"textDocument": {"uri": registry.as_uri()}})
        assert client.diagnostics(registry.as_uri()) == []
        assert places(client.diagnostics(path.as_uri()))
    finally:
        assert client.close() == 0


def test_input_that_is_no_json_rpc_is_answered_per_the_protocol_and_the_server_goes_on(lsp, project):
    lsp.send_raw(b"{this is not json")
    parse = lsp.wait(lambda m: "error" in m and m.get("id") is None)
    assert parse["error"]["code"] == -32700 and "id" in parse
    lsp.send_raw(b'{"id": 41, "params": {}}')  # JSON, but no JSON-RPC message
    assert lsp.wait(lambda m: "error" in m and m.get("id") is None)["error"]["code"] == -32600
    unknown = lsp.request("boundary/noSuchMethod", {})
    assert unknown["error"]["code"] == -32601
    assert places(open_file(lsp, project / PORTFOLIO))  # still serving


def test_server_without_pygls_says_how_to_install_it(run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "boundary_lint.lsp.server", None)
    result = run_cli("server")
    assert result.code == 2 and "pip install 'boundary-lint[lsp]'" in result.err


def test_typing_is_checked_once_after_a_pause_not_at_every_change(project):
    client = start(project, debounce=1.0)
    try:
        path = project / "app" / "services" / "holdings_service.py"
        text = path.read_text()
        open_file(client, path)
        for version, extra in enumerate(("S", "SE", "SEL"), 2):  # three keystrokes
            client.notify("textDocument/didChange", {"textDocument": {"uri": path.as_uri(), "version": version},
                                                     "contentChanges": [{"text": text + f"# {extra}\n"}]})
        published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        assert published["params"]["version"] == 4
        client.request("shutdown")  # answered after anything queued before it
        assert not [m for m in client.seen if m.get("method") == "textDocument/publishDiagnostics"]
        client.notify("exit", {})
        assert client.process.wait(timeout=60) == 0
    finally:
        client.close()


def test_a_call_fix_refuses_gets_no_rewrite_action(lsp, project):
    path = project / "app" / "services" / "holdings_service.py"  # fix: "a cast of a bound value"
    diagnostics = open_file(lsp, path)
    assert diagnostics
    for diagnostic in diagnostics:
        assert list(actions_for(lsp, path, diagnostic)) == [f"Suppress {diagnostic['code']} with a reason "
                                                            "(boundary: allow)"]


def test_a_model_edited_in_the_editor_reaches_the_open_files_that_use_it(tmp_path):
    """The index the server built at start is not frozen: a model's table moved to the user's
    own service (unsaved) clears the finding in the open file that queries it, and back."""
    (tmp_path / "boundaries.toml").write_text(
        '[services.billing]\nowns = ["billing.*"]\npaths = ["billing/**"]\n'
        '[services.orders]\nowns = ["orders.*"]\npaths = ["orders/**"]\n')
    for package in ("billing", "orders"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    models = tmp_path / "billing" / "models.py"
    models.write_text('from django.db import models\n\n\nclass Invoice(models.Model):\n'
                      '    class Meta:\n        db_table = \'billing"."invoices\'\n')
    service = tmp_path / "orders" / "service.py"
    service.write_text("from billing.models import Invoice\n\n\ndef unpaid():\n"
                       "    return Invoice.objects.filter(paid=False)\n")
    client = start(tmp_path)
    try:
        assert places(open_file(client, service)) == [(5, 12, "BND100")]
        open_file(client, models)
        moved = models.read_text().replace('billing"."invoices', 'orders"."invoices')
        change(client, models, moved)
        assert places(client.diagnostics(service.as_uri())) == []
        change(client, models, models.read_text(), 3)
        assert places(client.diagnostics(service.as_uri())) == [(5, 12, "BND100")]
    finally:
        assert client.close() == 0
