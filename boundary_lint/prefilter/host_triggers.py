"""Can a host-language file hold a finding at all? A byte test made before it is parsed.

A Python tree often carries JavaScript it never wrote (Django's admin ships jQuery,
Select2, XRegExp: 111 ``.js`` files), and walking a tree-sitter tree of such a file in
Python costs more than parsing all of Django's Python. The JavaScript and TypeScript
finder (:mod:`boundary_lint.sites.typescript`) takes SQL from two places only: the string
argument of a strong sink (any text), and a string whose text opens with a statement
keyword written in one case (``looks_like_sql``). A file with neither shape in its bytes,
and no suppression comment to judge, holds no site: it is not parsed.

The test is a superset, like the Python pre-filter's: a keyword after a quote (``'``, ``"``
or a backtick), blanks, escapes or a SQL comment between them; a strong sink's name as a
whole identifier anywhere. Languages whose finders read more than strings (Java's
``@Table`` entities, Go, shell here-documents, Prisma) are always parsed.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import FrozenSet

from boundary_lint.prefilter.literal_starts import quote_then_keyword

PREFILTERED_FINDERS = frozenset({"typescript"})
"""Finders whose every site is a string (a sink's argument or a SQL-looking literal)."""

_QUOTE_THEN_KEYWORD = re.compile(quote_then_keyword("'\"`").encode())


@functools.lru_cache(maxsize=None)
def _sink_names(finder: str) -> "re.Pattern":
    """The finder's strong sinks as whole identifiers (``$`` is an identifier character)."""
    sinks = importlib.import_module(f"boundary_lint.sites.{finder}").SINKS
    names: FrozenSet[str] = frozenset(name for name, strong in sinks.items() if strong)
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![A-Za-z0-9_$])(?:{alternatives})(?![A-Za-z0-9_$])".encode())


def may_hold_findings(finder: str, data: bytes) -> bool:
    """False only when the file surely holds nothing the finder would read as SQL.

    >>> may_hold_findings("typescript", b"$('#id').hide(); // select all rows")
    False
    >>> may_hold_findings("typescript", b"const q = `\\n  SELECT 1`;")
    True
    >>> may_hold_findings("typescript", b"await db.query(text, [id]);")
    True
    """
    if finder not in PREFILTERED_FINDERS:
        return True
    lowered = data.lower()  # suppress.may_suppress's test, on bytes (the pre-filter sits below suppress)
    if b"boundary:" in lowered or b"bnd" in lowered:  # a suppression comment is judged even with no finding
        return True
    return _QUOTE_THEN_KEYWORD.search(data) is not None or _sink_names(finder).search(data) is not None
