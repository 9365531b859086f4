"""BND108: one transaction writing the tables of two or more owners.

Pure: located references and the file's transaction spans (found by
:mod:`boundary_lint.sites.transactions` and
:mod:`boundary_lint.sql.transactions`) in, findings out. A write belongs to the
outermost transaction around it (a savepoint is part of its transaction), and a
module-level constant's SQL to each transaction whose block names it. The file's
own service counts as an owner: once either write becomes a service call, the two
can no longer commit or roll back together, whatever the isolation setting.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Dict, Iterable, List, Sequence, Tuple

from boundary_lint.codes import format_message, owners_text
from boundary_lint.model import Finding, Operation, Reference, Transaction, outermost
from boundary_lint.registry import Registry
from boundary_lint.rules.tables import finding_at, owner_and_table


def is_write(ref: Reference) -> bool:
    """A row change a transaction commits: SQL ``INSERT``/``UPDATE``/``DELETE``/``MERGE``/``COPY``
    and ORM writes (``session.add``, ``.save()``, ``objects.create``...); not DDL, not mappings."""
    return ref.operation == Operation.WRITE and not ref.mapping


def transaction_writes(
    refs: Iterable[Reference], transactions: Sequence[Transaction]
) -> Dict[Transaction, List[Reference]]:
    """Each transaction's writes, in text order."""
    writes: Dict[Transaction, List[Reference]] = {}
    for ref in sorted(r for r in refs if is_write(r)):
        for transaction in outermost(transactions, ref.position):
            writes.setdefault(transaction, []).append(ref)
    return writes


def owners_written(
    writes: Iterable[Reference], registry: Registry, service: str
) -> Dict[str, Tuple[Reference, str]]:
    """Owner -> its first write (the reference, the table as shown), in text order; tables of
    no owner (or whose run-time owner cannot be decided), system and ignored tables count as none."""
    first: Dict[str, Tuple[Reference, str]] = {}
    for ref in writes:
        owner, table = owner_and_table(ref, registry, service)
        if owner is not None and owner not in first:
            first[owner] = (ref, table)
    return first


def transaction_findings(
    refs: Iterable[Reference], transactions: Sequence[Transaction], registry: Registry, service: str, path: str
) -> List[Finding]:
    """One BND108 per transaction writing two or more owners' tables, at the first write to
    the second owner, naming the first owner's write (table and line)."""
    if not transactions:
        return []
    findings = []
    for writes in transaction_writes(refs, transactions).values():
        first = owners_written(writes, registry, service)
        if len(first) < 2:
            continue
        owners = list(first)
        ref, table = first[owners[1]]
        other_ref, other_table = first[owners[0]]
        other = f"{other_table} (line {other_ref.position.line}, owned by {owners[0]})"
        finding = finding_at(ref, path, "BND108", service, table, owners[1], "transaction")
        findings.append(replace(finding, owners=tuple(owners), message=format_message(
            "BND108", service, table, owners[1], "transaction", owners_text(owners), other=other)))
    return findings


def writes_elsewhere(refs: Iterable[Reference], registry: Registry, service: str) -> bool:
    """Does the file write a table another service owns (or none does)? Only then can one of
    its transactions write two owners' tables."""
    return any(is_write(r) and owner_and_table(r, registry, service)[0] != service for r in refs)


def may_cross(refs: Iterable[Reference], registry: Registry, service: str) -> bool:
    """Do the file's writes touch two owners at all (else its transactions need not be found)?"""
    owners = set()
    for ref in refs:
        if is_write(ref):
            owner, _ = owner_and_table(ref, registry, service)
            if owner is not None:
                owners.add(owner)
                if len(owners) > 1:
                    return True
    return False
