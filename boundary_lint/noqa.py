"""``# noqa`` / ``# noqa: BND101`` (and ``-- noqa`` in SQL) suppression.

Follows flake8: a comment anywhere on a logical line (a multi-line string
included) covers every physical line of it, and listed codes match by prefix.
A finding is also suppressed by a comment on its statement's first line.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from .model import Finding

NOQA = re.compile(
    r"(?:#|--)\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.IGNORECASE
)
ALL = frozenset({""})  # a bare noqa: the empty prefix matches every code


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


def python_noqa_map(source: str) -> Dict[int, FrozenSet[str]]:
    """line -> suppressed code prefixes, spreading each comment over its logical line."""
    comments: Dict[int, FrozenSet[str]] = {}
    ranges: List[Tuple[int, int]] = []
    try:
        start: Optional[int] = None
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if start is None and tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                start = tok.start[0]
            if tok.type == tokenize.COMMENT:
                codes = codes_in(tok.string)
                if codes is not None:
                    comments[tok.start[0]] = comments.get(tok.start[0], frozenset()) | codes
            elif tok.type == tokenize.NEWLINE and start is not None:
                ranges.append((start, tok.end[0]))
                start = None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    spread = dict(comments)
    for first, last in ranges:
        codes = frozenset().union(*(comments.get(n, frozenset()) for n in range(first, last + 1)))
        if codes:
            for line in range(first, last + 1):
                spread[line] = spread.get(line, frozenset()) | codes
    return spread


def text_noqa_map(lines: Sequence[str]) -> Dict[int, FrozenSet[str]]:
    """line -> suppressed code prefixes, for SQL files (``-- noqa``)."""
    out = {}
    for number, line in enumerate(lines, start=1):
        if "noqa" in line.lower():
            codes = codes_in(line)
            if codes is not None:
                out[number] = codes
    return out


def is_suppressed(finding: Finding, noqa: Dict[int, FrozenSet[str]]) -> bool:
    for line in (finding.line, finding.statement_line):
        codes = noqa.get(line)
        if codes and any(finding.code.startswith(c) for c in codes):
            return True
    return False


def without_suppressed(findings: Iterable[Finding], noqa: Dict[int, FrozenSet[str]]) -> List[Finding]:
    return [f for f in findings if not is_suppressed(f, noqa)]
