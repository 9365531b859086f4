"""BND107: one statement touching the tables of two or more owners, once they head to separate databases."""

from __future__ import annotations

from dataclasses import replace
from typing import Dict, Iterable, List, Tuple

from boundary_lint.codes import format_message, owners_text
from boundary_lint.model import Finding, Operation, Reference
from boundary_lint.registry import Registry
from boundary_lint.rules.tables import finding_at, owner_and_table


def cross_owner_findings(
    refs: Iterable[Reference], registry: Registry, service: str, path: str
) -> List[Finding]:
    """BND107: one finding per statement whose tables have two or more owners, one of whom
    moves to a database of its own (``isolation = "database"``).

    Grants and the file's own service do not matter: the statement itself cannot run
    across databases. Tables of no owner (BND104), run-time names whose owner cannot
    be decided (BND105), system and ignored tables are no owner. ORM mappings and the
    foreign keys an ORM model or migration declares run no statement: left out.
    The finding stands at the first table (in the text) of the second owner.
    """
    statements: Dict[Tuple, List[Reference]] = {}
    for ref in refs:
        if ref.mapping or (ref.statement[0] < 0 and ref.operation == Operation.FK):
            continue  # statement[0] < 0: an ORM or migration construct, not SQL
        statements.setdefault(ref.statement, []).append(ref)
    findings = []
    for members in statements.values():
        first: Dict[str, Tuple[Reference, str]] = {}  # owner -> its first table, in text order
        for ref in sorted(members, key=lambda r: (r.position, r.table)):
            owner, table = owner_and_table(ref, registry, service)
            if owner is not None and owner not in first:
                first[owner] = (ref, table)
        if len(first) < 2 or not any(registry.isolation_of(o) == "database" for o in first):
            continue
        owners = list(first)
        ref, table = first[owners[1]]
        finding = finding_at(ref, path, "BND107", service, table, owners[1], "statement")
        findings.append(replace(finding, owners=tuple(owners), message=format_message(
            "BND107", service, table, owners[1], "statement", owners_text(owners))))
    return findings
