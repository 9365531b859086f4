"""Sink calls whose SQL is one plain string literal, found in a module's text before any parse.

``cur.execute("SELECT o.id FROM orders o WHERE o.id = %s", (key,))``: the SQL is the
literal's own text, and nothing else can be; when the statement proof says none of its
statements can give a finding, the call needs no walk, and a function whose every SQL is such
a call needs no parse (:func:`boundary_lint.pipeline.check_python_source`). Taken only where
the text leaves no doubt, else left to the walk as before:

- the literal is code (the file's comments and strings read in order), written without a
  backslash or a ``\\r``, with no prefix but ``r``/``u`` (no f-string, no bytes), alone or
  implicitly concatenated with others alike: its value is the text between its quotes;
- it is the call's first argument, the callee a sink (``name(`` after ``.`` or a
  non-identifier), and no keyword argument follows (``sql=`` would be the SQL);
- the call stands alone in its expression: on its line only an assignment, ``return`` or
  ``await`` and a receiver (``self.db.cursor().``) come before it; after it only methods of
  a result (``.fetchall()``, never ``.format``), then the line's or the bracket's end, and no
  operator opens the next line (``+ t`` would compose it). ``text("...")``, with no method
  after it, may also be the first argument of a sink standing so
  (``session.execute(text("..."), {"id": id})``): the walk sees through it.
"""

from __future__ import annotations

import re
from typing import FrozenSet, List, Optional, Tuple

from boundary_lint.prefilter import literal_starts
from boundary_lint.prefilter.triggers import IDENTIFIER_CHARS
from boundary_lint.value_classes import value_class


@value_class
class SinkLiteral:
    """A sink's plain literal: where the ``ast`` node of its string starts (its line, and
    the column as ``ast`` counts it, in UTF-8 bytes), its value, and the span of text from the
    callee's name (the enclosing sink's, for ``text(...)``) to the literal's last quote (what
    the pre-filter's lines leave out)."""

    line: int
    column: int
    value: str
    start: int
    end: int


_PREFIXES = frozenset(["", "r", "R", "u", "U"])
_STRING = "|".join([r'"""[^"\\]*(?:"(?!"")[^"\\]*)*"""', r"'''[^'\\]*(?:'(?!'')[^'\\]*)*'''",
                    r'"(?!"")[^"\\\n]*"', r"'(?!'')[^'\\\n]*'"])
"""A string without a backslash (its value is the text between its quotes), from its quote; a
triple-quoted one read a run of plain characters at a time (a 4 MB one: 2.4 s one by one). Each
text is read one way only (a triple quote is never an empty string and a quote), and so is a
comment (to its line's end): ``re`` backtracking over the ways took exponential time."""
_COMMENT = r"#[^\n]*(?![^\n])"
_GAP = r"(?:[ \t\n]|%s)*" % _COMMENT
_FLAT = r"""[^'"#=\\()\[\]{}]|%s|%s""" % (_COMMENT, _STRING)
_ARGUMENT = r"(?:%s|[(\[{](?:%s|[(\[{](?:%s)*[)\]}])*[)\]}])" % (_FLAT, _FLAT, _FLAT)
"""A piece of the other arguments: no keyword (no ``=``), brackets two deep."""
RESULT_METHODS = ("fetchall", "fetchone", "fetchmany", "fetchval", "fetchrow", "scalar", "scalars", "scalar_one",
                  "scalar_one_or_none", "first", "all", "one", "one_or_none", "mappings", "unique", "close")
"""Methods of a cursor or a result that compose no SQL (``.format``, ``.join``, ``.strip`` would)."""
_METHODS = r"(?:[ \t]*\.[ \t]*(?:%s)\(%s*\))*" % ("|".join(RESULT_METHODS), _ARGUMENT)
_CALL = re.compile(
    r"(?P<callee>[A-Za-z_]\w*)[ \t]*\([ \t\n]*"
    r"(?P<strings>(?P<first>[rRuU]?(?:%(s)s))(?:%(gap)s[rRuU]?(?:%(s)s))*)%(gap)s"
    r"(?:,%(arg)s*)?\)(?P<methods>%(methods)s)[ \t]*(?=[\n#)\]},;]|\Z)"
    % {"s": _STRING, "gap": _GAP, "arg": _ARGUMENT, "methods": _METHODS})
"""The call from the sink's name: its strings, the other arguments, calls of methods of its result
(``.fetchall()``), up to the end of the line or of the bracket it stands in."""
_STRINGS_APART = re.compile(r"([rRuU]?)(%s)|#[^\n]*" % _STRING)
_GAP_RE = re.compile(_GAP)
_BEFORE_CALL = re.compile(
    r"[ \t]*(?:(?:return|await|yield)[ \t]+)*(?:[A-Za-z_][\w.]*(?:\[[^\]\n'\"]*\])?[ \t]*=[ \t]*)?"
    r"(?:await[ \t]+)?(?:[A-Za-z_]\w*(?:\(\))?[ \t]*\.[ \t]*)*")
"""What may stand on the line before the callee: an assignment, ``return``/``await``, a receiver."""
_IN_SINK = re.compile(_BEFORE_CALL.pattern + r"(?P<outer>[A-Za-z_]\w*)[ \t]*\([ \t\n]*")
"""The same, then a sink called with the callee first: ``session.execute(`` before ``text(``."""
_OUTER_REST = re.compile(r"%s(?:,%s*)?\)%s[ \t]*(?=[\n#)\]},;]|\Z)" % (_GAP, _ARGUMENT, _METHODS))
"""That sink's other arguments (no keyword), its ``)``, result methods, up to the line's or the bracket's end."""
_COMPOSING = frozenset("+-*/%&|^<>=.[(\"'\\")
"""Characters that, opening the line after the call, would make it part of a larger expression."""
_CONTINUES = frozenset("+-*/%@&|^<>=.(\\")
"""Characters that, ending the line before the call's, would make it part of a larger expression
(a ``,`` makes it one item of a list or of a call's arguments: that composes nothing)."""


def plain_sink_literals(text: str, sinks: FrozenSet[str]) -> List[SinkLiteral]:
    """The sink calls of ``text`` (a module's source, ``\\n`` line ends) whose SQL is one plain
    literal starting like SQL (see the module's docstring), in order."""
    candidates = literal_starts.candidates(text)
    if not candidates or "\r" in text:
        return []
    opening = sorted({quote - 2 if text[quote - 2:quote + 1] in ('"""', "'''") else quote for quote in candidates})
    found: List[SinkLiteral] = []
    tokens, lines, ascii = _Tokens(text), _Lines(text), text.isascii()
    for quote in opening:  # a triple quote's candidate is its last quote
        callee = _callee(text, quote, sinks)
        if callee is None:
            continue
        literal = _sink_literal(text, tokens, lines, sinks, callee[0], quote, callee[1], ascii)
        if literal is not None:
            found.append(literal)
    return found


class _Lines:
    """Line numbers of offsets asked for in order, counted from the last one asked."""

    def __init__(self, text: str) -> None:
        self.text, self.line, self.counted = text, 1, 0

    def at(self, offset: int) -> int:
        self.line += self.text.count("\n", self.counted, offset)
        self.counted = offset
        return self.line


def _callee(text: str, quote: int, sinks: FrozenSet[str]) -> Optional[Tuple[int, int]]:
    """``(start of the sink's name, start of the string's prefix)`` when the string opening at
    ``quote`` is a sink's first argument: ``name(``, blanks, at most two prefix letters."""
    start = quote
    while start > quote - 2 and start > 0 and text[start - 1].isalpha():
        start -= 1
    prefix_start = start
    while start > 0 and text[start - 1] in " \t\n":
        start -= 1
    if start == 0 or text[start - 1] != "(":
        return None
    end = start - 1
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    name_start = end
    while name_start > 0 and text[name_start - 1] in IDENTIFIER_CHARS:
        name_start -= 1
    if text[name_start:end] not in sinks or text[prefix_start:quote] not in _PREFIXES:
        return None
    return name_start, prefix_start


class _Tokens:
    """The comments and strings of a text, read forward once, asked for in order."""

    def __init__(self, text: str) -> None:
        self._tokens = literal_starts.strings_and_comments(text)
        self.current = next(self._tokens, None)
        self.previous_end = 0

    def at(self, offset: int) -> Optional[re.Match]:
        """The token starting at ``offset``, None when none does (then ``offset`` is inside one,
        or is code); tokens before it are passed."""
        while self.current is not None and self.current.start() < offset:
            self.previous_end = self.current.end()
            self.current = next(self._tokens, None)
        return self.current if self.current is not None and self.current.start() == offset else None


def _sink_literal(text: str, tokens: _Tokens, lines: _Lines, sinks: FrozenSet[str], name_start: int, quote: int,
                  prefix_start: int, ascii: bool) -> Optional[SinkLiteral]:
    """The literal opening at ``quote`` (the sink's name at ``name_start``); None where the text
    leaves a doubt."""
    call = _CALL.match(text, name_start)
    if call is None or tokens.at(quote) is None or tokens.previous_end > name_start:
        return None  # another shape; or the quote opens no string, or the name is a comment's or a string's
    whole = _standing_alone(text, call, sinks)
    if whole is None:
        return None
    start, end = whole
    following = _GAP_RE.match(text, end).end()
    if following < len(text) and text[following] in _COMPOSING:
        return None  # the next line goes on with the call's value: ``+ t``, ``.format(...)``
    strings_end = call.end("strings")
    quotes = 3 if text.startswith(text[quote] * 3, quote) else 1
    if call.end("first") == strings_end:  # one string: its text between its quotes
        value = text[quote + quotes:strings_end - quotes]
    else:
        value = _joined(text, prefix_start, strings_end)
        if value is None:
            return None
    if not value:
        return None
    literal_line_start = text.rfind("\n", 0, prefix_start) + 1
    column = prefix_start - literal_line_start if ascii else len(text[literal_line_start:prefix_start].encode("utf-8"))
    return SinkLiteral(lines.at(prefix_start), column, value, start, strings_end)


def _standing_alone(text: str, call: re.Match, sinks: FrozenSet[str]) -> Optional[Tuple[int, int]]:
    """``(start, end)`` of the call standing alone in its expression, from the callee's name: the
    call itself, or the sink's it is the SQL of when it is ``text(...)``, which the walk sees
    through (``session.execute(text("..."), {...})``, on one line or the sink's ``(`` ending
    the line before); None when it may be part of more."""
    name_start = call.start()
    line_start = text.rfind("\n", 0, name_start) + 1
    alone = _BEFORE_CALL.fullmatch(text, line_start, name_start) is not None
    if alone and not _continued(text, line_start):
        return name_start, call.end()
    if call.group("callee") != "text" or call.group("methods"):
        return None  # only text(...) itself is seen through: a method of it may compose (.format)
    outer = _IN_SINK.fullmatch(text, line_start, name_start)
    if outer is None and not text[line_start:name_start].strip(" \t"):  # the sink's "(" ends the line before
        before = line_start - 1
        while before > 0 and text[before - 1] in " \t\n":
            before -= 1
        line_start = text.rfind("\n", 0, before) + 1
        outer = _IN_SINK.fullmatch(text, line_start, name_start)
    if outer is None or outer.group("outer") not in sinks or _continued(text, line_start):
        return None
    rest = _OUTER_REST.match(text, call.end())
    return None if rest is None else (outer.start("outer"), rest.end())


def _joined(text: str, start: int, end: int) -> Optional[str]:
    """The value of the strings implicitly concatenated from ``start`` to ``end`` (comments
    between them), None where one has a prefix that changes it."""
    parts = []
    for part in _STRINGS_APART.finditer(text, start, end):
        string = part.group(2)
        if string is not None:
            if part.group(1) not in _PREFIXES:
                return None
            quotes = 3 if string[:3] in ('"""', "'''") else 1
            parts.append(string[quotes:-quotes])
    return "".join(parts)


def _continued(text: str, line_start: int) -> bool:
    """Does the line before ``line_start`` (blank lines passed) end with what continues an
    expression onto it (``+``, ``%``, ``(``...), or with a comment, which hides how it ends?"""
    end = line_start
    while end > 0 and text[end - 1] in " \t\n":
        end -= 1
    if end == 0:
        return False
    return text[end - 1] in _CONTINUES or text.find("#", text.rfind("\n", 0, end) + 1, end) >= 0


def blanked(text: str, literals: List[SinkLiteral]) -> str:
    """``text`` with each call's name and literal blanked, line breaks kept: what the
    pre-filter reads for the lines left to walk."""
    pieces, done = [], 0
    for literal in literals:
        pieces.append(text[done:literal.start])
        pieces.append("\n".join(" " * len(part) for part in text[literal.start:literal.end].split("\n")))
        done = literal.end
    pieces.append(text[done:])
    return "".join(pieces)
