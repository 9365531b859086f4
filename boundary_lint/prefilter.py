"""Cheap text tests that decide which files, and which lines, the checker must look at.

Most files of a codebase hold no SQL (on Django 5.1, a few hundred of 2,788),
and most lines of the rest hold none either. The checker only ever looks at
three things, so these tests look for exactly those, by construction a
superset of what it can report:

- a string literal that starts (after blanks and SQL comments) with a SQL
  statement keyword written in one case: the SQL-looking literals;
- a call of a SQL sink (``execute``, ``text``, ``fetchrow``, ...);
- an ORM or migration construct (``ForeignKey``, ``__tablename__``, ``op.``...).

Everything is ``str.find`` / ``bytes.find`` and small anchored regexes: a
big alternation regex over a whole file costs more than parsing it.
The accuracy corpus is checked with and without these filters (tests).
"""

from __future__ import annotations

import bisect
import re
from typing import AnyStr, Iterable, Iterator, List, Sequence, Union

KEYWORDS = (
    "select", "insert", "update", "delete", "with", "create", "alter", "drop", "truncate",
    "merge", "copy", "grant", "revoke", "comment", "do", "replace", "upsert",
)
"""Statement keywords a SQL-looking literal may start with (``sites_python.STATEMENT_START``)."""

CALL_NAMES = (
    # SQL sinks (sites_python.SINK_METHODS, Django's .raw, psycopg's sql.SQL)
    "execute", "executemany", "executescript", "exec_driver_sql", "fetch", "fetchrow", "fetchval",
    "fetch_all", "fetch_one", "fetch_val", "copy_from_query", "text", "read_sql", "read_sql_query",
    "mogrify", "raw", "RawSQL", "RunSQL", "SQL", "Identifier",
    # calls that name a table (sites_orm.TABLE_APIS) and SQLAlchemy tables
    "to_sql", "read_sql_table", "copy_to_table", "copy_records_to_table", "copy_from_table",
    "insert_rows", "copy_from", "copy_to", "extra", "Table", "table",
)
"""Names whose call (``name(``, as a whole identifier) the checker reads."""

WORD_TOKENS = ("op.", "sql.")
"""Module prefixes (Alembic's ``op``, psycopg's ``sql``) read as whole identifiers."""

CONSTRUCT_TOKENS = (
    "ForeignKey", "__tablename__", "__table_args__", "db_table", "table_name", "foreign_key",
)
"""Substrings of the ORM constructs the checker reads."""

_NEWLINE = {str: "\n", bytes: b"\n"}
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_IDENTIFIER_BYTES = frozenset(ord(c) for c in _IDENTIFIER_CHARS)


def _token_offsets(text: AnyStr, tokens: Sequence[str], word: bool = False, call: bool = False) -> Iterator[int]:
    """Where each token stands, at most once a line (a line is all the callers need).

    ``word``: not preceded by an identifier character; ``call``: also followed,
    after blanks, by ``(``.
    """
    kind = type(text)
    newline = _NEWLINE[kind]
    ident = _IDENTIFIER_CHARS if kind is str else _IDENTIFIER_BYTES
    paren = "(" if kind is str else ord("(")
    blanks = " \t" if kind is str else b" \t"
    for token in tokens:
        needle = token.encode() if kind is bytes else token
        index = text.find(needle)
        while index >= 0:
            if (not word and not call) or _is_word(text, index, len(needle), ident, call, paren, blanks):
                yield index
                end = text.find(newline, index)
                if end < 0:
                    break
                index = text.find(needle, end)
            else:
                index = text.find(needle, index + 1)


def _is_word(text, index: int, size: int, ident, call: bool, paren, blanks) -> bool:
    if index > 0 and text[index - 1] in ident:
        return False
    if not call:
        return True
    after = index + size
    if after < len(text) and text[after] in ident:
        return False  # a longer name: "textual(", "fetchone("
    while after < len(text) and text[after] in blanks:
        after += 1
    return after < len(text) and text[after] == paren


_KEYWORD_SET = frozenset(KEYWORDS) | frozenset(k.upper() for k in KEYWORDS)
_KEYWORD_BYTES = frozenset(k.encode() for k in _KEYWORD_SET)
# A string's opening quote, then blanks, "(", "[" or SQL comments, then its first word.
_LITERAL_START = r"(?:'''|\"\"\"|'|\")(?:[\s(\[]|--[^\n]*\n|/\*.{0,2000}?\*/)*([A-Za-z]+)"
_LITERAL_RE = {
    str: re.compile(_LITERAL_START, re.DOTALL),
    bytes: re.compile(_LITERAL_START.encode(), re.DOTALL),
}


def _literal_offsets(text: AnyStr) -> Iterator[int]:
    """Where a string literal's first word (after blanks and SQL comments) is a statement keyword."""
    words = _KEYWORD_SET if isinstance(text, str) else _KEYWORD_BYTES
    for match in _LITERAL_RE[type(text)].finditer(text):
        if match.group(1) in words:
            yield match.start(1)


ORM_TOKENS = CONSTRUCT_TOKENS + WORD_TOKENS + (
    "Table", "table(", "Column", "column(", "MetaData", "Identifier", ".extra(", "insert_rows",
    "to_sql", "read_sql_table", "copy_", "create_", "drop_", "add_column", "alter_column",
    "rename_table", "bulk_insert",
)
"""Every trigger word of an ORM or migration construct (the lines ``sites_orm`` walks)."""


def interesting_offsets(text: AnyStr, extra_sinks: Iterable[str] = ()) -> Iterator[int]:
    """Offsets of everything the checker could act on (in no particular order)."""
    yield from _token_offsets(text, CONSTRUCT_TOKENS)
    yield from _token_offsets(text, WORD_TOKENS, word=True)
    yield from _token_offsets(text, CALL_NAMES + tuple(extra_sinks), call=True)
    yield from _literal_offsets(text)


def may_hold_findings(data: Union[bytes, str], extra_sinks: Iterable[str] = ()) -> bool:
    """False only when the file surely holds nothing the checker would report.

    >>> may_hold_findings(b'q = "SELECT a FROM public.t"')
    True
    >>> may_hold_findings(b'from os import path\\nx.update(y)  # select me')
    False
    """
    return next(interesting_offsets(data, extra_sinks), None) is not None


def interesting_lines(source: str, extra_sinks: Iterable[str] = ()) -> List[int]:
    """Sorted 1-based line numbers of everything the checker could act on.

    >>> interesting_lines("import os\\nq = (\\n  'SELECT a FROM t')\\nx = 1\\n")
    [3]
    """
    return _lines_of(source, interesting_offsets(source, extra_sinks))


def orm_lines(source: str) -> List[int]:
    """Sorted 1-based line numbers where an ORM or migration construct may stand.

    >>> orm_lines("import os\\nclass A(Base):\\n    __tablename__ = 'a'\\n")
    [3]
    """
    return _lines_of(source, _token_offsets(source, ORM_TOKENS))


def _lines_of(source: str, offsets: Iterable[int]) -> List[int]:
    """Offsets -> sorted line numbers, counting newlines between sorted offsets (C speed)."""
    lines: List[int] = []
    line, last = 1, 0
    for offset in sorted(set(offsets)):
        line += source.count("\n", last, offset)
        last = offset
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def touches(node, lines: List[int]) -> bool:
    """Does the statement (decorators included) span any of the sorted ``lines``?"""
    first = getattr(node, "lineno", None)
    if first is None:
        return True
    last = getattr(node, "end_lineno", None) or first
    for decorator in getattr(node, "decorator_list", ()):
        first = min(first, decorator.lineno)
    index = bisect.bisect_left(lines, first)
    return index < len(lines) and lines[index] <= last
