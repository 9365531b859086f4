"""The map as a Mermaid flowchart: GitHub renders it in Markdown and in a job summary.

One arrow per (service, owner, status): ``==>`` for new findings, ``-->`` for
baselined ones, ``-.->`` for suppressed ones and ``-.-`` for ``may_read``
grants; every label opens with its status, so a reader needs no legend.
"""

from __future__ import annotations

import re
from typing import Dict, List

from boundary_lint.report.map_graph import MapGraph

ARROWS = {"new": "==>", "baselined": "-->", "suppressed": "-.->", "granted": "-.-"}
NO_CROSSINGS = "no crossings: no service reaches into another's tables"


def node_ids(graph: MapGraph) -> Dict[str, str]:
    """A Mermaid-safe id per node name (``(no owner)`` -> ``no_owner``), unique."""
    ids: Dict[str, str] = {}
    for name in dict.fromkeys(graph.services + graph.owners):
        base = re.sub(r"\W+", "_", name).strip("_") or "node"
        candidate, n = base, 1
        while candidate in ids.values():
            n += 1
            candidate = f"{base}_{n}"
        ids[name] = candidate
    return ids


def _text(label: str) -> str:
    return label.replace('"', "#quot;")


def format_mermaid(graph: MapGraph) -> str:
    """A fenced ``mermaid`` block, ready for a README or ``$GITHUB_STEP_SUMMARY``."""
    ids = node_ids(graph)
    lines: List[str] = ["```mermaid", "flowchart LR"]
    for name, node in ids.items():
        lines.append(f'    {node}["{_text(name)}"]')
    for edge in graph.edges:
        lines.append(f'    {ids[edge.service]} {ARROWS[edge.status]}|"{_text(edge.text)}"| {ids[edge.owner]}')
    if not graph.crossings:
        lines.append(f'    note["{NO_CROSSINGS}"]')
    lines.append("```")
    return "\n".join(lines) + "\n"
