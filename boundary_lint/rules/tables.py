"""One table reference + the registry + the file's service -> its finding, or none.

The decision for BND100-BND106: which table a name resolves to (search path, system and
ignored tables), who owns it (a run-time name in a schema one service owns whole is that
service's), whether the service may read it, and the finding's place and wording.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

from boundary_lint.codes import format_message
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


def owner_and_table(ref: Reference, registry: Registry, service: str) -> Tuple[Optional[str], str]:
    """Who owns the table a reference names, and the table as shown; owner ``None`` for a
    system or ignored table, a table of no owner, a run-time name whose owner is unknown."""
    target = resolve_table(ref.table, registry, service)
    if target is None:
        return None, ""
    if ref.table.is_dynamic:
        return owner_of_dynamic(ref.table, registry, service), display_name(*target)
    return registry.owner_of(*target), display_name(*target)


def stronger(ref: Reference, best: Reference) -> bool:
    if ref.operation != best.operation:
        return ref.operation > best.operation
    return ref.position < best.position


def resolve_table(
    table: TableName, registry: Registry, service: str
) -> Optional[Tuple[Optional[str], str]]:
    """The table's ``(schema, name)``; ``None`` when it is never a finding (system, ignored)."""
    if table.is_dynamic:
        if table.schema and not table.schema_is_dynamic and registry.is_ignored(table.schema, table.name):
            return None  # pg_catalog.{}: a system (or ignored) schema, whatever the table
        return table.schema, table.name
    schema, name = registry.resolve(table, service)
    if registry.is_ignored(schema, name) or registry.is_ignored(table.schema, name):
        return None
    return schema, name


def decide(
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
        owner = owner_of_dynamic(ref.table, registry, service)
        if owner == service:
            return None
        if owner is None:
            return finding_at(ref, path, "BND105", service, table, "", operation)
    else:
        owner = registry.owner_of(schema, name)
        if owner is None:
            return finding_at(ref, path, "BND104", service, table, "", operation)
    if owner == service:
        return None
    if ref.operation == Operation.FK and ref.source is not None and not ref.source.is_dynamic:
        source_schema, source_name = registry.resolve(ref.source, service)
        if registry.owner_of(source_schema, source_name) == owner:
            return None  # between two tables of one other service: its own key (the mapping is BND106)
    if ref.mapping:
        return finding_at(ref, path, "BND106", service, table, owner, "map")
    if ref.operation == Operation.READ and schema and registry.may_read(service, schema, name):
        return None
    return finding_at(ref, path, CODE_FOR_OPERATION[ref.operation], service, table, owner, operation)


def owner_of_dynamic(table: TableName, registry: Registry, service: str) -> Optional[str]:
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


def finding_at(
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


def may_be_finding(table: TableName, registry: Registry, service: str) -> bool:
    """Could a reference to ``table`` (any operation) be a finding of ``service``, alone or in
    a statement with others (BND107)? No for system and ignored tables and the service's own."""
    target = resolve_table(table, registry, service)
    if target is None:
        return False
    owner = owner_of_dynamic(table, registry, service) if table.is_dynamic else registry.owner_of(*target)
    return owner != service
