"""The patterns that find names in SQL text, spelled to compile and search fast, find exactly
what their plain spelling finds (``[A-Za-z_\\x80-\\uffff][\\w$\\x80-\\uffff]*`` with the look-behind
first cost 8 ms a class to compile, ~50 ms every run, and tried every position)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings, strategies as st

from boundary_lint.rules import statement_filter
from boundary_lint.sql import scan

PLAIN_PART = (r'"(?:[^"]|"")*"?|`[^`]*`?|(?<![\w$])[A-Za-z_\x80-\uffff][\w$\x80-\uffff]*'
              r"|\$\d+|%\(\w+\)s|%s|(?<![:\w]):[A-Za-z_]\w*|\?")
PLAIN_CHAIN = re.compile(r"(?:%s)(?:\s*\.\s*(?:%s))*" % (PLAIN_PART, PLAIN_PART))
PLAIN = {
    "parts": (re.compile(PLAIN_PART), statement_filter._PARTS),
    "chains": (PLAIN_CHAIN, statement_filter._CHAIN),
    "tokens": (re.compile(r"(?:%s)|[()]" % PLAIN_CHAIN.pattern), statement_filter._TOKENS),
    "scan": (re.compile(r'"(?:[^"]|"")*"?|`[^`]*`?|[A-Za-z_\x80-\uffff][\w$\x80-\uffff]*|\$\d+|%\(\w+\)s|%s'
                        r"|::|:[A-Za-z_]\w*|\?|\S"), scan._TOKEN),
}
CHARS = st.sampled_from(list("aZ_09$:.?%()s\"` \n\t;,é")
                        + ["\x7f", "\x80", "\u00ad", "\uffff", "\U0001d400", "\U0001f600", "\u0663",
                           "ab.cd", "%(x)s", "::"])


def spans(pattern, text):
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@settings(max_examples=800, deadline=None)
@given(st.lists(CHARS, max_size=30).map("".join))
def test_the_same_matches_on_any_text(text):
    for plain, fast in PLAIN.values():
        assert spans(fast, text) == spans(plain, text)


def test_the_same_matches_on_every_sql_file_of_the_repository():
    root = Path(__file__).resolve().parents[2]
    for path in sorted(root.rglob("*.sql")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for plain, fast in PLAIN.values():
            assert spans(fast, text) == spans(plain, text), path
