"""Suppression comments: ``# noqa`` / ``# noqa: BND101`` and ``# boundary: allow BND100 -- reason``.

Follows flake8: a comment anywhere on a logical line (a multi-line string
included) covers every physical line of it, and listed codes match by prefix.
A finding is also suppressed by a comment on its statement's first line. In
``.sql`` files the comments start with ``--``.

``# boundary: allow CODES -- reason`` suppresses like noqa but carries a
reason; ``--require-reason`` turns suppressions without one back into findings
(see :func:`boundary_lint.filters.run_filters.require_reasons`).

The reason may open with a ticket and an end date, in either order:
``# boundary: allow BND100 -- JIRA-123 until 2027-03-31 read model until the API ships``.
A ticket is ``PROJ-123``, ``#123``, ``group/project#123`` or an ``http(s)://`` URL;
``until YYYY-MM-DD`` keeps the exception valid to the end of that day. Nothing here
knows today's date: expiry is decided by :func:`boundary_lint.filters.run_filters.expire`.
"""

from __future__ import annotations

import datetime
import io
import re
import tokenize
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from boundary_lint.value_classes import value_class
from boundary_lint.codes import is_known_code, unknown_code_message
from boundary_lint.model import Finding, Problem, SuppressedFinding, UnusedSuppression

# A code is letters, then (from its first digit on) letters and digits: ``BND1O1`` is one
# (unknown) code, never ``BND1`` (a prefix of every BND1xx) followed by noise.
NOQA = re.compile(
    r"(?:#|--)\s*noqa(?::[\s]?(?P<codes>[A-Z]+(?:[0-9][A-Z0-9]*)?(?:[,\s]+[A-Z]+(?:[0-9][A-Z0-9]*)?)*))?",
    re.IGNORECASE,
)
ALLOW = re.compile(
    r"(?:#|--)\s*boundary:\s*allow\b(?P<codes>(?:[\s,]+[A-Z]+[0-9][A-Z0-9]*\b)*)[\s,]*(?:--)?\s*(?P<reason>.*?)\s*$",
    re.IGNORECASE,
)
ALL = frozenset({""})  # a bare noqa: the empty prefix matches every code


TICKET = re.compile(r"(?:[A-Z][A-Z0-9_]*-[0-9]+|#[0-9]+|[\w.-]+(?:/[\w.-]+)+#[0-9]+|https?://\S+)(?=\s|$)")
UNTIL = re.compile(r"until\s+(?P<date>[0-9]\S*)(?=\s|$)", re.IGNORECASE)


@value_class
class Suppression:
    """One suppression comment: where it is, what it covers, and why.

    ``until`` is the ISO date the exception holds to (inclusive), ``""`` when it never
    expires; ``bad_until`` the text written after ``until`` when it is no date.
    """

    line: int
    codes: FrozenSet[str]
    reason: str = ""
    kind: str = "noqa"  # "noqa" or "allow"
    ticket: str = ""
    until: str = ""
    bad_until: str = ""

    def covers(self, code: str) -> bool:
        return any(code.startswith(c) for c in self.codes)


def split_exception(text: str) -> Tuple[str, str, str, str]:
    """``(ticket, until, reason, bad_until)`` from the text after ``--`` of an allow comment.

    >>> split_exception("JIRA-123 until 2027-03-31 read model until the strategy API ships")
    ('JIRA-123', '2027-03-31', 'read model until the strategy API ships', '')
    >>> split_exception("until 2027-02-30 https://git.example.com/g/p/-/issues/7")
    ('https://git.example.com/g/p/-/issues/7', '', '', '2027-02-30')
    >>> split_exception("read model, ticket 42")
    ('', '', 'read model, ticket 42', '')
    """
    ticket = until = bad = ""
    rest = text.strip()
    for _ in range(2):
        match = TICKET.match(rest)
        if match and not ticket:
            ticket = match.group(0)
            rest = rest[match.end():].lstrip(" ,;:")
            continue
        match = UNTIL.match(rest)
        if match and not (until or bad):
            written = match.group("date")
            if _iso_date(written):
                until = written
            else:
                bad = written
            rest = rest[match.end():].lstrip(" ,;:")
            continue
        break
    return ticket, until, rest.lstrip("-: ").strip(), bad


def _iso_date(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def codes_in(comment: str) -> Optional[FrozenSet[str]]:
    """The codes a noqa comment names, ``ALL`` for a bare one, ``None`` if none.

    >>> sorted(codes_in("x = 1  # noqa: BND100, BND101"))
    ['BND100', 'BND101']
    >>> codes_in("# noqa") == ALL
    True
    """
    match = NOQA.search(comment)
    if match is None:
        return None
    if not match.group("codes"):
        return ALL
    return frozenset(c.upper() for c in re.split(r"[,\s]+", match.group("codes")) if c)


def suppressions_in(comment: str, line: int) -> List[Suppression]:
    """The suppressions one comment holds (an allow comment, a noqa, or both).

    >>> s = suppressions_in("# boundary: allow BND100, BND101 -- read model, ticket 42", 3)
    >>> sorted(s[0].codes), s[0].reason, s[0].kind
    (['BND100', 'BND101'], 'read model, ticket 42', 'allow')
    >>> suppressions_in("-- boundary: allow BND102", 1)[0].reason
    ''
    """
    found = []
    allow = ALLOW.search(comment)
    if allow is not None:
        names = [c.upper() for c in re.split(r"[,\s]+", allow.group("codes")) if c]
        codes = frozenset(names) if names else ALL
        ticket, until, reason, bad = split_exception(allow.group("reason") or "")
        found.append(Suppression(line, codes, reason, "allow", ticket, until, bad))
    codes = codes_in(comment[: allow.start()] if allow is not None else comment)
    if codes is not None:
        found.append(Suppression(line, codes))
    return found


def unknown_codes(suppressions: Dict[int, Tuple[Suppression, ...]]) -> List[Tuple[int, str]]:
    """``(comment line, code)`` for each code a comment names that no rule has.

    Every code of a ``boundary: allow`` comment is ours; in a ``noqa`` only codes
    starting with ``BND`` are (the others belong to other tools).

    >>> unknown_codes({3: tuple(suppressions_in("# boundary: allow BND1O1 -- legacy", 3))})
    [(3, 'BND1O1')]
    >>> unknown_codes({1: tuple(suppressions_in("# noqa: E501, BND999", 1))})
    [(1, 'BND999')]
    """
    found = set()
    for found_on in suppressions.values():
        for s in found_on:
            for code in s.codes:
                if code and (s.kind == "allow" or code.startswith("BND")) and not is_known_code(code):
                    found.add((s.line, code))
    return sorted(found)


def python_suppressions(source: str) -> Dict[int, Tuple[Suppression, ...]]:
    """line -> suppressions covering it, spreading each comment over its logical line."""
    comments: Dict[int, Tuple[Suppression, ...]] = {}
    ranges: List[Tuple[int, int]] = []
    lowered = source.lower()
    if "noqa" not in lowered and "boundary" not in lowered:
        return comments  # no comment can suppress anything: skip the tokenizer
    try:
        start: Optional[int] = None
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if start is None and tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                start = tok.start[0]
            if tok.type == tokenize.COMMENT:
                found = suppressions_in(tok.string, tok.start[0])
                if found:
                    comments[tok.start[0]] = comments.get(tok.start[0], ()) + tuple(found)
            elif tok.type == tokenize.NEWLINE and start is not None:
                ranges.append((start, tok.end[0]))
                start = None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    spread = dict(comments)
    for first, last in ranges:
        found = tuple(s for n in range(first, last + 1) for s in comments.get(n, ()))
        if found:
            for line in range(first, last + 1):
                spread[line] = tuple(dict.fromkeys(spread.get(line, ()) + found))
    return spread


def text_suppressions(lines: Sequence[str], first_line: int = 1) -> Dict[int, Tuple[Suppression, ...]]:
    """line -> suppressions on it, for SQL files (``-- noqa``, ``-- boundary: allow``);
    ``first_line``: the number of ``lines[0]`` (a piece of a large file)."""
    out = {}
    for number, line in enumerate(lines, start=first_line):
        lowered = line.lower()
        if "noqa" in lowered or "boundary:" in lowered:
            found = suppressions_in(line, number)
            if found:
                out[number] = tuple(found)
    return out


def python_noqa_map(source: str) -> Dict[int, FrozenSet[str]]:
    """line -> suppressed code prefixes (any kind of suppression comment)."""
    return _codes_map(python_suppressions(source))


def text_noqa_map(lines: Sequence[str]) -> Dict[int, FrozenSet[str]]:
    """line -> suppressed code prefixes, for SQL files."""
    return _codes_map(text_suppressions(lines))


def _codes_map(suppressions: Dict[int, Tuple[Suppression, ...]]) -> Dict[int, FrozenSet[str]]:
    return {line: frozenset().union(*(s.codes for s in found)) for line, found in suppressions.items()}


def covering(finding: Finding, suppressions: Dict[int, Tuple[Suppression, ...]]) -> List[Suppression]:
    """Every comment covering ``finding`` (on its line or its statement's first line)."""
    return [
        s
        for line in dict.fromkeys((finding.line, finding.statement_line))
        for s in suppressions.get(line, ())
        if s.covers(finding.code)
    ]


def suppression_for(
    finding: Finding, suppressions: Dict[int, Tuple[Suppression, ...]]
) -> Optional[Suppression]:
    """The comment that suppresses ``finding``: one that never expires before one that does
    (the latest date first), then one that gives a reason (so an expired exception never
    hides a comment that still holds)."""
    candidates = covering(finding, suppressions)
    if not candidates:
        return None
    return max(candidates, key=lambda s: (not s.until, s.until, bool(s.reason or s.ticket), s.kind == "allow"))


def split_suppressed(
    findings: Iterable[Finding], suppressions: Dict[int, Tuple[Suppression, ...]]
) -> Tuple[List[Finding], List[SuppressedFinding]]:
    """Findings still reported, and the suppressed ones with the comment that did it."""
    kept: List[Finding] = []
    suppressed: List[SuppressedFinding] = []
    for finding in findings:
        by = suppression_for(finding, suppressions)
        if by is None:
            kept.append(finding)
        else:
            suppressed.append(SuppressedFinding(finding, by.reason, by.line, by.kind, by.ticket, by.until))
    return kept, suppressed


def unused_suppressions(
    path: str, findings: Iterable[Finding], suppressions: Dict[int, Tuple[Suppression, ...]]
) -> List[UnusedSuppression]:
    """Comments of ours that cover none of ``findings`` (the file's findings before suppression).

    An allow comment is ours entirely; of a ``noqa`` only the ``BND`` codes it names are
    (a bare ``# noqa`` and other tools' codes are never reported). Unknown codes are
    reported elsewhere, as usage errors.
    """
    used = set()
    for finding in findings:
        for s in covering(finding, suppressions):
            used.update((s.line, s.kind, code) for code in s.codes if finding.code.startswith(code))
    comments = {(s.line, s.kind): s for found in suppressions.values() for s in found}
    unused = []
    for (line, kind), s in sorted(comments.items()):
        ours = [c for c in sorted(s.codes) if (kind == "allow" or c.startswith("BND")) and is_known_code(c or "BND")]
        left = tuple(c for c in ours if (line, kind, c) not in used)
        if left:
            unused.append(UnusedSuppression(path, line, left, kind, s.ticket, s.until))
    return unused


def bad_dates(suppressions: Dict[int, Tuple[Suppression, ...]]) -> List[Tuple[int, str]]:
    """``(comment line, text)`` of each ``until`` that is no ``YYYY-MM-DD`` date."""
    return sorted({(s.line, s.bad_until) for found in suppressions.values() for s in found if s.bad_until})


def is_suppressed(finding: Finding, noqa: Dict[int, FrozenSet[str]]) -> bool:
    for line in (finding.line, finding.statement_line):
        codes = noqa.get(line)
        if codes and any(finding.code.startswith(c) for c in codes):
            return True
    return False


def without_suppressed(findings: Iterable[Finding], noqa: Dict[int, FrozenSet[str]]) -> List[Finding]:
    return [f for f in findings if not is_suppressed(f, noqa)]


def may_suppress(source: str) -> bool:
    """Can the text hold a suppression comment of ours (to check even with no finding)?"""
    lowered = source.lower()
    return "boundary:" in lowered or "bnd" in lowered


def apply_suppressions(path: str, findings: List[Finding], comments):
    """Findings kept, findings suppressed, the comments that suppressed nothing, and the
    usage errors of the comments (an unknown code, an ``until`` that is no date)."""
    kept, suppressed = split_suppressed(findings, comments)
    unused = unused_suppressions(path, findings, comments)
    problems = comment_code_problems(path, comments) + [
        Problem(path, line, f"suppression comment: until {text!r} is no date; write until YYYY-MM-DD "
                "(the exception holds to the end of that day)", usage=True)
        for line, text in bad_dates(comments)
    ]
    return kept, suppressed, unused, problems


def comment_code_problems(path: str, comments) -> List[Problem]:
    """A usage error per unknown code in a suppression comment (``# boundary: allow BND1O1``):
    such a comment suppresses nothing, and the user meant it to."""
    return [
        Problem(path, line, f"suppression comment: {unknown_code_message(code)}", usage=True)
        for line, code in unknown_codes(comments)
    ]
