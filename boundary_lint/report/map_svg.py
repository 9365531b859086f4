"""The map as an inline SVG picture, drawn here so the HTML report needs no script or network.

Two columns: on the left the services whose code reaches out, on the right
the owners of the tables reached; one curve per (service, owner, status),
as thick as the DOT form's ``penwidth`` and styled by status, its label to the
right of the owner. A run with no crossing draws the services alone, with the
words saying so.
"""

from __future__ import annotations

from html import escape
from typing import Dict, List, Sequence, Tuple

from boundary_lint.report.map_dot import penwidth
from boundary_lint.report.map_graph import STATUSES, Edge, MapGraph
from boundary_lint.report.map_mermaid import NO_CROSSINGS

BOX_W, BOX_H, GAP, MARGIN, SPAN, LABELS_W, LINE = 170, 34, 26, 16, 220, 380, 15
TOP = MARGIN + 22  # below the column headings
COLOURS = {"new": "#c0392b", "baselined": "#7f8c8d", "suppressed": "#8e44ad", "granted": "#27ae60"}
DASHES = {"new": "", "baselined": "", "suppressed": "6 4", "granted": "2 4"}


def _column(names: Sequence[str], x: int, heights: Dict[str, int]) -> Dict[str, Tuple[int, int]]:
    """Each name's box corner; a row is as tall as the labels beside it need."""
    places, y = {}, TOP
    for name in names:
        places[name] = (x, y)
        y += max(BOX_H, heights.get(name, 0)) + GAP
    return places


def _box(name: str, x: int, y: int, side: str) -> str:
    return (f'<g class="node {side}" data-node="{escape(name)}"><rect x="{x}" y="{y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="6" fill="#fdfdfd" stroke="#34495e"/><text x="{x + BOX_W // 2}" '
            f'y="{y + BOX_H // 2 + 5}" text-anchor="middle">{escape(name)}</text></g>')


def label(edge: Edge, many_services: bool) -> str:
    """``5 reads, 4 writes`` for a new edge, ``baselined: 2 reads`` for the others; the
    service opens it when several services reach out."""
    return (f"from {edge.service}: " if many_services else "") + edge.text


def format_svg(graph: MapGraph) -> str:
    """One ``<svg>`` element (no XML prolog: it is inlined in the HTML report)."""
    per_owner: Dict[str, List[Edge]] = {}
    for edge in graph.edges:
        per_owner.setdefault(edge.owner, []).append(edge)
    heights = {owner: len(found) * LINE + 6 for owner, found in per_owner.items()}
    left = _column(graph.reaching, MARGIN, {})
    right = _column(graph.owners, MARGIN + BOX_W + SPAN, heights)
    bottom = max([y + max(BOX_H, heights.get(n, 0)) for n, (_, y) in [*left.items(), *right.items()]] or [TOP])
    width = MARGIN * 2 + BOX_W * 2 + SPAN + LABELS_W if graph.owners else MARGIN * 2 + BOX_W + 360
    height = bottom + MARGIN
    parts: List[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="service to owner map" '
        'font-family="sans-serif" font-size="13">',
        f'<text x="{MARGIN}" y="{MARGIN + 6}" font-weight="bold">services</text>',
    ]
    if graph.owners:
        parts.append(f'<text x="{MARGIN + BOX_W + SPAN}" y="{MARGIN + 6}" '
                     'font-weight="bold">owners of the tables</text>')
    many = len({e.service for e in graph.edges}) > 1
    for owner, found in per_owner.items():
        for index, edge in enumerate(found):
            parts.append(_curve(edge, left[edge.service], right[owner], index, many))
    parts += [_box(name, x, y, "service") for name, (x, y) in left.items()]
    parts += [_box(name, x, y, "owner") for name, (x, y) in right.items()]
    if not graph.crossings:
        parts.append(f'<text class="no-crossings" x="{MARGIN + BOX_W + 24}" y="{TOP + BOX_H // 2 + 5}">'
                     f'{escape(NO_CROSSINGS)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _curve(edge: Edge, start: Tuple[int, int], end: Tuple[int, int], index: int, many: bool) -> str:
    shift = (STATUSES.index(edge.status) - 1) * 6  # two statuses of one pair do not overlap
    x1, y1 = start[0] + BOX_W, start[1] + BOX_H // 2 + shift
    x2, y2 = end[0], end[1] + BOX_H // 2 + shift
    middle = (x1 + x2) // 2
    colour, dash = COLOURS[edge.status], DASHES[edge.status]
    text = escape(label(edge, many))
    lx, ly = end[0] + BOX_W + 10, end[1] + 13 + index * LINE
    return (f'<g class="edge {edge.status}" data-service="{escape(edge.service)}" data-owner="{escape(edge.owner)}">'
            f'<title>{escape(edge.service)} -> {escape(edge.owner)}: {text}</title>'
            f'<path d="M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}" fill="none" stroke="{colour}" '
            f'stroke-width="{penwidth(edge.total)}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            f'<polygon points="{x2},{y2} {x2 - 8},{y2 - 4} {x2 - 8},{y2 + 4}" fill="{colour}"/>'
            f'<text x="{lx}" y="{ly}" fill="{colour}">{text}</text></g>')
