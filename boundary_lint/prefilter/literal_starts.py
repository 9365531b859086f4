"""Where a SQL-looking string literal opens, read from a file's raw text (no parse).

``sites.python`` calls a literal SQL-looking when its text starts, after blanks
and SQL comments, with a statement keyword written in one case
(``STATEMENT_START``). Finding those openings in raw text takes two stages,
because most quote-then-keyword shapes open nothing (a docstring's closing
quote, then ``with self.assertRaises(...)``):

1. :data:`QUOTE_THEN_KEYWORD`, a search for the shape anywhere (also run by RE2
   in :mod:`boundary_lint.prefilter.lines` when ``boundary-lint[fast]`` is installed);
2. :func:`confirmed`, one pass over the file's comments and strings, in the
   order a tokenizer meets them, which tells an opening quote from a closing one
   and reads the literal's own text.

Both stages accept more than ``STATEMENT_START`` does (a superset: the checker
decides), except for one narrowing: a literal holding nothing but the keyword
(``"DELETE"``, an HTTP method) counts only when more text is joined to it.
"""

from __future__ import annotations

import re
from typing import AnyStr, Iterable, Iterator

KEYWORDS = (
    "select", "insert", "update", "delete", "with", "create", "alter", "drop", "truncate",
    "merge", "copy", "grant", "revoke", "comment", "do", "replace", "upsert",
)
"""Statement keywords a SQL-looking literal may start with, all of one case: the one list
(``sites.python.STATEMENT_START`` is made from it)."""

KEYWORD_SET = frozenset(KEYWORDS) | frozenset(k.upper() for k in KEYWORDS)
ESCAPE = r"\\(?:\n|[ntrfvab]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3})"
"""A string escape that may stand for a blank (``\\n``, ``\\x20``, ``\\u3000``...), or a
backslash ending the line inside the string (the SQL starts on the next line; the value has no break)."""
KEYWORD_ALTERNATIVES = "|".join(sorted(KEYWORD_SET, key=lambda k: (-len(k), k)))
BLANK = r"[\s\x0b\x1c-\x1f\x80-\xff]"
"""A blank as Python's ``str.isspace`` has it, in text or in raw bytes (any non-ASCII byte)."""


def quote_then_keyword(quotes: str) -> str:
    """A quote of ``quotes``; blanks or escapes; then a SQL comment or a statement keyword
    (also the host-language byte test's, with a backtick among the quotes)."""
    return ("[" + quotes + "](?:" + BLANK + "|" + ESCAPE + r")*(?:--|/\*|(?:"
            + KEYWORD_ALTERNATIVES + r")(?![A-Za-z0-9_]))")


QUOTE_THEN_KEYWORD = quote_then_keyword("'\"")
"""Stage 1: a quote (a triple quote's last); blanks or escapes; then a SQL
comment or a statement keyword. Starting with a character set keeps ``re`` quick."""

# Stage 2, from a string's first character to its last: the same, SQL comments skipped.
_CONTENT_START = (r"(?:" + BLANK + "|" + ESCAPE + r"|--(?:[^\n\\]|\\(?!n))*(?:\n|\\n|\Z)|/\*.*?(?:\*/|\Z))*"
                  r"([A-Za-z]+)(?![A-Za-z0-9_])")
# Python's comments and strings, in the order a tokenizer meets them. A prefix changes
# nothing here: a backslash never ends a string, raw or not.
_STRINGS_AND_COMMENTS = (  # each body a run of plain characters at a time: C speed on a 4 MB string
    r"""#[^\n]*|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)|\"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)"""
    r"""|'[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*\""""
)
# After a literal holding only a keyword: what joins more text to it (an operator,
# ``.format``, the next string of an implicit concatenation), past ")", comments, lines.
_CONTINUED = r"""(?:[\s)]|\\\n|#[^\n]*)*(?:[-+*/%@&|^<>.]|[rRbBuUfF]{0,2}['"])"""
_BLANK_REST = r"(?:\s|\\[ntr])*"


class compiled(dict):
    """One pattern for text and for bytes, ``[str]`` or ``[bytes]``, each compiled when first
    asked for: a run reads one of the two, and a warm run neither (``re`` compiles in Python)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        super().__init__()
        self.pattern, self.flags = pattern, flags

    def __missing__(self, kind: type) -> "re.Pattern":
        pattern = self[kind] = re.compile(self.pattern if kind is str else self.pattern.encode(), self.flags)
        return pattern


_SINGLE_THEN_KEYWORD_RE = compiled(quote_then_keyword("'"))
_DOUBLE_THEN_KEYWORD_RE = compiled(quote_then_keyword('"'))
_CONTENT_START_RE = compiled(_CONTENT_START, re.DOTALL)
_STRINGS_AND_COMMENTS_RE = compiled(_STRINGS_AND_COMMENTS, re.DOTALL)
_CONTINUED_RE = compiled(_CONTINUED)
_BLANK_REST_RE = compiled(_BLANK_REST)
_KEYWORDS = {str: KEYWORD_SET, bytes: frozenset(k.encode() for k in KEYWORD_SET)}
_TRIPLE = frozenset(('"""', "'''", b'"""', b"'''"))


def candidates(text: AnyStr) -> list:
    """Stage 1: offsets of every quote-then-keyword shape (sorted). One pattern a quote: a
    pattern opening with a literal lets ``re`` jump between its occurrences, one opening with
    ``['"]`` is tried at every character (twice the time). The shape holds no other quote, so
    the two sets of matches are those of the one pattern."""
    kind = type(text)
    single = [match.start() for match in _SINGLE_THEN_KEYWORD_RE[kind].finditer(text)]
    double = [match.start() for match in _DOUBLE_THEN_KEYWORD_RE[kind].finditer(text)]
    return sorted(single + double) if single and double else single or double


def confirmed(text: AnyStr, found: Iterable[int]) -> Iterator[int]:
    """Stage 2: the opening quotes, among stage 1's ``found``, of SQL-looking literals.

    Lazy: the file is read only as far as the candidate asked about.
    (Python 3.12's nested same-kind quotes, ``f"{d["k"]}"``, read as two strings
    that both end on their line.)

    >>> text = 'def f():\\n    "Docs."\\n    with x:\\n        q = "select a from t"\\n'
    >>> [text[o:o + 8] for o in confirmed(text, candidates(text))]
    ['"select ']
    """
    kind = type(text)
    wanted = set(found)
    if not wanted:
        return
    last = max(wanted)
    for token in _STRINGS_AND_COMMENTS_RE[kind].finditer(text):
        start = token.start()
        if start > last:
            return
        quote = 3 if text[start:start + 3] in _TRIPLE else 1
        if start + quote - 1 in wanted and opens_sql(text, token):
            yield start


def openings(text: AnyStr, found: Iterable[int]) -> Iterator[int]:
    """Stage 2 for lines rather than files: those of stage 1's ``found`` that may open a
    string, in order: at a string's opening quote (whatever its text), or anywhere in an
    f-string, whose fields are code and may hold literals (Python 3.12 lets them reuse its
    quote). One at another string's closing quote or inside it, or in a comment, opens nothing.

    >>> text = '"a" with x\\nf"{g(\\'select 1\\')}" "update t"  # \\'delete it\\'\\n'
    >>> [text[o:o + 4] for o in openings(text, candidates(text))]
    ["'sel", '"upd']
    """
    tokens = _STRINGS_AND_COMMENTS_RE[type(text)].finditer(text)
    token = next(tokens, None)
    for offset in sorted(set(found)):
        while token is not None and token.end() <= offset:
            token = next(tokens, None)
        if token is None or token.start() > offset:
            yield offset  # not in a token: kept, whatever it is
            continue
        start = token.start()
        quote = 3 if text[start:start + 3] in _TRIPLE else 1
        if offset == start + quote - 1 or (text[start:start + 1] not in ("#", b"#") and _f_prefixed(text, start)):
            yield offset


def _f_prefixed(text: AnyStr, start: int) -> bool:
    """Does the string whose quote is at ``start`` have an ``f`` among its prefix letters?"""
    prefix = text[max(0, start - 2):start]
    while prefix and not prefix[:1].isalpha():
        prefix = prefix[1:]
    return "f" in (prefix.decode() if isinstance(prefix, bytes) else prefix).lower()


def strings_and_comments(text: AnyStr) -> Iterator:
    """Every comment and string of ``text`` (prefixes left out: a token starts at its quote),
    in order, as matches: what tells code from the text of a string or a comment."""
    return _STRINGS_AND_COMMENTS_RE[type(text)].finditer(text)


def string_at(text: AnyStr, start: int):
    """The string (or comment) token starting at ``start``, as a match; None if none does."""
    return _STRINGS_AND_COMMENTS_RE[type(text)].match(text, start)


def opens_sql(text: AnyStr, token) -> bool:
    """Does the string ``token`` (a match of one string) hold a SQL-looking literal's start?"""
    kind = type(text)
    start = token.start()
    quote = 3 if text[start:start + 3] in _TRIPLE else 1
    end = token.end() - quote if token.end() - start >= 2 * quote else token.end()
    opened = _CONTENT_START_RE[kind].match(text, start + quote, end)
    if not opened or opened.group(1) not in _KEYWORDS[kind]:
        return False
    # "DELETE", an HTTP method: a lone keyword is SQL only if more text is joined to it
    lone = _BLANK_REST_RE[kind].fullmatch(text, opened.end(), end)
    return not lone or bool(_CONTINUED_RE[kind].match(text, token.end()))
