"""Rules: located table references + the registry + the file's service -> findings.

Pure functions, no I/O. One finding per table per statement, with the strongest
operation (ddl > write > fk > read) (:mod:`~boundary_lint.rules.tables`); when the
registry says services move to separate databases, one BND107 per statement touching
the tables of two or more owners (:mod:`~boundary_lint.rules.statements`); and BND108,
a transaction writing two owners' tables, given the file's transactions
(:mod:`~boundary_lint.rules.transactions`).
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from boundary_lint.model import Finding, Reference
from boundary_lint.registry import Registry
from boundary_lint.rules.statements import cross_owner_findings
from boundary_lint.rules.tables import decide, resolve_table, stronger
from boundary_lint.rules.transactions import transaction_findings


def findings_for(
    refs: Iterable[Reference], registry: Registry, service: str, path: str, transactions: Sequence = ()
) -> List[Finding]:
    """Decide which references cross the service's boundary (``transactions``: the file's
    transaction spans, for BND108; see :mod:`boundary_lint.rules.transactions`)."""
    refs = list(refs)
    strongest: Dict[Tuple, Reference] = {}
    resolved: Dict[Tuple, Tuple[Optional[str], str]] = {}
    for ref in refs:
        target = resolve_table(ref.table, registry, service)
        if target is None:
            continue
        key = (ref.statement, ref.mapping, target)
        best = strongest.get(key)
        if best is None or stronger(ref, best):
            strongest[key] = ref
            resolved[key] = target
    findings = []
    for key, ref in strongest.items():
        finding = decide(ref, resolved[key], registry, service, path)
        if finding is not None:
            findings.append(finding)
    if registry.splits_databases:
        findings.extend(cross_owner_findings(refs, registry, service, path))
    if transactions:
        findings.extend(transaction_findings(refs, transactions, registry, service, path))
    return sorted(findings)
