"""Cheap text tests that decide which files, and which lines, the checker must look at.

Most files of a codebase hold no SQL (on Django 5.1, 223 of 2,788 are read at
all; 113 of those hold a table reference), and most lines of the rest hold none. The checker only
ever acts on three things, so these tests look for exactly those, by
construction a superset of what it can report:

- a string literal that starts (after blanks and SQL comments) with a SQL
  statement keyword written in one case (:mod:`boundary_lint.prefilter.literal_starts`);
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
from typing import AnyStr, Callable, FrozenSet, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

from boundary_lint.prefilter import literal_starts
from boundary_lint.prefilter.triggers import (
    ASSIGNED_NAMES,
    CALL_NAMES,
    CONSTRUCT_TOKENS,
    IDENTIFIER_BYTES,
    IDENTIFIER_CHARS,
    ORM_CALL_NAMES,
    UNSURE,
    WORD_END_RE,
    assigned_at,
    called_at,
    usable,
)

try:  # boundary-lint[fast]
    from boundary_lint.prefilter import re2_engine as fast
except ModuleNotFoundError as missing:  # pragma: no cover - depends on the install
    if missing.name != "re2":
        raise
    fast = None

NEEDLES = (
    "exec", "fetch", "copy_", "read_sql", "SQL", "text", "mogrify", "raw", "Composed", "Identifier",
    "to_sql", "insert_rows", "extra", "table", "Table", "oreign", "column", "_index", "constraint",
    "primary_key", "bulk_insert",
)
"""Substrings the call names are found by without RE2: one ``find`` pass per needle,
not per name (``table`` finds ``create_table``, ``copy_to_table``...); a hit counts
when the whole identifier around it is a call name."""

_NEWLINE = {str: "\n", bytes: b"\n"}


class Lines(NamedTuple):
    """Sorted 1-based line numbers: where the checker may act, the ORM part of those, and the
    lines naming one of the model words among them, the only ones the ORM access pass walks
    (``None``: every line, as in :data:`EVERY_LINE`)."""

    all: Optional[List[int]]
    orm: Optional[List[int]]
    models: Optional[List[int]] = None


EVERY_LINE = Lines(None, None, None)
"""No pruning: every statement is walked (the reference the pre-filter is tested against)."""


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


def trigger_lines(source: AnyStr, extra_sinks: Iterable[str] = (), words: Iterable[str] = (),
                  openings: bool = False) -> Lines:
    """The lines of every candidate, and of the ORM and migration constructs among them
    (the ORM pass walks only those: a SQL line may be a 1,000-piece concatenation).

    A literal candidate is confirmed (:func:`prefilter.literal_starts.confirmed`) only as far
    as deciding whether the file is read at all: once it is, the remaining
    candidates' lines are kept unconfirmed, a superset costing a few statements' walk
    (``openings``: only those that may open a string are kept, see
    :func:`prefilter.literal_starts.openings`, when the lines decide which functions are parsed).

    ``words`` are identifiers (the model names of :func:`boundary_lint.sites.orm_access.trigger_words`)
    whose every whole-word occurrence is an ORM line, found the same way whichever engine runs.

    >>> trigger_lines("x = 1\\nfk = ForeignKey('a.b.c')\\ncur.execute(q)\\n")
    Lines(all=[2, 3], orm=[2], models=[])
    >>> trigger_lines("from b import Invoice\\nx = 1\\nInvoice.objects.all()\\n", words=["Invoice"])
    Lines(all=[1, 3], orm=[1, 3], models=[1, 3])
    """
    sinks = tuple(extra_sinks)
    if fast is not None and isinstance(source, bytes):
        found, orm, literals = fast.triggers(source, sinks)
    else:
        found, orm, literals = _python_triggers(source, sinks)
    words = frozenset(words)
    named = list(word_offsets(source, words)) if words else []
    if named:
        found = found + named
        orm = orm + named
    if literals and openings:
        literals = list(literal_starts.openings(source, literals))
    elif literals and not found:
        first = UNSURE
        if fast is not None and isinstance(source, bytes):
            first = fast.first_literal(source, literals)
        if first == UNSURE:
            first = next(literal_starts.confirmed(source, literals), None)
        literals = [] if first is None else [o for o in literals if o >= first]
    return Lines(_lines_of(source, found + literals), _lines_of(source, orm), _lines_of(source, named))


def within(lines: Lines, bound: Lines) -> Lines:
    """``lines`` kept only where ``bound`` has them too (each of its lists; None: every line)."""
    def kept(mine: Optional[List[int]], theirs: Optional[List[int]]) -> Optional[List[int]]:
        if mine is None or theirs is None:
            return theirs if mine is None else mine
        allowed = set(theirs)
        return [line for line in mine if line in allowed]

    return Lines(kept(lines.all, bound.all), kept(lines.orm, bound.orm), kept(lines.models, bound.models))


def touches(node, lines: Sequence[int]) -> bool:
    """Does the statement (decorators included) span any of the sorted ``lines``?"""
    first = getattr(node, "lineno", None)
    if first is None:
        return True
    last = getattr(node, "end_lineno", None) or first
    for decorator in getattr(node, "decorator_list", ()):
        first = min(first, decorator.lineno)
    return spans_any(lines, first, last)


def spans_any(lines: Sequence[int], first: int, last: int) -> bool:
    """Is one of the sorted ``lines`` between ``first`` and ``last`` (inclusive)?"""
    index = bisect.bisect_left(lines, first)
    return index < len(lines) and lines[index] <= last


# -- the pure-Python engine ---------------------------------------------------------


def _python_triggers(text: AnyStr, sinks: Tuple[str, ...]) -> Tuple[List[int], List[int], List[int]]:
    """(confirmed offsets of calls and constructs, the ORM ones among them, literal
    candidates), by find and ``re``."""
    orm = list(_token_offsets(text, CONSTRUCT_TOKENS))
    orm.extend(_name_offsets(text, usable(text, ASSIGNED_NAMES), assigned_at))
    calls = list(_name_offsets(text, usable(text, CALL_NAMES) + sinks, called_at))
    orm.extend(o for o in calls if _name_at(text, o) in ORM_CALL_NAMES)
    return orm + calls, orm, literal_starts.candidates(text)


_CAPITALISED = {str: re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Za-z0-9_]*"),
                bytes: re.compile(rb"(?<![A-Za-z0-9_])[A-Z][A-Za-z0-9_]*")}


def word_offsets(text: AnyStr, words: FrozenSet[str]) -> Iterator[int]:
    """Where one of ``words`` stands as a whole identifier: capitalised words (class names) by
    one pass over the text's capitalised identifiers, the others by ``find``; shared by both
    engines, so they agree by construction."""
    kind = type(text)
    capitalised = frozenset((w.encode() if kind is bytes else w) for w in words if w[:1].isupper())
    if 0 < len(capitalised) <= FEW_WORDS:
        yield from _whole_word_offsets(text, capitalised)
    elif capitalised:
        for match in _CAPITALISED[kind].finditer(text):
            if match.group() in capitalised:
                yield match.start()
    others = tuple(sorted(w for w in words if not w[:1].isupper() and "." not in w))
    if others:
        yield from _name_offsets(text, others, lambda _text, _start, _end: True)
    dotted = tuple(sorted(w for w in words if "." in w))  # "billing.invoice": a substring
    if dotted:
        yield from _token_offsets(text, dotted)


FEW_WORDS = 32
"""Up to this many capitalised words, one ``find`` pass per word is quicker than the one pass
over every capitalised identifier of the text."""


def _whole_word_offsets(text: AnyStr, words: FrozenSet) -> Iterator[int]:
    """What ``_CAPITALISED`` finds among ``words``, by ``find``: each occurrence of a word
    (``A-Z`` first, identifier characters after) with no identifier character on either side."""
    ident = IDENTIFIER_BYTES if isinstance(text, bytes) else IDENTIFIER_CHARS
    first = _UPPER[type(text)]
    for word in words:
        if word[0] not in first or any(c not in ident for c in word):
            continue  # the pattern never matches it whole
        size, index = len(word), text.find(word)
        while index >= 0:
            end = index + size
            if (index == 0 or text[index - 1] not in ident) and (end == len(text) or text[end] not in ident):
                yield index
            index = text.find(word, end)


_UPPER = {str: frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), bytes: frozenset(range(ord("A"), ord("Z") + 1))}


def _name_at(text: AnyStr, start: int) -> str:
    name = text[start:WORD_END_RE[type(text)].match(text, start).end()]
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
    ident = IDENTIFIER_BYTES if kind is bytes else IDENTIFIER_CHARS
    newline, word_end = _NEWLINE[kind], WORD_END_RE[kind]
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


def engine() -> str:
    """Which engine reads raw bytes: ``"re2"`` (boundary-lint[fast]) or ``"python"``."""
    return "re2" if fast is not None else "python"


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
