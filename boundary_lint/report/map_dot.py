"""The map as Graphviz DOT (``dot -Tsvg``): edges weighted by their count of findings.

``weight`` and ``penwidth`` grow with the count; the status is the edge's
``style`` (bold new, solid baselined, dashed suppressed, dotted granted) and
opens its label, as in the Mermaid form.
"""

from __future__ import annotations

import math
from typing import List

from boundary_lint.report.map_graph import MapGraph
from boundary_lint.report.map_mermaid import NO_CROSSINGS

STYLES = {"new": "bold", "baselined": "solid", "suppressed": "dashed", "granted": "dotted"}


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def penwidth(total: int) -> str:
    """1 for one finding, growing with the logarithm of the count (12 findings: 3.5)."""
    return f"{1 + math.log2(max(total, 1)):.1f}"


def format_dot(graph: MapGraph) -> str:
    lines: List[str] = ["digraph boundaries {", "    rankdir=LR;", "    node [shape=box];"]
    if not graph.crossings:
        lines.append(f"    label={quote(NO_CROSSINGS)};")
    for name in dict.fromkeys(graph.services + graph.owners):
        lines.append(f"    {quote(name)};")
    for edge in graph.edges:
        lines.append(f"    {quote(edge.service)} -> {quote(edge.owner)} [label={quote(edge.text)}, "
                     f"weight={edge.total}, penwidth={penwidth(edge.total)}, style={STYLES[edge.status]}, "
                     f"class={quote(edge.status)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
