"""A run -> the service-to-owner graph that ``boundary-lint map`` draws. Pure: no I/O.

Edges come from the same findings ``check`` reports, counted per operation by
:func:`boundary_lint.report.owners.by_owner`. Each edge has a status, so a
reader tells today's problems from accepted ones: ``new`` (reported by
``check``), ``baselined`` (accepted by the baseline), ``suppressed`` (a
comment in the source), and ``granted`` (a ``may_read`` grant of the registry:
a read the owner allowed, never a finding).

>>> from boundary_lint.model import Finding
>>> f = Finding("a.py", 3, 1, "BND100", "public.strategy", "orders", "algo", "read")
>>> graph = build_graph(MapInput(services=("algo", "orders"), new=(f,)))
>>> [(e.service, e.owner, e.status, e.label) for e in graph.edges]
[('orders', 'algo', 'new', '1 read')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Tuple

from boundary_lint.model import Finding
from boundary_lint.report.owners import NO_OWNER, OPERATIONS, RUN_TIME, by_owner, counts_text

STATUSES = ("new", "baselined", "suppressed", "granted")
"""Edge statuses, in drawing order: what ``check`` reports first."""


@dataclass(frozen=True)
class MapInput:
    """What the map is drawn from: the registry's services and grants, and the run's findings
    split by status (``grants``: ``(service, owner, table)`` for each ``may_read`` entry)."""

    services: Tuple[str, ...]
    new: Tuple[Finding, ...] = ()
    baselined: Tuple[Finding, ...] = ()
    suppressed: Tuple[Finding, ...] = ()
    grants: Tuple[Tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class Edge:
    """One arrow: ``service`` reaches into ``owner``'s tables, counted per operation."""

    service: str
    owner: str  # a service, or NO_OWNER / RUN_TIME
    status: str
    counts: Tuple[Tuple[str, int], ...]  # (operation, n) in OPERATIONS order, n > 0
    findings: Tuple[Finding, ...] = ()
    tables: Tuple[str, ...] = ()  # the granted tables, for a "granted" edge

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts) or len(self.tables)

    @property
    def label(self) -> str:
        if self.status == "granted":
            return "may_read " + ", ".join(self.tables)
        return counts_text(dict(self.counts))

    @property
    def text(self) -> str:
        """The label as drawn: ``5 reads`` for new findings, ``baselined: 2 writes`` for the others."""
        return status_prefix(self.status) + self.label


def status_prefix(status: str) -> str:
    """What opens a label of that status, so the picture needs no legend."""
    return "" if status == "new" else f"{status}: "


@dataclass(frozen=True)
class MapGraph:
    services: Tuple[str, ...]  # every service of the registry, sorted
    owners: Tuple[str, ...]  # every owner an edge points to, services first, then NO_OWNER, RUN_TIME
    edges: Tuple[Edge, ...]

    @property
    def reaching(self) -> Tuple[str, ...]:
        """The services whose code reaches into others' tables (an edge of any status)."""
        return tuple(s for s in self.services if any(e.service == s for e in self.edges)) or self.services

    @property
    def crossings(self) -> int:
        """Findings drawn (granted reads are none)."""
        return sum(len(e.findings) for e in self.edges)

    def edges_of(self, service: str, owner: str) -> Tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.service == service and e.owner == owner)


def owner_label(row: dict) -> str:
    """The owner as drawn: the service, or what stands for an unknown one."""
    return row["owner"] or (RUN_TIME if row["dynamic"] else NO_OWNER)


def build_graph(data: MapInput) -> MapGraph:
    """Edges per (service, owner, status), most findings first within a status."""
    edges: List[Edge] = []
    for status, findings in (("new", data.new), ("baselined", data.baselined), ("suppressed", data.suppressed)):
        groups: Dict[Tuple[str, str], List[Finding]] = {}
        for finding in findings:
            row = {"owner": finding.owner, "dynamic": finding.code == "BND105"}
            groups.setdefault((finding.service, owner_label(row)), []).append(finding)
        for row in by_owner(findings):
            key = (row["service"], owner_label(row))
            counts = tuple((op, row[op]) for op in OPERATIONS if row[op])
            edges.append(Edge(key[0], key[1], status, counts, tuple(sorted(groups[key]))))
    edges.extend(_grant_edges(data.grants))
    services = tuple(sorted(set(data.services)))
    owners = _owners_in_order(services, edges)
    return MapGraph(services, owners, tuple(edges))


def _grant_edges(grants: Iterable[Tuple[str, str, str]]) -> List[Edge]:
    tables: Dict[Tuple[str, str], List[str]] = {}
    for service, owner, table in grants:
        tables.setdefault((service, owner or NO_OWNER), []).append(table)
    return [Edge(service, owner, "granted", (), (), tuple(sorted(found)))
            for (service, owner), found in sorted(tables.items())]


def _owners_in_order(services: Tuple[str, ...], edges: List[Edge]) -> Tuple[str, ...]:
    pointed = {e.owner for e in edges}
    named = [s for s in services if s in pointed]
    return tuple(named + sorted(pointed - set(services) - {NO_OWNER, RUN_TIME})
                 + [o for o in (NO_OWNER, RUN_TIME) if o in pointed])
