"""ORM mappings and foreign keys declared outside Python (JPA entities, Prisma models), as
the :class:`~boundary_lint.model.Reference` values the rules already judge: a mapping of
another service's table is BND106, a relation to one is BND102 -- as SQLAlchemy's
``__tablename__`` and ``ForeignKey`` are.
"""

from __future__ import annotations

import hashlib
import re
from typing import Optional

from boundary_lint.value_classes import value_class
from boundary_lint.model import Operation, Position, Reference, TableName
from boundary_lint.sites.orm import ORM_STATEMENT, table_name

_WS = re.compile(r"\s+")


@value_class
class Entity:
    """A class or model mapped to a table: where its table name stands, and the construct
    (its declaration's first line and text) a baseline fingerprints."""

    name: str
    table: TableName
    position: Position
    line: int
    text: str


def entity_table(schema: Optional[str], name: str, fold: bool) -> TableName:
    """The table an entity maps; ``fold``: unquoted names fold to lower case, as PostgreSQL
    does for the SQL Hibernate writes (Prisma quotes every name: kept as written)."""
    if fold:
        schema, name = (schema.lower() if schema else schema), name.lower()
    return table_name(schema, name)


def fingerprint(text: str) -> str:
    """Stable short hash of a construct's text, whitespace collapsed (as ``sites.orm`` does)."""
    return hashlib.sha1(_WS.sub(" ", text).strip().encode("utf-8", "surrogatepass")).hexdigest()[:16]


def mapping_reference(entity: Entity, index: int) -> Reference:
    """The entity's mapping of its table (construct ``index`` of the file)."""
    return Reference(position=entity.position, table=entity.table, operation=Operation.READ,
                     statement=(ORM_STATEMENT, index), statement_line=entity.line,
                     fingerprint=fingerprint(entity.text), mapping=True, orm="model")


def relation_reference(source: Entity, target: Entity, where: Position, line: int, text: str,
                       index: int) -> Reference:
    """A relation field of ``source`` to ``target``: a foreign key to its table, at ``where``."""
    return Reference(position=where, table=target.table, operation=Operation.FK,
                     statement=(ORM_STATEMENT, index), statement_line=line, fingerprint=fingerprint(text),
                     source=source.table)


def snake_case(name: str) -> str:
    """Spring Boot's default table name of an entity class (``OrderItem`` -> ``order_item``).

    >>> snake_case("OrderItem"), snake_case("URLAlias")
    ('order_item', 'url_alias')
    """
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
