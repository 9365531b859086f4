"""The byte pre-filter's RE2 engine (``boundary-lint[fast]`` installs google-re2): one
pass finds every candidate; a second walks a file to its first SQL literal.

Same answers as the pure-Python engine in :mod:`boundary_lint.prefilter.lines` (tests
compare them on every repository file, three benchmark trees and generated
shapes), about three times faster on Django. Importing this module fails when
google-re2 is missing; the pre-filter then uses its own engine.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Dict, Iterator, List, Sequence, Tuple

import re2

from boundary_lint.prefilter import literal_starts
from boundary_lint.prefilter.triggers import (
    ASSIGNED_NAMES,
    CALL_NAMES,
    CONSTRUCT_TOKENS,
    NEEDS,
    ORM_CALL_NAMES,
    UNSURE,
    assigned_at,
    called_at,
)


@functools.lru_cache(maxsize=16)
def _pattern(sinks: Tuple[str, ...]):
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


def match_spans(pattern, data: bytes) -> Iterator[Sequence[Tuple[int, int]]]:
    """Each match's spans, whole match then groups ((-1, -1) for a group that took no part), as
    ``pattern.finditer`` would give them. Straight from the RE2 matcher the wrapper's ``finditer``
    calls when it is there: the wrapper builds a match object per hit in Python, which on a module
    with SQL on every line costs more than the search (10 us a hit)."""
    matcher = getattr(getattr(pattern, "_regexp", None), "Match", None)
    if matcher is None or _UNANCHORED is None:  # another release of the wrapper: its own way
        for match in pattern.finditer(data):
            yield [match.span(group) for group in range(pattern.groups + 1)]
        return
    position, end = 0, len(data)
    while position <= end:
        spans = matcher(_UNANCHORED, data, position, end)
        whole = spans[0]
        if whole[0] < 0:
            return
        yield spans
        position = whole[1] if whole[1] > whole[0] else whole[1] + 1


try:
    _UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED  # what the wrapper's finditer passes its matcher
except AttributeError:  # another release of the wrapper: match_spans uses its finditer
    _UNANCHORED = None


def triggers(data: bytes, sinks: Tuple[str, ...]) -> Tuple[List[int], List[int], List[int]]:
    """The same candidates as :func:`boundary_lint.prefilter.lines._python_triggers`, from one RE2 pass."""
    found: List[int] = []
    orm: List[int] = []
    literals: List[int] = []
    needs_met: Dict[str, bool] = {}
    for spans in match_spans(_pattern(sinks), data):
        quote = spans[1][0]
        if quote >= 0:
            literals.append(quote)
            continue
        start = spans[0][0]
        called, call_end = spans[2]
        assigned, assign_end = spans[3] if called < 0 else (-1, -1)
        name = data[called:call_end] if called >= 0 else data[assigned:assign_end] if assigned >= 0 else None
        key = name.decode() if name is not None else ""
        if name is not None:
            if key in NEEDS and key not in sinks:
                if key not in needs_met:
                    needs_met[key] = NEEDS[key].encode() in data
                if not needs_met[key]:
                    continue
            if called >= 0 and not called_at(data, start, call_end):
                continue
            if assigned >= 0 and not assigned_at(data, start, assign_end):
                continue
        found.append(start)
        if name is None or assigned >= 0 or key in ORM_CALL_NAMES:
            orm.append(start)
    return found, orm, literals


@functools.lru_cache(maxsize=1)
def _lexers():
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


def first_literal(data: bytes, candidates: List[int]) -> int:
    """The opening quote of the first SQL-looking literal, None if there is none, or
    ``UNSURE``: RE2 walks the file as the tokenizer would, and the literal it stops at is
    judged in Python as :func:`prefilter.literal_starts.confirmed` would."""
    to_literal, whole = _lexers()
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
