"""Cheap text tests that decide which files, and which lines, the checker must look at.

Most files of a codebase hold no SQL (on Django 5.1, 223 of 2,788 are read at
all; 113 of those hold a table reference), and most lines of the rest hold none. The checker only
ever acts on three things, so these tests look for exactly those, by
construction a superset of what it can report:

- a string literal that starts (after blanks and SQL comments) with a SQL
  statement keyword written in one case (:mod:`boundary_lint.literal_starts`);
- a call of a SQL sink or a table API (``execute(``, ``text(``, ``to_sql(``...);
- an ORM or migration construct (``ForeignKey(``, ``__tablename__``, ``db_table =``...).

One pass of RE2 finds every candidate when ``boundary-lint[fast]`` installed it
(google-re2: Django's 17 MB in about 0.2 s), and a second one walks a file to
its first SQL literal; otherwise ``bytes.find`` passes, a small ``re`` and a
Python lexer do (about 0.7 s). Either way the same Python checks confirm them;
the two engines are checked to find the same lines, and the corpora to give
the same findings with and without these filters (tests).
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import AnyStr, Callable, Dict, FrozenSet, Iterable, Iterator, List, NamedTuple, Sequence, Tuple, Union

from . import literal_starts

try:  # boundary-lint[fast]
    import re2
except ImportError:  # pragma: no cover - depends on the install
    re2 = None

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
"""Names whose call (``name(`` with an argument, as a whole identifier) the checker reads."""

ORM_CALL_NAMES = frozenset((
    "to_sql", "read_sql_table", "copy_to_table", "copy_records_to_table", "copy_from_table",
    "insert_rows", "copy_from", "copy_to", "extra", "Table", "table", "ForeignKey", "ForeignKeyConstraint",
) + ALEMBIC_NAMES)
"""The call names ``sites_orm`` reads (the others are SQL sinks, read by ``sites_python``)."""

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

NEEDLES = (
    "exec", "fetch", "copy_", "read_sql", "SQL", "text", "mogrify", "raw", "Composed", "Identifier",
    "to_sql", "insert_rows", "extra", "table", "Table", "oreign", "column", "_index", "constraint",
    "primary_key", "bulk_insert",
)
"""Substrings the call names are found by without RE2: one ``find`` pass per needle,
not per name (``table`` finds ``create_table``, ``copy_to_table``...); a hit counts
when the whole identifier around it is a call name."""

_NEWLINE = {str: "\n", bytes: b"\n"}
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_IDENTIFIER_BYTES = frozenset(ord(c) for c in _IDENTIFIER_CHARS)
_WORD_END_RE = literal_starts.compiled(r"[A-Za-z0-9_]*")
_DEFINITIONS = {str: ("def ", "class "), bytes: (b"def ", b"class ")}


class Lines(NamedTuple):
    """Sorted 1-based line numbers: where the checker may act, and the ORM part of those."""

    all: List[int]
    orm: List[int]


def may_hold_findings(data: Union[bytes, str], extra_sinks: Iterable[str] = ()) -> bool:
    """False only when the file surely holds nothing the checker would report.

    >>> may_hold_findings(b'q = "SELECT a FROM public.t"')
    True
    >>> may_hold_findings(b'from os import path\\nx.update(y)  # select me')
    False
    >>> may_hold_findings(b"def f():\\n    '''Docs.'''\\n    with open(p) as f:\\n        pass\\n")
    False
    """
    return bool(interesting_lines(data, extra_sinks))


def interesting_lines(source: AnyStr, extra_sinks: Iterable[str] = ()) -> List[int]:
    """Sorted 1-based line numbers of everything the checker could act on (text or bytes;
    both count lines alike). Empty: the file can be skipped.

    >>> interesting_lines("import os\\nq = (\\n  'SELECT a FROM t')\\nx = 1\\n")
    [3]
    """
    return trigger_lines(source, extra_sinks).all


def trigger_lines(source: AnyStr, extra_sinks: Iterable[str] = ()) -> Lines:
    """The lines of every candidate, and of the ORM and migration constructs among them
    (the ORM pass walks only those: a SQL line may be a 1,000-piece concatenation).

    A literal candidate is confirmed (:func:`literal_starts.confirmed`) only as far
    as deciding whether the file is read at all: once it is, the remaining
    candidates' lines are kept unconfirmed, a superset costing a few statements' walk.

    >>> trigger_lines("x = 1\\nfk = ForeignKey('a.b.c')\\ncur.execute(q)\\n")
    Lines(all=[2, 3], orm=[2])
    """
    sinks = tuple(extra_sinks)
    if re2 is not None and isinstance(source, bytes):
        found, orm, literals = _re2_triggers(source, sinks)
    else:
        found, orm, literals = _python_triggers(source, sinks)
    if literals and not found:
        first = _re2_first_literal(source, literals) if re2 is not None and isinstance(source, bytes) else UNSURE
        if first is UNSURE:
            first = next(literal_starts.confirmed(source, literals), None)
        literals = [] if first is None else [o for o in literals if o >= first]
    return Lines(_lines_of(source, found + literals), _lines_of(source, orm))


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


# -- the pure-Python engine ---------------------------------------------------------


def _python_triggers(text: AnyStr, sinks: Tuple[str, ...]) -> Tuple[List[int], List[int], List[int]]:
    """(confirmed offsets of calls and constructs, the ORM ones among them, literal
    candidates), by find and ``re``."""
    orm = list(_token_offsets(text, CONSTRUCT_TOKENS))
    orm.extend(_name_offsets(text, _usable(text, ASSIGNED_NAMES), _assigned_at))
    calls = list(_name_offsets(text, _usable(text, CALL_NAMES) + sinks, _called_at))
    orm.extend(o for o in calls if _name_at(text, o) in ORM_CALL_NAMES)
    return orm + calls, orm, literal_starts.candidates(text)


def _name_at(text: AnyStr, start: int) -> str:
    name = text[start:_WORD_END_RE[type(text)].match(text, start).end()]
    return name.decode() if isinstance(name, bytes) else name


def _token_offsets(text: AnyStr, tokens: Sequence[str]) -> Iterator[int]:
    """Where each token (a substring) stands, at most once a line: lines are all callers need."""
    kind = type(text)
    newline = _NEWLINE[kind]
    for token in tokens:
        needle = token.encode() if kind is bytes else token
        index = text.find(needle)
        while index >= 0:
            yield index
            end = text.find(newline, index)
            if end < 0:
                break
            index = text.find(needle, end)


@functools.lru_cache(maxsize=64)
def _needles(names: Tuple[str, ...], as_bytes: bool) -> Tuple[Tuple, FrozenSet]:
    """The needles that find every name (a name no needle finds is its own), and the names."""
    found = sorted({next((n for n in NEEDLES if n in name), name) for name in names})
    if as_bytes:
        return tuple(n.encode() for n in found), frozenset(n.encode() for n in names)
    return tuple(found), frozenset(names)


def _name_offsets(text: AnyStr, names: Sequence[str], accept: Callable[[AnyStr, int, int], bool]) -> Iterator[int]:
    """Where one of ``names`` stands as a whole identifier that ``accept(text, start, end)``
    takes; once a line for each needle."""
    kind = type(text)
    needles, wanted = _needles(tuple(names), kind is bytes)
    ident = _IDENTIFIER_BYTES if kind is bytes else _IDENTIFIER_CHARS
    newline, word_end = _NEWLINE[kind], _WORD_END_RE[kind]
    for token in needles:
        index = text.find(token)
        while index >= 0:
            start = index
            while start > 0 and text[start - 1] in ident:
                start -= 1
            end = word_end.match(text, index + len(token)).end()
            if text[start:end] in wanted and accept(text, start, end):
                yield start
                line_end = text.find(newline, end)
                if line_end < 0:
                    break
                index = text.find(token, line_end)
            else:
                index = text.find(token, end)


# -- checks both engines share --------------------------------------------------------


def _next_after_blanks(text: AnyStr, index: int) -> AnyStr:
    """The two characters after ``index`` and any spaces or tabs."""
    blanks = b" \t" if isinstance(text, bytes) else " \t"
    while index < len(text) and text[index] in blanks:
        index += 1
    return text[index:index + 2]


def _called_at(text: AnyStr, start: int, end: int) -> bool:
    """Is the name at ``start:end`` called with an argument, and not defined or excluded?"""
    kind = type(text)
    after = _next_after_blanks(text, end)
    if after[:1] != (b"(" if kind is bytes else "(") or after[1:2] == (b")" if kind is bytes else ")"):
        return False  # not called, or "text()": no argument, no SQL
    if text[max(0, start - 6):start].endswith(_DEFINITIONS[kind]):
        return False  # a definition of that name
    name = text[start:end]
    before = NOT_AFTER.get(name.decode() if kind is bytes else name)
    return not before or text[max(0, start - len(before)):start] != (before.encode() if kind is bytes else before)


def _assigned_at(text: AnyStr, start: int, end: int) -> bool:
    """Is the name at ``start:end`` given a value (``=``, not ``==``)?"""
    equals = b"=" if isinstance(text, bytes) else "="
    after = _next_after_blanks(text, end)
    return after[:1] == equals and after[1:2] != equals


def _usable(text: AnyStr, tokens: Sequence[str]) -> Tuple[str, ...]:
    """The tokens whose file-level condition (``NEEDS``) ``text`` meets."""
    encode = isinstance(text, bytes)
    return tuple(t for t in tokens if t not in NEEDS or (NEEDS[t].encode() if encode else NEEDS[t]) in text)


# -- the RE2 engine (boundary-lint[fast]) ---------------------------------------------


@functools.lru_cache(maxsize=16)
def _re2_pattern(sinks: Tuple[str, ...]):
    """Every trigger as one RE2 alternation over raw bytes (Latin-1: a byte is a character)."""
    names = "|".join(re.escape(n) for n in sorted(set(CALL_NAMES + sinks)))
    pattern = (
        r"(" + literal_starts.QUOTE_THEN_KEYWORD.replace(r"(?![A-Za-z0-9_])", r"\b") + r")"
        r"|\b(" + names + r")[ \t]*\("
        r"|\b(" + "|".join(ASSIGNED_NAMES) + r")[ \t]*="
        r"|" + "|".join(CONSTRUCT_TOKENS)
    )
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    options.max_mem = 64 << 20
    return re2.compile(pattern.encode("latin-1"), options)


def _re2_triggers(data: bytes, sinks: Tuple[str, ...]) -> Tuple[List[int], List[int], List[int]]:
    """The same candidates as :func:`_python_triggers`, from one RE2 pass."""
    found: List[int] = []
    orm: List[int] = []
    literals: List[int] = []
    needs_met: Dict[str, bool] = {}
    for match in _re2_pattern(sinks).finditer(data):
        start = match.start()
        if match.group(1) is not None:
            literals.append(start)
            continue
        name = match.group(2) or match.group(3)
        key = name.decode() if name is not None else ""
        if name is not None:
            if key in NEEDS and key not in sinks:
                if key not in needs_met:
                    needs_met[key] = NEEDS[key].encode() in data
                if not needs_met[key]:
                    continue
            if match.group(2) is not None and not _called_at(data, start, match.end(2)):
                continue
            if match.group(3) is not None and not _assigned_at(data, start, match.end(3)):
                continue
        found.append(start)
        if name is None or match.group(3) is not None or key in ORM_CALL_NAMES:
            orm.append(start)
    return found, orm, literals


UNSURE = -1
"""What :func:`_re2_first_literal` says when only the Python lexer can tell."""


@functools.lru_cache(maxsize=1)
def _re2_lexers():
    """Python's code, comments and strings as RE2 units, up to a string that opens with
    SQL; and the same units to the end of the text (does RE2 read the file as Python?).

    The units are unambiguous, so the one way through a file is the tokenizer's: a
    comment runs to its line's end; a triple quote opens a triple-quoted string, whose
    text ends at the first triple quote; ``""`` is an empty string only when no quote
    or ``#`` follows it (else the whole-file pattern fails and Python decides).
    """
    blank = "(?:" + literal_starts.BLANK + "|" + literal_starts.ESCAPE + ")*"
    units = [r"[^'\"#]", r"#[^\n]*(?:\n|\z)"]
    opening = []
    for q in ('"', "'"):
        nq = "[^" + q + "\\\\]"
        body = "(?:" + "|".join([nq, r"\\(?s:.)", q + nq, q + r"\\(?s:.)", q * 2 + nq, q * 2 + r"\\(?s:.)"]) + ")*"
        units += [q * 3 + body + "(?:" + q * 3 + r"|\z)",
                  q + "(?:[^" + q + r"\\\n]|\\(?s:.))+" + q,
                  q * 2 + r"""(?:[^'"#]|\z)"""]
        opening += [q * 3 + blank, q + blank]
    unit = "(?:" + "|".join(units) + ")"
    keyword = "(?:--|/\\*|(?:" + literal_starts.KEYWORD_ALTERNATIVES + r")\b)"  # as stage 1: Python judges
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    options.max_mem = 64 << 20
    options.never_capture = True
    to_literal = re2.compile((unit + "*?(?:" + "|".join(opening) + ")" + keyword).encode("latin-1"), options)
    whole = re2.compile((unit + "*").encode("latin-1"), options)
    return to_literal, whole


def _re2_first_literal(data: bytes, candidates: List[int]) -> int:
    """The opening quote of the first SQL-looking literal, None if there is none, or
    ``UNSURE``: RE2 walks the file as the tokenizer would, and the literal it stops at is
    judged in Python as :func:`literal_starts.confirmed` would."""
    to_literal, whole = _re2_lexers()
    position = 0
    while True:
        hit = to_literal.match(data, position)
        if hit is None:
            return None if whole.fullmatch(data, position) else UNSURE
        index = bisect.bisect_right(candidates, hit.end()) - 1
        if index < 0:
            return UNSURE
        last_quote = candidates[index]
        token = None
        for start in (last_quote - 2, last_quote):  # a triple quote's first, or a single quote
            quote = data[last_quote:last_quote + 1]
            if start < position or (start < last_quote and data[start:last_quote] != quote * 2):
                continue
            if whole.fullmatch(data, position, start):  # a unit boundary: the string opens here
                token = literal_starts.string_at(data, start)
                break
        if token is None or token.end() < hit.end():
            return UNSURE
        if literal_starts.opens_sql(data, token):
            return token.start()
        position = token.end()


def engine() -> str:
    """Which engine reads raw bytes: ``"re2"`` (boundary-lint[fast]) or ``"python"``."""
    return "re2" if re2 is not None else "python"


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
