"""``db-audit`` rules: a catalog snapshot + the registry -> findings. Pure, no I/O.

The same codes as ``check``, decided by the same registry lookups:

- a foreign key from one service's table to another's: BND102 (for the
  service owning the constrained table);
- a view or materialized view reading another service's relation without a
  ``may_read`` grant: BND100 (for the view's owner);
- a table or view no service owns: BND104;
- a service ``role`` that may write another service's relation (INSERT,
  UPDATE, DELETE, TRUNCATE): BND101; that may read it without a ``may_read``
  grant: BND100 (one finding per role and relation, the strongest).

Every finding's ``path`` is the database location, ``line`` and ``column``
are 0 (a database object has no line), and the message names the object.

>>> from boundary_lint.registry_schema import registry_from_mapping
>>> from boundary_lint.db_audit.catalog import Catalog, ForeignKey, Relation
>>> registry = registry_from_mapping({"services": {
...     "orders": {"owns": ["orders.*"]}, "algo": {"owns": ["public.strategies"]}}})
>>> catalog = Catalog("postgresql://db:5432/app", schemas=("orders", "public"),
...     relations=(Relation("orders", "orders"), Relation("public", "strategies")),
...     foreign_keys=(ForeignKey("orders", "orders", "fk_strategy", "public", "strategies"),))
>>> for f in audit(catalog, registry).findings:
...     print(f.finding.code, f.finding.message)  # doctest: +NORMALIZE_WHITESPACE
BND102 orders has a foreign key to public.strategies, owned by algo
       (constraint fk_strategy on table orders.orders)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from boundary_lint.codes import format_message
from boundary_lint.db_audit.catalog import WRITE_PRIVILEGES, Catalog
from boundary_lint.model import Finding
from boundary_lint.registry import Registry, normalize_name, split_entry


@dataclass(frozen=True, order=True)
class DbFinding:
    """A finding plus the database object it is about (for JSON and tests)."""

    finding: Finding
    object: str  # schema.name of the constrained table, the view, the granted or the unowned relation
    object_kind: str  # "foreign key", "view", "materialized view", "privilege", "table"...
    constraint: str = ""
    role: str = ""

    def as_json(self) -> dict:
        return dict(
            self.finding.as_json(),
            object=self.object,
            object_kind=self.object_kind,
            constraint=self.constraint,
            role=self.role,
        )


@dataclass(frozen=True)
class AuditResult:
    """What an audit found. ``errors`` make the run a configuration error (exit 2)."""

    location: str
    findings: Tuple[DbFinding, ...] = ()
    warnings: Tuple[str, ...] = ()
    errors: Tuple[str, ...] = ()
    relations: int = 0


def audit(catalog: Catalog, registry: Registry, schemas: Optional[Sequence[str]] = None) -> AuditResult:
    """Check a catalog snapshot against the registry.

    Args:
        catalog: what :func:`boundary_lint.adapters.db_catalog.read_catalog` read.
        registry: the ownership registry.
        schemas: the schemas the audit was limited to (``--schema``), if any.
    """
    errors, warnings = schema_problems(catalog, registry, schemas)
    warnings += role_warnings(catalog, registry)
    if errors:
        return AuditResult(catalog.location, errors=tuple(errors), warnings=tuple(warnings))
    findings = [
        *unowned_relations(catalog, registry),
        *cross_service_foreign_keys(catalog, registry),
        *cross_service_views(catalog, registry),
        *excess_privileges(catalog, registry),
    ]
    return AuditResult(
        catalog.location,
        findings=tuple(sorted(findings, key=lambda f: (f.finding, f.finding.message))),
        warnings=tuple(warnings),
        relations=len(catalog.relations),
    )


def schema_problems(
    catalog: Catalog, registry: Registry, schemas: Optional[Sequence[str]] = None
) -> Tuple[List[str], List[str]]:
    """``(errors, warnings)`` about schemas.

    A ``--schema`` the database lacks is an error, and so is a registry none of
    whose schemas exist (most likely the wrong database); a schema the registry
    gives a service that this database lacks is a warning: one registry
    describes every service, and a service's database holds only its part.
    """
    present = set(catalog.schemas)
    errors = [
        f"{catalog.location}: --schema {s}: the database has no schema {s!r}"
        for s in (schemas or ()) if s not in present
    ]
    named = registry_schemas(registry)
    if named and not present & set(named):
        errors.append(
            f"{catalog.location}: none of the schemas the registry gives services "
            f"({', '.join(sorted(named))}) exist in this database: is the DSN the right database?"
        )
    warnings = [
        f"{catalog.location}: the registry gives schema {schema!r} to {', '.join(services)}, "
        "but the database has no such schema"
        for schema, services in sorted(named.items())
        if schema not in present and (schemas is None or schema in schemas)
    ]
    return errors, warnings


def registry_schemas(registry: Registry) -> Dict[str, List[str]]:
    """Schema -> the services whose ``owns`` entries name it (ignored schemas left out)."""
    named: Dict[str, List[str]] = {}
    for service in sorted(registry.services.values(), key=lambda s: s.name):
        for entry in service.owns:
            schema, _ = split_entry(entry)
            if schema is None or registry.is_ignored(schema, "*"):
                continue
            owners = named.setdefault(schema, [])
            if service.name not in owners:
                owners.append(service.name)
    return named


def role_warnings(catalog: Catalog, registry: Registry) -> List[str]:
    return [
        f"{catalog.location}: role {service.role!r} of service {service.name} does not exist; "
        "its privileges were not checked"
        for service in sorted(registry.services.values(), key=lambda s: s.name)
        if service.role and service.role not in catalog.roles
    ]


def unowned_relations(catalog: Catalog, registry: Registry) -> Iterable[DbFinding]:
    """BND104: every relation no ``owns`` entry covers."""
    database = f"database {catalog.database}" if catalog.database else "the database"
    for rel in catalog.relations:
        if registry.is_ignored(rel.schema, rel.name) or registry.owner_of(rel.schema, rel.name):
            continue
        message = format_message("BND104", database, rel.qualified, "", f"has {rel.kind}")
        yield _db_finding(catalog, "BND104", rel.qualified, "", "", "", message, rel.qualified, rel.kind)


def cross_service_foreign_keys(catalog: Catalog, registry: Registry) -> Iterable[DbFinding]:
    """BND102: a constraint whose table and referenced table have different owners."""
    for fk in catalog.foreign_keys:
        service = _owner(registry, fk.schema, fk.table)
        owner = _owner(registry, fk.ref_schema, fk.ref_table)
        if service is None or owner is None or service == owner:
            continue
        table, source = f"{fk.ref_schema}.{fk.ref_table}", f"{fk.schema}.{fk.table}"
        message = format_message("BND102", service, table, owner, "fk") + (
            f" (constraint {fk.constraint} on table {source})"
        )
        yield _db_finding(catalog, "BND102", table, service, owner, "fk", message, source, "foreign key",
                          constraint=fk.constraint)


def cross_service_views(catalog: Catalog, registry: Registry) -> Iterable[DbFinding]:
    """BND100: a view reading another service's relation that ``may_read`` does not grant."""
    for read in catalog.view_reads:
        service = _owner(registry, read.schema, read.view)
        owner = _owner(registry, read.ref_schema, read.ref_name)
        if service is None or owner is None or service == owner:
            continue
        if registry.may_read(service, read.ref_schema, read.ref_name):
            continue
        table, view = f"{read.ref_schema}.{read.ref_name}", f"{read.schema}.{read.view}"
        message = format_message("BND100", service, table, owner, "read") + f" ({read.kind} {view})"
        yield _db_finding(catalog, "BND100", table, service, owner, "read", message, view, read.kind)


def excess_privileges(catalog: Catalog, registry: Registry) -> Iterable[DbFinding]:
    """BND101/BND100: what a service's role may do to relations other services own."""
    services_by_role: Dict[str, List[str]] = {}
    for service in sorted(registry.services.values(), key=lambda s: s.name):
        if service.role:
            services_by_role.setdefault(service.role, []).append(service.name)
    for grant in catalog.privileges:
        owner = _owner(registry, grant.schema, grant.name)
        if owner is None:
            continue
        table = f"{grant.schema}.{grant.name}"
        for service in services_by_role.get(grant.role, ()):
            if service == owner:
                continue
            writes = [p for p in grant.privileges if p in WRITE_PRIVILEGES]
            if writes:
                code, operation, shown = "BND101", "write", writes
            elif "SELECT" in grant.privileges and not registry.may_read(service, grant.schema, grant.name):
                code, operation, shown = "BND100", "read", ["SELECT"]
            else:
                continue
            message = format_message(code, service, table, owner, operation) + (
                f": role {grant.role} has {', '.join(shown)} on {grant.kind} {table}"
            )
            yield _db_finding(catalog, code, table, service, owner, operation, message, table, "privilege",
                              role=grant.role)


def normalize_schemas(names: Sequence[str]) -> Optional[Tuple[str, ...]]:
    """``--schema`` values compare like registry names (lower-cased unless double-quoted).

    >>> normalize_schemas(['Orders', '"Legacy"']), normalize_schemas([])
    (('orders', 'Legacy'), None)
    """
    return tuple(dict.fromkeys(normalize_name(n) for n in names)) or None


def _owner(registry: Registry, schema: str, name: str) -> Optional[str]:
    if registry.is_ignored(schema, name):
        return None
    return registry.owner_of(schema, name)


def _db_finding(
    catalog: Catalog, code: str, table: str, service: str, owner: str, operation: str, message: str,
    obj: str, kind: str, constraint: str = "", role: str = "",
) -> DbFinding:
    finding = Finding(
        path=catalog.location, line=0, column=0, code=code, table=table, service=service,
        owner=owner, operation=operation, message=message, fingerprint=f"{kind}:{obj}:{constraint}{role}",
    )
    return DbFinding(finding, obj, kind, constraint, role)
