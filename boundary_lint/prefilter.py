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
import functools
import re
from typing import AnyStr, FrozenSet, Iterable, Iterator, List, Sequence, Tuple, Union
KEYWORDS = (
    "select", "insert", "update", "delete", "with", "create", "alter", "drop", "truncate",
    "merge", "copy", "grant", "revoke", "comment", "do", "replace", "upsert",
)
"""Statement keywords a SQL-looking literal may start with (``sites_python.STATEMENT_START``)."""

ALEMBIC_NAMES = (
    "create_table", "drop_table", "add_column", "drop_column", "alter_column", "rename_table",
    "create_table_comment", "drop_table_comment", "batch_alter_table", "create_index", "drop_index",
    "create_unique_constraint", "create_primary_key", "create_check_constraint",
    "create_exclude_constraint", "create_foreign_key", "bulk_insert",
)
"""Alembic operations (``sites_orm.ALEMBIC_CALLS``), read as calls whatever ``op`` is imported as."""

CALL_NAMES = (
    # SQL sinks (sites_python.SINK_METHODS, Django's .raw, psycopg's sql.SQL/Composed)
    "execute", "executemany", "executescript", "exec_driver_sql", "fetch", "fetchrow", "fetchval",
    "fetch_all", "fetch_one", "fetch_val", "copy_from_query", "text", "read_sql", "read_sql_query",
    "mogrify", "raw", "RawSQL", "RunSQL", "SQL", "Composed", "Identifier",
    # calls that name a table (sites_orm.TABLE_APIS), SQLAlchemy tables and foreign keys
    "to_sql", "read_sql_table", "copy_to_table", "copy_records_to_table", "copy_from_table",
    "insert_rows", "copy_from", "copy_to", "extra", "Table", "table", "ForeignKey",
    "ForeignKeyConstraint",
) + ALEMBIC_NAMES
"""Names whose call (``name(``, as a whole identifier) the checker reads."""

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

_NEWLINE = {str: "\n", bytes: b"\n"}
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_IDENTIFIER_BYTES = frozenset(ord(c) for c in _IDENTIFIER_CHARS)
_CALL, _ASSIGNED = "(", "="


def _token_offsets(text: AnyStr, tokens: Sequence[str], follow: str = "") -> Iterator[int]:
    """Where each token stands, at most once a line (a line is all the callers need).

    ``follow`` ``"("`` or ``"="``: the token is a whole identifier followed, after
    blanks, by that character (``"="`` not doubled); ``""``: any substring.
    """
    kind = type(text)
    newline = _NEWLINE[kind]
    for token in tokens:
        needle = token.encode() if kind is bytes else token
        index = text.find(needle)
        while index >= 0:
            if not follow or _stands_as(text, index, token, follow):
                yield index
                end = text.find(newline, index)
                if end < 0:
                    break
                index = text.find(needle, end)
            else:
                index = text.find(needle, index + 1)


def _stands_as(text: AnyStr, index: int, token: str, follow: str) -> bool:
    """Is ``token`` at ``index`` a whole identifier followed (after blanks) by ``follow``?"""
    is_bytes = isinstance(text, bytes)
    ident = _IDENTIFIER_BYTES if is_bytes else _IDENTIFIER_CHARS
    if index > 0 and text[index - 1] in ident:
        return False
    before = NOT_AFTER.get(token)
    if before and text[max(0, index - len(before)):index] == (before.encode() if is_bytes else before):
        return False
    if text[max(0, index - 6):index].endswith((b"def ", b"class ") if is_bytes else ("def ", "class ")):
        return False  # a definition of that name, not a call
    after, size = index + len(token), len(text)
    if after < size and text[after] in ident:
        return False  # a longer name: "textual(", "fetchone("
    blanks = b" \t" if is_bytes else " \t"
    while after < size and text[after] in blanks:
        after += 1
    if after >= size or text[after:after + 1] != (follow.encode() if is_bytes else follow):
        return False
    following = text[after + 1:after + 2]
    if follow == _ASSIGNED:
        return following != (b"=" if is_bytes else "=")
    return following != (b")" if is_bytes else ")")  # "text()", "raw()": no argument, no SQL


NEEDLES = (
    "exec", "fetch", "copy_", "read_sql", "SQL", "text", "mogrify", "raw", "Composed", "Identifier",
    "to_sql", "insert_rows", "extra", "table", "Table", "oreign", "column", "_index", "constraint",
    "primary_key", "bulk_insert",
)
"""Substrings the call names are found by: one ``find`` pass per needle, not per name
(``table`` finds ``create_table``, ``copy_to_table``, ...); a hit counts when the
whole identifier around it is a call name."""


@functools.lru_cache(maxsize=64)
def _needles(names: Tuple[str, ...], as_bytes: bool) -> Tuple[Tuple[AnyStr, ...], FrozenSet[AnyStr]]:
    """The needles that find every name (a name no needle finds is its own), and the names."""
    found = sorted({next((n for n in NEEDLES if n in name), name) for name in names})
    if as_bytes:
        return tuple(n.encode() for n in found), frozenset(n.encode() for n in names)
    return tuple(found), frozenset(names)


def _call_offsets(text: AnyStr, names: Sequence[str]) -> Iterator[int]:
    """Where a call of one of ``names`` (``name(`` with an argument) starts, once a line."""
    kind = type(text)
    is_bytes = kind is bytes
    needles, wanted = _needles(tuple(names), is_bytes)
    ident = _IDENTIFIER_BYTES if is_bytes else _IDENTIFIER_CHARS
    newline = _NEWLINE[kind]
    word_end = _WORD_END_RE[kind]
    for token in needles:
        index = text.find(token)
        while index >= 0:
            start = index
            while start > 0 and text[start - 1] in ident:
                start -= 1
            end = word_end.match(text, index + len(token)).end()
            name = text[start:end]
            if name in wanted and _stands_as(text, start, name.decode() if is_bytes else name, _CALL):
                yield start
                line_end = text.find(newline, end)
                if line_end < 0:
                    break
                index = text.find(token, line_end)
            else:
                index = text.find(token, end)


_KEYWORD_SET = frozenset(KEYWORDS) | frozenset(k.upper() for k in KEYWORDS)
_KEYWORD_BYTES = frozenset(k.encode() for k in _KEYWORD_SET)
_ESCAPE = r"\\(?:[ntrfvab]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3})"
_KEYWORD_ALTERNATIVES = "|".join(sorted(_KEYWORD_SET, key=lambda k: (-len(k), k)))
# Stage 1, anywhere: a quote (a triple quote's last); blanks or escapes; then a SQL
# comment or a statement keyword. Starting with a character set keeps the regex engine quick.
_QUOTE_THEN_WORD = (r"""['"](?:[\s\x80-\xff]|""" + _ESCAPE + r")*(?:--|/\*|(?:"
                    + _KEYWORD_ALTERNATIVES + r")(?![A-Za-z0-9_]))")
# Stage 2, from one string's first character: the same, SQL comments skipped.
_CONTENT_START = (r"(?:[\s\x80-\xff]|" + _ESCAPE + r"|--(?:[^\n\\]|\\(?!n))*(?:\n|\\n|\Z)|/\*.*?(?:\*/|\Z))*"
                  r"([A-Za-z]+)(?![A-Za-z0-9_])")
# Python's comments and strings, in the order a tokenizer meets them. A prefix changes
# nothing here: a backslash never ends a string, raw or not.
_STRINGS_AND_COMMENTS = (
    r"""#[^\n]*|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)"""
    r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\""""
)


def _compiled(pattern: str, flags: int = 0) -> dict:
    return {str: re.compile(pattern, flags), bytes: re.compile(pattern.encode(), flags)}


_QUOTE_THEN_WORD_RE = _compiled(_QUOTE_THEN_WORD)
_CONTENT_START_RE = _compiled(_CONTENT_START, re.DOTALL)
_STRINGS_AND_COMMENTS_RE = _compiled(_STRINGS_AND_COMMENTS, re.DOTALL)
# After a string holding only a keyword: what joins more text to it (``+``, ``%``,
# ``.format``, the next string of an implicit concatenation), past ")", comments and lines.
_CONTINUED_RE = _compiled(r"""(?:[\s)]|\\\n|#[^\n]*)*(?:[-+*/%@&|^<>.]|[rRbBuUfF]{0,2}['"])""")
_BLANK_REST_RE = _compiled(r"(?:\s|\\[ntr])*")
_WORD_END_RE = _compiled(r"[A-Za-z0-9_]*")
_TRIPLE = frozenset(('"""', "'''", b'"""', b"'''"))


def _literal_offsets(text: AnyStr) -> Iterator[int]:
    """Opening quotes of the string literals whose content starts (after blanks,
    escapes and SQL comments) with a statement keyword.

    Two stages, because most quote-then-keyword shapes are no literal's start (a
    docstring's closing quote, then ``with self.assertRaises(...)``): a cheap
    search for the shape anywhere; then, only where it found some, one pass over
    the file's comments and strings, which tells an opening quote from a closing
    one. (Python 3.12's nested same-kind quotes in f-strings, ``f"{d["k"]}"``, are
    read as two strings; both still end on their line.)
    """
    kind = type(text)
    words = _KEYWORD_SET if kind is str else _KEYWORD_BYTES
    candidates = {match.start() for match in _QUOTE_THEN_WORD_RE[kind].finditer(text)}
    if not candidates:
        return
    last = max(candidates)
    content_start = _CONTENT_START_RE[kind]
    for token in _STRINGS_AND_COMMENTS_RE[kind].finditer(text, 0):
        start = token.start()
        if start > last:
            return
        quote = 3 if text[start:start + 3] in _TRIPLE else 1
        if start + quote - 1 not in candidates:
            continue
        end = token.end() - quote if token.end() - start >= 2 * quote else token.end()
        found = content_start.match(text, start + quote, end)
        if not found or found.group(1) not in words:
            continue
        if _BLANK_REST_RE[kind].fullmatch(text, found.end(), end) and not _CONTINUED_RE[kind].match(text, token.end()):
            continue  # "DELETE", an HTTP method: a lone keyword is SQL only if more text is joined to it
        yield start


def _usable(text: AnyStr, tokens: Sequence[str]) -> Tuple[str, ...]:
    """The tokens whose file-level condition (``NEEDS``) ``text`` meets."""
    encode = isinstance(text, bytes)
    return tuple(t for t in tokens if t not in NEEDS or (NEEDS[t].encode() if encode else NEEDS[t]) in text)


ORM_TOKENS = CONSTRUCT_TOKENS + ASSIGNED_NAMES + (
    "ForeignKey", "Table", "table(", "Column", "column(", "MetaData", "Identifier", ".extra(", "insert_rows",
    "to_sql", "read_sql_table", "copy_", "create_", "drop_", "add_column", "alter_column",
    "rename_table", "bulk_insert", "op.",
)
"""Every trigger word of an ORM or migration construct (the lines ``sites_orm`` walks)."""


def interesting_offsets(text: AnyStr, extra_sinks: Iterable[str] = ()) -> Iterator[int]:
    """Offsets of everything the checker could act on (in no particular order)."""
    yield from _token_offsets(text, CONSTRUCT_TOKENS)
    yield from _token_offsets(text, _usable(text, ASSIGNED_NAMES), _ASSIGNED)
    yield from _call_offsets(text, _usable(text, CALL_NAMES) + tuple(extra_sinks))
    yield from _literal_offsets(text)


def may_hold_findings(data: Union[bytes, str], extra_sinks: Iterable[str] = ()) -> bool:
    """False only when the file surely holds nothing the checker would report.

    >>> may_hold_findings(b'q = "SELECT a FROM public.t"')
    True
    >>> may_hold_findings(b'from os import path\\nx.update(y)  # select me')
    False
    >>> may_hold_findings(b"def f():\\n    '''Docs.'''\\n    with open(p) as f:\\n        pass\\n")
    False
    """
    return next(interesting_offsets(data, extra_sinks), None) is not None


def interesting_lines(source: AnyStr, extra_sinks: Iterable[str] = ()) -> List[int]:
    """Sorted 1-based line numbers of everything the checker could act on (text or bytes).

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


def _lines_of(source: AnyStr, offsets: Iterable[int]) -> List[int]:
    """Offsets -> sorted line numbers, counting newlines between sorted offsets (C speed)."""
    lines: List[int] = []
    line, last = 1, 0
    newline = _NEWLINE[type(source)]
    for offset in sorted(set(offsets)):
        line += source.count(newline, last, offset)
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
