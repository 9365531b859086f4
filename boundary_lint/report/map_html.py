"""The map as one self-contained HTML file: the picture, then the services x owners matrix.

No network and no external file: the picture is inline SVG (:mod:`.map_svg`),
the style and the filter script are inline, and a Content-Security-Policy
forbids any fetch. Each matrix cell counts its findings per status and code
and links to their list (file:line, the message, the statement's source).
"""

from __future__ import annotations

from html import escape
from typing import Dict, List, Mapping

from boundary_lint.model import Finding
from boundary_lint.report.owners import by_owner, counts_text
from boundary_lint.report.map_graph import STATUSES, MapGraph, status_prefix
from boundary_lint.report.map_mermaid import NO_CROSSINGS, node_ids
from boundary_lint.report.map_svg import COLOURS, format_svg

POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
STYLE = """body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.35em .6em;vertical-align:top;text-align:left}
td a{display:block;text-decoration:none}""" + "".join(
    f"\n.{s}{{color:{c}}}" for s, c in COLOURS.items()) + """
pre{background:#f6f6f6;padding:.4em;margin:.2em 0 .8em;white-space:pre-wrap}
form{margin:1em 0}label{margin-right:1.5em}.hidden{display:none}"""
SCRIPT = """(function(){
var code=document.getElementById('filter-code'),service=document.getElementById('filter-service');
function apply(){
 document.querySelectorAll('[data-code]').forEach(function(e){
  e.classList.toggle('hidden',!!code.value&&e.dataset.code!==code.value);});
 document.querySelectorAll('[data-service]').forEach(function(e){
  e.classList.toggle('hidden',!!service.value&&e.dataset.service!==service.value);});
 document.querySelectorAll('section.findings').forEach(function(s){
  if(!s.querySelector('li:not(.hidden)'))s.classList.add('hidden');});
}
code.addEventListener('change',apply);service.addEventListener('change',apply);apply();
})();"""


def anchor(ids: Mapping[str, str], service: str, owner: str) -> str:
    return f"findings-{ids[service]}-{ids[owner]}"


def format_html(graph: MapGraph, statements: Mapping[Finding, str], title: str = "boundary-lint map") -> str:
    """The whole page; ``statements``: each finding's source text (missing ones are left out)."""
    ids = node_ids(graph)
    edges = [e for e in graph.edges if e.status != "granted"]
    codes = sorted({f.code for e in edges for f in e.findings})
    body: List[str] = [f"<h1>{escape(title)}</h1>", f'<p class="summary">{escape(summary(graph))}</p>',
                       f"<figure>{format_svg(graph)}</figure>"]
    if graph.crossings:
        body.append(_filters(codes, sorted({e.service for e in edges})))
        body.append(_matrix(graph, ids))
        for service in graph.services:
            for owner in graph.owners:
                found = [f for e in graph.edges_of(service, owner) if e.status != "granted" for f in e.findings]
                if found:
                    body.append(_findings(service, owner, graph, ids, statements))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + f"\n<script>{SCRIPT}</script>\n</body></html>\n")


def summary(graph: MapGraph) -> str:
    """``26 crossings: 26 new, 0 baselined, 0 suppressed; 1 table granted by may_read``."""
    if not graph.crossings:
        text = f"{NO_CROSSINGS} ({len(graph.services)} services)"
    else:
        counts = {s: sum(len(e.findings) for e in graph.edges if e.status == s) for s in STATUSES[:3]}
        text = f"{graph.crossings} crossings: " + ", ".join(f"{n} {s}" for s, n in counts.items())
    granted = sum(len(e.tables) for e in graph.edges if e.status == "granted")
    return text + (f"; {granted} table{'s' if granted != 1 else ''} granted by may_read" if granted else "")


def _filters(codes: List[str], services: List[str]) -> str:
    def select(name: str, values: List[str]) -> str:
        options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
        return f'<label>{name} <select id="filter-{name}"><option value="">all</option>{options}</select></label>'

    return f'<form id="filters">{select("code", codes)}{select("service", services)}</form>'


def _matrix(graph: MapGraph, ids: Mapping[str, str]) -> str:
    head = "".join(f"<th>{escape(o)}</th>" for o in graph.owners)
    rows = []
    for service in graph.reaching:
        cells = "".join(_cell(graph, ids, service, owner) for owner in graph.owners)
        rows.append(f'<tr data-service="{escape(service)}"><th>{escape(service)}</th>{cells}</tr>')
    return (f'<table id="matrix"><thead><tr><th>service \\ owner</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _cell(graph: MapGraph, ids: Mapping[str, str], service: str, owner: str) -> str:
    """Per status and code: ``5 reads`` (new), ``baselined: 2 writes``... each a link to the list."""
    entries = []
    target = anchor(ids, service, owner)
    for edge in graph.edges_of(service, owner):
        if edge.status == "granted":
            entries.append(f'<span class="granted">granted: {escape(edge.label)}</span>')
            continue
        by_code: Dict[str, List[Finding]] = {}
        for finding in edge.findings:
            by_code.setdefault(finding.code, []).append(finding)
        for code, found in sorted(by_code.items()):
            text = f"{status_prefix(edge.status)}{counts_text(by_owner(found)[0])} ({code})"
            entries.append(f'<a class="{edge.status}" data-code="{code}" data-status="{edge.status}" '
                           f'href="#{target}">{escape(text)}</a>')
    cell_id = f"cell-{ids[service]}-{ids[owner]}"
    return f'<td id="{cell_id}">{"".join(entries)}</td>'


def _findings(service: str, owner: str, graph: MapGraph, ids: Mapping[str, str],
              statements: Mapping[Finding, str]) -> str:
    items = []
    for edge in graph.edges_of(service, owner):
        for f in edge.findings:
            statement = statements.get(f)
            source = f"<pre>{escape(statement)}</pre>" if statement else ""
            status = "" if edge.status == "new" else f" ({edge.status})"
            items.append(f'<li data-code="{f.code}" data-status="{edge.status}" class="{edge.status}">'
                         f'<code>{escape(f.path)}:{f.line}</code> {f.code} {escape(f.message)}{status}{source}</li>')
    return (f'<section class="findings" id="{anchor(ids, service, owner)}" data-service="{escape(service)}">'
            f"<h2>{escape(service)} &rarr; {escape(owner)}</h2><ul>{''.join(items)}</ul></section>")
