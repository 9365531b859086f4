"""``boundary-lint map``: the service-to-owner picture of the run ``check`` makes, as Mermaid,
DOT and one self-contained HTML file. Each form is parsed back and compared with ``check``'s
own count by service pair (its JSON ``by_owner``), so the picture cannot drift from the gate."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "order_service"
MERMAID_EDGE = re.compile(r'^\s+(\w+) (==>|-->|-\.->|-\.-)\|"([^"]*)"\| (\w+)$', re.MULTILINE)
DOT_EDGE = re.compile(r'^\s+"([^"]+)" -> "([^"]+)" \[label="([^"]*)", weight=(\d+), penwidth=[\d.]+, '
                      r'style=(\w+), class="(\w+)"\];$', re.MULTILINE)


@pytest.fixture
def run_cli(run_cli):
    """The CLI run from the example's folder unless told otherwise."""
    return lambda *args, cwd=EXAMPLE: run_cli(*args, cwd=cwd)


def check_pairs(run_cli, *args, cwd=EXAMPLE):
    """``check``'s count per (service, owner): what every form of the map must show."""
    rows = run_cli("check", "--format", "json", *args, cwd=cwd).json["summary"]["by_owner"]
    return {(r["service"], r["owner"]): r["total"] for r in rows}


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "order_service"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("tests", "__pycache__", "README.md"))
    return target


def test_mermaid_draws_one_weighted_arrow_per_pair_check_counts(run_cli):
    result = run_cli("map", ".", "--format", "mermaid")
    assert result.code == 0, result.err
    assert result.out.startswith("```mermaid\nflowchart LR\n") and result.out.endswith("```\n")
    new = {(s, o): label for s, arrow, label, o in MERMAID_EDGE.findall(result.out) if arrow == "==>"}
    pairs = check_pairs(run_cli, ".")
    assert set(new) == set(pairs)
    for pair, label in new.items():  # "5 reads, 4 writes, 3 FKs" adds up to check's total
        assert sum(int(n) for n in re.findall(r"(\d+) ", label)) == pairs[pair], (pair, label)
    granted = [(s, label, o) for s, arrow, label, o in MERMAID_EDGE.findall(result.out) if arrow == "-.-"]
    assert granted == [("order_service", "granted: may_read user_service.v_trading_accounts", "user_service")]
    for service in ("algo_engine", "analytics", "market_data", "order_service", "user_service"):
        assert f'    {service}["{service}"]' in result.out


def test_dot_edges_carry_the_count_as_weight_and_label(run_cli):
    result = run_cli("map", ".", "--format", "dot")
    assert result.code == 0 and result.out.startswith("digraph boundaries {")
    edges = DOT_EDGE.findall(result.out)
    new = {(s, o): int(w) for s, o, _, w, style, status in edges if status == "new"}
    assert new == check_pairs(run_cli, ".")
    assert all(style == "bold" for *_, style, status in edges if status == "new")
    assert ("order_service", "algo_engine", "5 reads, 4 writes, 3 FKs") in {(s, o, l) for s, o, l, *_ in edges}


def test_baselined_and_suppressed_findings_are_drawn_apart_from_new_ones(run_cli, tmp_path):
    project = copy_example(tmp_path)
    accepted = run_cli("check", "--write-baseline", "baseline.json", "migrations", cwd=project)
    assert "4 findings accepted" in accepted.err
    service = project / "app" / "services" / "holdings_service.py"
    lines = service.read_text().splitlines()
    lines[18] += "  # boundary: allow BND100 -- read model agreed with user_service"
    service.write_text("\n".join(lines) + "\n")

    result = run_cli("map", ".", "--baseline", "baseline.json", cwd=project)
    edges = {(s, arrow, o): label for s, arrow, label, o in MERMAID_EDGE.findall(result.out)}
    assert edges[("order_service", "-->", "algo_engine")] == "baselined: 3 FKs"
    assert edges[("order_service", "-->", "analytics")] == "baselined: 1 schema change"
    assert edges[("order_service", "-.->", "user_service")] == "suppressed: 1 read"
    assert edges[("order_service", "==>", "algo_engine")] == "5 reads, 4 writes"  # the FKs are no longer new
    new = {(s, o): sum(int(n) for n in re.findall(r"(\d+) ", label))
           for (s, arrow, o), label in edges.items() if arrow == "==>"}
    assert new == check_pairs(run_cli, ".", "--baseline", "baseline.json", cwd=project)
    page = Page()
    page.feed(run_cli("map", ".", "--baseline", "baseline.json", "--format", "html", cwd=project).out)
    assert page.cells["cell-order_service-algo_engine"] == [
        "5 reads (BND100)", "4 writes (BND101)", "baselined: 3 FKs (BND102)"]
    assert page.cells["cell-order_service-user_service"] == [
        "5 reads (BND100)", "2 writes (BND101)", "suppressed: 1 read (BND100)",
        "granted: may_read user_service.v_trading_accounts"]
    assert sorted(i["status"] for i in page.items if i["status"] != "new") == ["baselined"] * 4 + ["suppressed"]


class Page(HTMLParser):
    """The parts of the report a reader uses: cells, their links, the findings they lead to."""

    def __init__(self) -> None:
        super().__init__()
        self.ids, self.links, self.cells, self.items, self.external = set(), [], {}, [], []
        self._cell = self._item = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("src", "href"):
            if attrs.get(key, "").startswith(("http:", "https:", "//")):
                self.external.append(attrs[key])
        if tag in ("script", "link", "img", "iframe") and ("src" in attrs or "href" in attrs):
            self.external.append(f"{tag} {attrs}")
        if tag == "td":
            self._cell = attrs["id"]
            self.cells[self._cell] = []
        elif tag in ("a", "span") and self._cell:  # a link per status and code; a grant is a span
            if tag == "a":
                self.links.append((self._cell, attrs["href"], attrs["data-code"]))
            self.cells[self._cell].append("")
        elif tag == "li":
            self._item = {"code": attrs.get("data-code"), "status": attrs.get("data-status"), "text": ""}
            self.items.append(self._item)

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "li":
            self._item = None

    def handle_data(self, data):
        if self._cell and self.cells[self._cell]:
            self.cells[self._cell][-1] += data
        if self._item is not None:
            self._item["text"] += data


def test_html_matrix_cells_link_to_their_findings_with_file_line_and_statement(run_cli, tmp_path):
    out = tmp_path / "map.html"
    result = run_cli("map", ".", "--format", "html", "-o", str(out))
    assert result.code == 0 and "wrote" in result.err and result.out == ""
    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.external == []
    assert "<svg" in out.read_text() and "Content-Security-Policy" in out.read_text()
    assert page.cells["cell-order_service-algo_engine"] == ["5 reads (BND100)", "4 writes (BND101)", "3 FKs (BND102)"]
    for cell, href, _ in page.links:
        assert href.startswith("#findings-") and href[1:] in page.ids, href
        assert cell.replace("cell-", "findings-") == href[1:]
    findings = run_cli("check", "--format", "json", ".").json["findings"]
    texts = [item["text"] for item in page.items]
    assert len(texts) == len(findings)
    for finding in findings:  # each finding listed under its cell, with its place and the statement's text
        where = f"{finding['path']}:{finding['line']} {finding['code']} {finding['message']}"
        assert any(t.startswith(where) for t in texts), where
    fk = next(t for t in texts if t.startswith("migrations/006_add_strategy_foreign_keys.sql:9 "))
    assert "REFERENCES public.strategies (id)" in fk


def test_a_run_with_no_crossing_draws_the_services_and_says_so(run_cli, tmp_path):
    (tmp_path / "boundaries.toml").write_text(
        '[services.billing]\nowns = ["billing.*"]\npaths = ["billing/**"]\n'
        '[services.ledger]\nowns = ["ledger.*"]\npaths = ["ledger/**"]\n')
    (tmp_path / "billing").mkdir()
    (tmp_path / "billing" / "q.py").write_text('def f(db):\n    return db.execute("SELECT * FROM billing.invoice")\n')
    mermaid = run_cli("map", ".", cwd=tmp_path)
    assert mermaid.code == 0
    assert MERMAID_EDGE.findall(mermaid.out) == []
    assert '    billing["billing"]' in mermaid.out and '    ledger["ledger"]' in mermaid.out
    assert "no crossings" in mermaid.out
    assert 'label="no crossings' in run_cli("map", ".", "--format", "dot", cwd=tmp_path).out
    html = run_cli("map", ".", "--format", "html", cwd=tmp_path).out
    assert "no crossings" in html and 'data-node="billing"' in html and 'id="matrix"' not in html


def test_map_usage_errors_exit_2_with_a_message(run_cli, tmp_path):
    missing = run_cli("map", "nowhere")
    assert missing.code == 2 and "no such file or folder: nowhere" in missing.err
    unwritable = run_cli("map", ".", "-o", str(tmp_path / "no" / "such" / "map.md"))
    assert unwritable.code == 2 and "cannot write" in unwritable.err
    with pytest.raises(SystemExit) as bad_format:  # argparse: the choices are said
        run_cli("map", ".", "--format", "svg")
    assert bad_format.value.code == 2
    assert run_cli("map", ".", "--baseline", "x.json", "--no-baseline").code == 2


def readme_maps() -> list:
    text = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    section = text.split("## Who reaches into whose tables", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```mermaid\n.*?^```\n", section, re.MULTILINE | re.DOTALL)


def test_the_example_readme_shows_the_map_before_and_after_fix_as_the_tool_prints_them(run_cli, tmp_path):
    project = copy_example(tmp_path)
    before = run_cli("map", ".", cwd=project).out
    fixed = run_cli("fix", "--assume-clients", "--write-clients", "app", cwd=project)
    assert fixed.code == 0, fixed.err
    assert "rewritten       4 calls in 2 files" in fixed.err
    after = run_cli("map", ".", cwd=project).out
    assert before != after
    assert readme_maps() == [before, after], (
        "examples/order_service/README.md is out of date: paste these blocks\n" + before + after)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)")
def test_graphviz_renders_the_dot_form_without_a_warning(run_cli):
    import subprocess

    drawn = subprocess.run(["dot", "-Tsvg"], input=run_cli("map", ".", "--format", "dot").out,
                           capture_output=True, text=True, timeout=120)
    assert drawn.returncode == 0 and drawn.stderr == ""
    assert drawn.stdout.count('class="edge') == len(DOT_EDGE.findall(run_cli("map", ".", "--format", "dot").out))


def test_tables_of_no_owner_and_names_built_at_run_time_get_nodes_of_their_own():
    from boundary_lint.model import Finding
    from boundary_lint.report.owners import NO_OWNER, RUN_TIME
    from boundary_lint.report.map_graph import MapInput, build_graph
    from boundary_lint.report.map_mermaid import format_mermaid

    found = (Finding("a.py", 1, 1, "BND104", "public.legacy", "orders", "", "read"),
             Finding("a.py", 2, 1, "BND105", "public.{}", "orders", "", "read"),
             Finding("a.py", 3, 1, "BND101", "billing.invoice", "orders", "billing", "write"))
    graph = build_graph(MapInput(services=("orders", "billing"), new=found))
    assert graph.owners == ("billing", NO_OWNER, RUN_TIME)
    edges = MERMAID_EDGE.findall(format_mermaid(graph))
    assert sorted((s, o, label) for s, _, label, o in edges) == [
        ("orders", "billing", "1 write"), ("orders", "no_owner", "1 read"),
        ("orders", "table_name_built_at_run_time", "1 read")]
    assert f'no_owner["{NO_OWNER}"]' in format_mermaid(graph)
