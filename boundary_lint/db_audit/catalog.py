"""What a live PostgreSQL catalog holds, as the audit sees it: plain frozen values.

:mod:`boundary_lint.adapters.db_catalog` reads them (the only psycopg import);
:mod:`boundary_lint.db_audit.rules` judges them without I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

RELATION_KINDS = {
    "r": "table",
    "p": "partitioned table",
    "f": "foreign table",
    "v": "view",
    "m": "materialized view",
}
WRITE_PRIVILEGES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")


class CatalogError(Exception):
    """The catalog could not be read; the message is safe to print (no password)."""


@dataclass(frozen=True, order=True)
class Relation:
    """A table, view, materialized view or foreign table."""

    schema: str
    name: str
    kind: str = "table"  # a value of RELATION_KINDS

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, order=True)
class ForeignKey:
    """Constraint ``constraint`` on ``schema.table`` references ``ref_schema.ref_table``."""

    schema: str
    table: str
    constraint: str
    ref_schema: str
    ref_table: str


@dataclass(frozen=True, order=True)
class ViewRead:
    """View ``schema.view`` (of ``kind``) reads relation ``ref_schema.ref_name`` directly."""

    schema: str
    view: str
    ref_schema: str
    ref_name: str
    kind: str = "view"


@dataclass(frozen=True, order=True)
class RolePrivileges:
    """What ``role`` may do to a relation, as ``has_*_privilege`` sees it: direct
    grants, grants to PUBLIC or to roles it inherits from, ownership, superuser."""

    role: str
    schema: str
    name: str
    kind: str
    privileges: Tuple[str, ...]  # among SELECT, INSERT, UPDATE, DELETE, TRUNCATE


@dataclass(frozen=True)
class Catalog:
    """What one audit read from the database.

    Attributes:
        location: ``postgresql://host:port/dbname`` (never a password).
        database: the database's name.
        schemas: every non-system schema of the database, whatever ``--schema`` says.
        roles: the roles asked about that exist in the cluster.
        relations, foreign_keys, view_reads, privileges: limited to the audited
            schemas (a view's or a constraint's own schema; what they reference may be anywhere).
        transaction_read_only: ``SHOW transaction_read_only`` inside the audit's transaction.
    """

    location: str
    database: str = ""
    schemas: Tuple[str, ...] = ()
    roles: Tuple[str, ...] = ()
    relations: Tuple[Relation, ...] = ()
    foreign_keys: Tuple[ForeignKey, ...] = ()
    view_reads: Tuple[ViewRead, ...] = ()
    privileges: Tuple[RolePrivileges, ...] = ()
    transaction_read_only: bool = True
