"""The migration lead's view: findings counted by service pair and operation.

>>> from boundary_lint.model import Finding
>>> fs = [Finding("a.py", n, 1, c, "public.strategy", "order_service", "algo_engine", op)
...       for n, (c, op) in enumerate([("BND100", "read")] * 12 + [("BND101", "write")] * 3
...                                   + [("BND102", "fk")] * 2)]
>>> owner_lines(fs)
['order_service -> algo_engine: 12 reads, 3 writes, 2 FKs']
"""

from __future__ import annotations

from collections import Counter
from typing import Dict, Iterable, List, Tuple

from boundary_lint.model import Finding

OPERATIONS = ("read", "write", "fk", "ddl", "map", "statement", "transaction")
_WORDS = {
    "read": ("read", "reads"),
    "write": ("write", "writes"),
    "fk": ("FK", "FKs"),
    "ddl": ("schema change", "schema changes"),
    "map": ("ORM mapping", "ORM mappings"),
    "statement": ("statement across owners", "statements across owners"),  # BND107
    "transaction": ("transaction across owners", "transactions across owners"),  # BND108
}
NO_OWNER = "(no owner)"
RUN_TIME = "(table name built at run time)"


def by_owner(findings: Iterable[Finding]) -> List[dict]:
    """One row per (service, owner) pair, largest first; ``owner`` is "" for unowned tables
    (BND104) and for table names built at run time (BND105), which get a row of their own
    marked ``"dynamic": true``: their owner is unknown, not missing.

    Each row counts the findings by operation (``read``, ``write``, ``fk``,
    ``ddl``, ``map``, ``statement`` for BND107: a statement touching the
    owner's tables and another's, and ``transaction`` for BND108: a transaction
    writing them and another's) and in ``total``.
    """
    counts: Dict[Tuple[str, str, bool], Counter] = {}
    for finding in findings:
        key = (finding.service, finding.owner, finding.code == "BND105")
        counts.setdefault(key, Counter())[_operation(finding)] += 1
    rows = []
    for (service, owner, dynamic), counter in counts.items():
        row = {"service": service, "owner": owner}
        row.update({op: counter.get(op, 0) for op in OPERATIONS})
        row["total"] = sum(counter.values())
        row["dynamic"] = dynamic
        rows.append(row)
    rows.sort(key=lambda r: (-r["total"], r["service"], r["owner"], r["dynamic"]))
    return rows


def _operation(finding: Finding) -> str:
    if finding.code == "BND106":
        return "map"
    return finding.operation if finding.operation in OPERATIONS else "read"


def owner_lines(findings: Iterable[Finding]) -> List[str]:
    """``order_service -> algo_engine: 12 reads, 3 writes, 2 FKs``, one line per pair."""
    lines = []
    for row in by_owner(findings):
        owner = row["owner"] or (RUN_TIME if row["dynamic"] else NO_OWNER)
        lines.append(f"{row['service']} -> {owner}: {counts_text(row)}")
    return lines


def counts_text(counts: Dict[str, int]) -> str:
    """``12 reads, 3 writes, 2 FKs``: the nonzero operation counts of a row, in OPERATIONS order."""
    parts = []
    for op in OPERATIONS:
        n = counts.get(op, 0)
        if n:
            one, many = _WORDS[op]
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)
