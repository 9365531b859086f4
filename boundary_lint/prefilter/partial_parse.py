"""Parse a module with the bodies of functions that cannot matter left out.

``ast.parse`` is most of the cost of a file the checker reads, and most of a
large file is function bodies far from any SQL (on Django's files that are read
at all, two thirds of the bytes). The checker only walks statements on the lines
that may hold SQL (:mod:`boundary_lint.prefilter.lines`), and a function's local names
mean nothing outside it, so such a body is blanked before parsing, a ``pass``
on its last line: every kept line, and every statement's first and last line,
stay where they were.

A body is kept whole when it spans an interesting line; when it may be a helper
whose returned string the composer inlines (its last statement a ``return``, and
no control flow); when it holds ``global``, ``nonlocal``, ``alembic`` or a
continued line; when a triple quote may open or close inside it; and in files
indented with tabs or with ``\\r`` line ends. Whatever slips past these text
tests is caught after the parse: a hollowed module that does not parse, or
whose ``pass`` statements are not each a function's whole body where planned,
is parsed again whole. The corpora are checked with and without this (tests).
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence

from boundary_lint.prefilter.lines import spans_any

MIN_SAVING = 2000
"""Below this many characters left out, a plain parse is as quick."""
MIN_BODY = 100
"""A body shorter than this many characters is kept: planning it would cost what it saves."""
MAX_SIGNATURE_LINES = 40
_REACHES_OUT = ("global", "nonlocal", "alembic", "\\\n")
_CODE_LINE = re.compile(r"^( *)[^ \n#]", re.MULTILINE)
_DEDENTS: Dict[int, "re.Pattern[str]"] = {}
_CONTROL_FLOWS: Dict[int, "re.Pattern[str]"] = {}


class Body(NamedTuple):
    """A function body to leave out: its lines, and where its ``pass`` goes."""

    first: int
    last: int
    pass_line: int
    indent: int


def parse_hollowed(source: str, lines: Sequence[str], interesting: Sequence[int]) -> Optional[ast.AST]:
    """The module parsed with irrelevant function bodies left out; None when that is not
    possible or not worth it (the caller parses the whole source)."""
    text, bodies = hollowed_source(source, lines, interesting)
    if not bodies:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not _passes_where_planned(tree, [body.pass_line for body in bodies]):
        return None
    return tree


def hollowed_source(source: str, lines: Sequence[str], interesting: Sequence[int]) -> tuple:
    """``(text, bodies)``: ``source`` with the bodies to leave out blanked (``bodies`` empty
    and ``text`` unchanged when nothing is worth leaving out)."""
    if "\t" in source or "\f" in source or "\r" in source:
        return source, []
    starts = list(itertools.accumulate(map(len, lines), initial=0))  # line n starts at starts[n - 1]
    if _most_left_out(starts, interesting) < MIN_SAVING:
        return source, []
    bodies = _bodies_to_hollow(source, lines, starts, interesting)
    if sum(starts[body.last] - starts[body.first - 1] for body in bodies) < MIN_SAVING:
        return source, []
    pieces, done = [], 0
    for body in bodies:
        pieces += [source[done:starts[body.first - 1]], "\n" * (body.pass_line - body.first),
                   " " * body.indent, "pass", "\n" * (body.last - body.pass_line + 1)]
        done = starts[body.last]
    pieces.append(source[done:])
    return "".join(pieces), bodies


def _most_left_out(starts: Sequence[int], interesting: Sequence[int]) -> int:
    """An upper bound of what hollowing could leave out: the characters of the runs of lines
    between interesting ones that are long enough to hold a body (a body left out spans no
    interesting line). A file with SQL on every few lines is not planned at all."""
    total, previous, last = 0, 0, len(starts) - 1  # previous: the interesting line before the run
    for line in itertools.chain(interesting, [last + 1]):
        if line - previous > 1:
            size = starts[min(line, last + 1) - 1] - starts[min(previous, last)]  # lines previous+1 .. line-1
            if size >= MIN_BODY:
                total += size
        previous = line
    return total


def _bodies_to_hollow(
    source: str, lines: Sequence[str], starts: Sequence[int], interesting: Sequence[int]
) -> List[Body]:
    """Each function body, from its first statement, that may be left out."""
    bodies: List[Body] = []
    covered_until = triple_double = triple_single = counted_to = 0
    for offset, indent in _headers(source):
        header = bisect.bisect_right(starts, offset)
        if header <= covered_until:
            continue  # nested in a body already left out
        triple_double += source.count('"""', counted_to, offset)
        triple_single += source.count("'''", counted_to, offset)
        counted_to = offset
        if triple_double % 2 or triple_single % 2:
            continue  # perhaps inside a string: "def" in a docstring's example
        body = _body(source, lines, starts, header, indent)
        if body is None or spans_any(interesting, header, body.last):
            continue
        begin, end = starts[body.first - 1], starts[body.last]
        if (source.count('"""', begin, end) % 2 or source.count("'''", begin, end) % 2
                or any(source.find(word, begin, end) >= 0 for word in _REACHES_OUT)):
            continue  # a string or a continued line may cross its end; or it reaches outside
        if _may_be_helper(source, lines, starts, body):
            continue
        bodies.append(body)
        covered_until = body.last
    return bodies


def _body(source: str, lines: Sequence[str], starts: Sequence[int], header: int, indent: int) -> Optional[Body]:
    """The body of the ``def`` on line ``header``, when its lines can be told apart: from
    its first statement to the last line before a code line indented no deeper than the
    ``def``; its ``pass`` on its last code line."""
    after_signature = _signature_end(lines, header, indent)
    if after_signature is None or after_signature > len(lines):
        return None
    code = _CODE_LINE.search(source, starts[after_signature - 1])
    if code is None or len(code.group(1)) <= indent:
        return None
    dedent = _dedent(indent).search(source, code.start())
    end = dedent.start() if dedent else len(source)
    if end - code.start() < MIN_BODY:
        return None  # too small to be worth it
    first = bisect.bisect_right(starts, code.start())
    last = min(bisect.bisect_right(starts, end), len(lines))
    pass_line = last
    while pass_line > first and _is_blank_or_comment(lines[pass_line - 1]):
        pass_line -= 1
    return Body(first, last, pass_line, len(code.group(1)))


def _signature_end(lines: Sequence[str], header: int, indent: int) -> Optional[int]:
    """The line after the one that ends the ``def``'s signature with ``:``; None when the
    signature is laid out unusually (``def f(): return x``, a colon before a comment
    with quotes)."""
    for number in range(header, min(len(lines), header + MAX_SIGNATURE_LINES) + 1):
        stripped = lines[number - 1].strip()
        if number > header and stripped and _indent_of(lines[number - 1]) <= indent and stripped[0] not in ")]":
            return None
        if "#" in stripped and "'" not in stripped and '"' not in stripped:
            stripped = stripped.split("#", 1)[0].rstrip()  # "def f(s):  # why"
        if stripped.endswith(":") and "#" not in stripped:
            return number + 1
    return None


def _may_be_helper(source: str, lines: Sequence[str], starts: Sequence[int], body: Body) -> bool:
    """Could the composer inline this function (``sites.composed_sql._helper``: assignments, then
    ``return <string>``)? Yes unless its last statement is no ``return`` or it has control flow."""
    number = body.pass_line
    while number > body.first and (_is_blank_or_comment(lines[number - 1])
                                   or _indent_of(lines[number - 1]) > body.indent):
        number -= 1
    if not lines[number - 1].lstrip(" ").startswith("return"):
        return False
    flow = _control_flow(body.indent).search(source, starts[body.first - 1], starts[body.last])
    return flow is None


def _headers(source: str) -> Iterator[tuple]:
    """(offset, indentation) of each line that starts, after spaces, with ``def`` or ``async def``."""
    index = source.find("def ")
    while index >= 0:
        line_start = source.rfind("\n", 0, index) + 1
        prefix = source[line_start:index]
        code = prefix.lstrip(" ")
        if not code or code == "async ":
            yield line_start, len(prefix) - len(code)
        index = source.find("def ", index + 4)


def _dedent(indent: int) -> "re.Pattern[str]":
    """A newline, then a code line indented no deeper than ``indent`` spaces."""
    pattern = _DEDENTS.get(indent)
    if pattern is None:
        pattern = _DEDENTS[indent] = re.compile(r"\n {0,%d}(?=[^ \n#])" % indent)
    return pattern


def _control_flow(indent: int) -> "re.Pattern[str]":
    """A statement of a body indented ``indent`` spaces that is no assignment or return."""
    pattern = _CONTROL_FLOWS.get(indent)
    if pattern is None:
        keywords = "if|for|while|with|try|async|raise|assert|del|yield|await|import|from|pass|match"
        pattern = _CONTROL_FLOWS[indent] = re.compile(r"^ {%d}(?:(?:%s)\b|[\w.]+\()" % (indent, keywords),
                                                      re.MULTILINE)
    return pattern


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.lstrip()
    return not stripped or stripped.startswith("#")


def _passes_where_planned(tree: ast.AST, passes: Sequence[int]) -> bool:
    """Is each planned ``pass`` the whole body of a function (not text in a string)?"""
    expected, found = set(passes), set()
    statements = list(getattr(tree, "body", ()))
    while statements:
        node = statements.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if len(body) == 1 and isinstance(body[0], ast.Pass) and body[0].lineno in expected:
                found.add(body[0].lineno)
                continue
        for field in STATEMENT_BLOCKS:
            block = getattr(node, field, None)
            if block:
                statements.extend(block)
    return found == expected


STATEMENT_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
"""The fields of a statement that hold statements (an ``except``'s and a ``match``'s too)."""
