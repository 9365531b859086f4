"""A byte-level test that decides cheaply which Python files need parsing at all.

Most files of a codebase hold no SQL (on Django 5.1, 113-706 of 2,788 files
contain anything SQL-like at byte level), so a regex over the raw bytes that
cannot miss a finding lets the checker skip ``ast.parse`` for the rest. It must
over-approximate: a false "maybe" costs time, a false "no" loses a finding
(the accuracy corpus is run with and without it to prove it loses nothing).
"""

from __future__ import annotations

import re
from typing import Iterable, Pattern, Union

_SQL_SHAPES = (
    rb"\b(?:select|delete)\b[^;]{0,600}?\bfrom\b",
    rb"\binsert\s+(?:or\s+\w+\s+|ignore\s+)?into\b",
    rb"\bupdate\s+[\w.\"{}%]+(?:\s+(?:as\s+)?\w+)?\s+set\b",
    rb"\b(?:create|alter|drop)\s+(?:[\w\"]+\s+){0,5}?(?:table|view|index|schema|trigger|function|procedure|policy|type|sequence|rule)\b",
    rb"\b(?:truncate|references|merge\s+into|comment\s+on|grant\s+\w+|revoke\s+\w+|copy\s+[\w.\"]+|join)\b",
    rb"\bdo\s+\$",
)
_PYTHON_CONSTRUCTS = (
    rb"ForeignKey",
    rb"\bTable\s*\(",
    rb"__table(?:name|_args)__",
    rb"\bdb_table\b",
    rb"\bop\.",
    rb"\bsql\.(?:SQL|Identifier|Composed)",
    rb"\bIdentifier\s*\(",
    rb"\b(?:copy_to_table|copy_records_to_table|copy_from_table|read_sql_table|to_sql|RunSQL|RawSQL)\b",
)


def compile_prefilter(extra_words: Iterable[str] = ()) -> "Pattern[bytes]":
    """One case-insensitive alternation (SQL shapes) plus case-sensitive Python constructs.

    >>> bool(compile_prefilter().search(b'q = "SELECT a FROM public.t"'))
    True
    >>> bool(compile_prefilter().search(b'from os import path\\nx.update(y)'))
    False
    """
    words = [re.escape(w.encode()) + rb"\s*\(" for w in extra_words]
    sql = b"|".join(_SQL_SHAPES)
    python = b"|".join(list(_PYTHON_CONSTRUCTS) + words)
    return re.compile(rb"(?i:" + sql + rb")|" + python)


DEFAULT = compile_prefilter()


def may_hold_findings(data: Union[bytes, str], pattern: "Pattern[bytes]" = DEFAULT) -> bool:
    """False only when the file surely holds nothing the checker would report."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return pattern.search(data) is not None
