"""What the checker acts on, by name: the calls, assigned names and constructs the byte
pre-filter looks for (:mod:`boundary_lint.prefilter.lines`), and the checks that confirm a
hit, shared by its two engines.

Each list is a superset of what a later step reads: ``sites.python`` (sinks),
``sites.orm`` and ``sites.alembic`` (constructs). Tests check they agree.
"""

from __future__ import annotations

import functools
from typing import AnyStr, FrozenSet, Sequence, Tuple

from boundary_lint.prefilter import literal_starts

ALEMBIC_NAMES = (
    "create_table", "drop_table", "add_column", "drop_column", "alter_column", "rename_table",
    "create_table_comment", "drop_table_comment", "batch_alter_table", "create_index", "drop_index",
    "create_unique_constraint", "create_primary_key", "create_check_constraint",
    "create_exclude_constraint", "create_foreign_key", "bulk_insert",
)
"""Alembic operations, read as calls whatever ``op`` is imported as (``sites.orm`` reads them;
``sites.alembic.DDL_OPS`` says where each names its table)."""

SINK_METHODS = frozenset({
    "execute", "executemany", "executescript", "exec_driver_sql", "fetch", "fetchrow", "fetchval",
    "fetch_all", "fetch_one", "fetch_val", "copy_from_query", "text", "read_sql", "read_sql_query",
    "mogrify", "RawSQL", "RunSQL",
})
"""Callables whose first argument (or ``sql=``/``query=``/``statement=``) is SQL: the sinks
``sites.python`` reads (and ``settings.sinks`` adds to)."""

SINK_NAMES = tuple(sorted(SINK_METHODS)) + ("raw", "SQL", "Composed", "Identifier")
"""Calls whose argument ``sites.python`` reads as SQL: the sinks, Django's ``.raw``, psycopg's
``sql.SQL``/``Composed``/``Identifier``."""

ORM_CALLS = (
    # sites_orm.TABLE_APIS, SQLAlchemy tables and foreign keys, Django's .extra(tables=)
    "to_sql", "read_sql_table", "copy_to_table", "copy_records_to_table", "copy_from_table",
    "insert_rows", "copy_from", "copy_to", "extra", "Table", "table", "ForeignKey", "ForeignKeyConstraint",
) + ALEMBIC_NAMES
"""Calls that ``sites.orm`` reads (they name a table rather than hold SQL)."""

CALL_NAMES = SINK_NAMES + ORM_CALLS
"""Names whose call (``name(`` with an argument, as a whole identifier) the checker reads."""
ORM_CALL_NAMES = frozenset(ORM_CALLS)

NOT_AFTER = {"ForeignKey": "models."}
"""Calls the checker ignores when written so: Django's ``models.ForeignKey`` names a model."""

ASSIGNED_NAMES = ("foreign_key", "db_table", "table_name")
"""Names the checker reads where they are given a value (``name =``/``name=``, not ``==``):
SQLModel's ``Field(foreign_key=...)``, a Django or Peewee ``class Meta`` option."""

CONSTRUCT_TOKENS = ("__tablename__", "__table_args__")
"""Substrings of the ORM constructs the checker reads."""

NEEDS = {"extra": "tables", "db_table": "class Meta", "table_name": "class Meta"}
"""Triggers that only count in a file also holding this text: Django's ``.extra()``
names tables only in ``tables=``; ``db_table``/``table_name`` only in a ``class Meta``."""

MODEL_HINTS = ("Model)", "Model,", "__tablename__", "Table(", "AppConfig", "AUTH_USER_MODEL",
               "get_user_model", "declarative", "DeclarativeBase", "Base)", "Base,", "registry(", "SQLModel",
               "AbstractUser", "AbstractBaseUser", "SQLAlchemy(", "proxy = True")
"""What a file that may define a model holds (:mod:`boundary_lint.sites.model_index`): a file none of
these appear in is not parsed for the index. A file whose only models subclass models imported
from elsewhere, with no ``Meta.proxy``, is missed: multi-table inheritance alone in a module."""
MODEL_HINT_BYTES = tuple(hint.encode() for hint in MODEL_HINTS)

UNSURE = -1
"""What an engine says of a file only the pure-Python lexer can judge (``prefilter.re2_engine.first_literal``)."""

IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
IDENTIFIER_BYTES = frozenset(ord(c) for c in IDENTIFIER_CHARS)
WORD_END_RE = literal_starts.compiled(r"[A-Za-z0-9_]*")
_DEFINITIONS = {str: ("def ", "class "), bytes: (b"def ", b"class ")}


def next_after_blanks(text: AnyStr, index: int) -> AnyStr:
    """The two characters after ``index`` and any spaces or tabs."""
    blanks = b" \t" if isinstance(text, bytes) else " \t"
    while index < len(text) and text[index] in blanks:
        index += 1
    return text[index:index + 2]


def called_at(text: AnyStr, start: int, end: int) -> bool:
    """Is the name at ``start:end`` called with an argument, and not defined or excluded?"""
    kind = type(text)
    after = next_after_blanks(text, end)
    if after[:1] != (b"(" if kind is bytes else "(") or after[1:2] == (b")" if kind is bytes else ")"):
        return False  # not called, or "text()": no argument, no SQL
    if text[max(0, start - 6):start].endswith(_DEFINITIONS[kind]):
        return False  # a definition of that name
    name = text[start:end]
    before = NOT_AFTER.get(name.decode() if kind is bytes else name)
    return not before or text[max(0, start - len(before)):start] != (before.encode() if kind is bytes else before)


def assigned_at(text: AnyStr, start: int, end: int) -> bool:
    """Is the name at ``start:end`` given a value (``=``, not ``==``)?"""
    equals = b"=" if isinstance(text, bytes) else "="
    after = next_after_blanks(text, end)
    return after[:1] == equals and after[1:2] != equals


def usable(text: AnyStr, tokens: Sequence[str]) -> Tuple[str, ...]:
    """The tokens whose file-level condition (``NEEDS``) ``text`` meets."""
    needs = _NEED_TEXTS[type(text)]
    return _usable(tuple(tokens), frozenset(need for need, written in needs if written not in text))


_NEED_TEXTS = {kind: tuple((need, need.encode() if kind is bytes else need) for need in sorted(set(NEEDS.values())))
               for kind in (str, bytes)}


@functools.lru_cache(maxsize=64)
def _usable(tokens: Tuple[str, ...], unmet: FrozenSet[str]) -> Tuple[str, ...]:
    return tuple(t for t in tokens if NEEDS.get(t) not in unmet)
