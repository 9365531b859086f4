"""Rules: located table references + the registry + the file's service -> findings.

Pure functions, no I/O. One finding per table per statement, with the
strongest operation (ddl > write > fk > read); and, when the registry says
services move to separate databases, one BND107 per statement touching the
tables of two or more owners.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Dict, Iterable, List, Optional, Tuple

from boundary_lint.codes import format_message, owners_text
from boundary_lint.model import HOLE_PREFIX, Finding, Operation, Reference, TableName
from boundary_lint.registry import Registry

CODE_FOR_OPERATION = {
    Operation.READ: "BND100",
    Operation.WRITE: "BND101",
    Operation.FK: "BND102",
    Operation.DDL: "BND103",
}

_HOLE = re.compile(re.escape(HOLE_PREFIX) + r"\d+")


def display_name(schema: Optional[str], name: str) -> str:
    """``schema.table`` as users read it, with run-time parts shown as ``{}``.

    >>> display_name('public', 'bl_hole_0')
    'public.{}'
    """
    text = f"{schema}.{name}" if schema else name
    return _HOLE.sub("{}", text)


def findings_for(
    refs: Iterable[Reference], registry: Registry, service: str, path: str
) -> List[Finding]:
    """Decide which references cross the service's boundary."""
    strongest: Dict[Tuple, Reference] = {}
    resolved: Dict[Tuple, Tuple[Optional[str], str]] = {}
    for ref in refs:
        target = _resolve(ref.table, registry, service)
        if target is None:
            continue
        key = (ref.statement, ref.mapping, target)
        best = strongest.get(key)
        if best is None or _stronger(ref, best):
            strongest[key] = ref
            resolved[key] = target
    findings = []
    for key, ref in strongest.items():
        finding = _decide(ref, resolved[key], registry, service, path)
        if finding is not None:
            findings.append(finding)
    if registry.splits_databases:
        findings.extend(cross_owner_findings(refs, registry, service, path))
    return sorted(findings)


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
            target = _resolve(ref.table, registry, service)
            if target is None:
                continue
            if ref.table.is_dynamic:
                owner = _owner_of_dynamic(ref.table, registry, service)
            else:
                owner = registry.owner_of(*target)
            if owner is not None and owner not in first:
                first[owner] = (ref, display_name(*target))
        if len(first) < 2 or not any(registry.isolation_of(o) == "database" for o in first):
            continue
        owners = list(first)
        ref, table = first[owners[1]]
        finding = _finding(ref, path, "BND107", service, table, owners[1], "statement")
        findings.append(replace(finding, owners=tuple(owners), message=format_message(
            "BND107", service, table, owners[1], "statement", owners_text(owners))))
    return findings


def may_be_finding(table: TableName, registry: Registry, service: str) -> bool:
    """Could a reference to ``table`` (any operation) be a finding of ``service``, alone or in
    a statement with others (BND107)? No for system and ignored tables and the service's own."""
    target = _resolve(table, registry, service)
    if target is None:
        return False
    owner = _owner_of_dynamic(table, registry, service) if table.is_dynamic else registry.owner_of(*target)
    return owner != service


def _stronger(ref: Reference, best: Reference) -> bool:
    if ref.operation != best.operation:
        return ref.operation > best.operation
    return ref.position < best.position


def _resolve(
    table: TableName, registry: Registry, service: str
) -> Optional[Tuple[Optional[str], str]]:
    """The table's ``(schema, name)``; ``None`` when it is never a finding (system, ignored)."""
    if table.is_dynamic:
        return table.schema, table.name
    schema, name = registry.resolve(table, service)
    if registry.is_ignored(schema, name) or registry.is_ignored(table.schema, name):
        return None
    return schema, name


def _decide(
    ref: Reference,
    target: Tuple[Optional[str], str],
    registry: Registry,
    service: str,
    path: str,
) -> Optional[Finding]:
    schema, name = target
    operation = "map" if ref.mapping else ref.operation.label
    table = display_name(schema, name)
    if ref.table.is_dynamic:
        owner = _owner_of_dynamic(ref.table, registry, service)
        if owner == service:
            return None
        if owner is None:
            return _finding(ref, path, "BND105", service, table, "", operation)
    else:
        owner = registry.owner_of(schema, name)
        if owner is None:
            return _finding(ref, path, "BND104", service, table, "", operation)
    if owner == service:
        return None
    if ref.operation == Operation.FK and ref.source is not None and not ref.source.is_dynamic:
        source_schema, source_name = registry.resolve(ref.source, service)
        if registry.owner_of(source_schema, source_name) == owner:
            return None  # between two tables of one other service: its own key (the mapping is BND106)
    if ref.mapping:
        return _finding(ref, path, "BND106", service, table, owner, "map")
    if ref.operation == Operation.READ and schema and registry.may_read(service, schema, name):
        return None
    return _finding(ref, path, CODE_FOR_OPERATION[ref.operation], service, table, owner, operation)


def _owner_of_dynamic(table: TableName, registry: Registry, service: str) -> Optional[str]:
    """Who owns a table whose name is built at run time, when that can still be decided.

    A run-time table name in a schema one service owns entirely belongs to that
    service; a run-time schema, or a schema with several owners, cannot be decided.
    """
    if table.schema_is_dynamic:
        return None
    schemas = (table.schema,) if table.schema else registry.search_path_for(service)
    owners = {registry.sole_owner_of_schema(s) for s in schemas}
    if len(owners) == 1:
        return owners.pop()
    return None


def _finding(
    ref: Reference, path: str, code: str, service: str, table: str, owner: str, operation: str
) -> Finding:
    return Finding(
        path=path,
        line=ref.position.line,
        column=ref.position.column,
        code=code,
        table=table,
        service=service,
        owner=owner,
        operation=operation,
        message=format_message(code, service, table, owner, operation),
        statement_line=ref.statement_line,
        fingerprint=ref.fingerprint,
        via="orm" if ref.orm and not ref.mapping else "",
    )
