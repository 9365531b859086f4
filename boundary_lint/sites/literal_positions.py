"""Where each character of a Python string literal stands in the source file.

Findings go at the table name *inside* a string, but ast gives only a node's
start and end (in UTF-8 bytes), and before 3.12 bogus positions inside
f-strings. So we re-scan the literal's source, and check the result against
the value ast computed: on any disagreement, None (callers use the node start).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import replace
from typing import List, Optional, Sequence, Tuple, Union

from boundary_lint.value_classes import value_class
from boundary_lint.model import Position
from boundary_lint.sites.position_runs import PositionRuns, RunsBuilder

__all__ = ["LiteralPiece", "char_column", "literal_pieces", "node_position", "source_lines"]

_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b",
                   "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")
_PREFIXES = {"", "r", "u", "f", "b", "br", "rb", "fr", "rf"}
_PLAIN = re.compile(r"[^\\'\"\r]*")
_PLAIN_IN_FSTRING = re.compile(r"[^\\'\"\r{}]*")
"""Runs of characters that stand for themselves in a string body (\\n included)."""
_LINE_BREAK = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")


@value_class
class LiteralPiece:
    """Either constant text with one Position per character (a tuple, or runs of them:
    :class:`~boundary_lint.sites.position_runs.PositionRuns`), or a run-time hole.

    A hole has ``text == ""``, ``positions == (position of its "{",)`` and
    ``hole`` set to the ``FormattedValue.value`` expression.
    """

    text: str
    positions: Sequence[Position]
    hole: Optional[ast.expr] = None


_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Characters ``str.splitlines`` would break at and Python does not."""


def source_lines(source: str) -> List[str]:
    """Split at \\n, \\r\\n, \\r only, as Python does, so ast line numbers index the result.

    (``str.splitlines`` also splits at form feeds, \\x85, \\u2028..., shifting later lines.)
    """
    if "\r" not in source and not _OTHER_BREAKS.search(source):
        pieces = source.split("\n")  # the common case, at C speed
        lines = [piece + "\n" for piece in pieces[:-1]]
        if pieces[-1]:
            lines.append(pieces[-1])
        return lines
    return [line for line in _LINE_BREAK.split(source) if line]


def char_column(line_text: str, byte_offset: int) -> int:
    """1-based character column of a UTF-8 byte offset (ast counts bytes, people count chars)."""
    if line_text.isascii():
        return max(byte_offset, 0) + 1
    head = line_text.encode("utf-8", "surrogatepass")[: max(byte_offset, 0)]
    return len(head.decode("utf-8", "ignore")) + 1


def node_position(node: ast.AST, lines: Sequence[str]) -> Position:
    """Start of a node with a character column; never raises."""
    line = getattr(node, "lineno", 1) or 1
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return Position(line, char_column(text, getattr(node, "col_offset", 0) or 0))


def literal_pieces(node: Union[ast.Constant, ast.JoinedStr], lines: Sequence[str]) -> Optional[List[LiteralPiece]]:
    """The literal as constant pieces (one Position per character) and holes; None if unsure."""
    try:
        return _literal_pieces(node, lines)
    except Exception:  # a surprise in odd source must never break linting
        return None


class _Pieces:
    """Collects pieces, merging adjacent constant text; holes get their expression later.

    A throwaway one swallows what we only skip: nested strings, format specs.
    """

    def __init__(self) -> None:
        self.pieces: List[LiteralPiece] = []
        self.chars: List[str] = []
        self.where = RunsBuilder()

    def text(self, chars: str, where: Position) -> None:
        self.chars.append(chars)
        self.where.repeat(where, len(chars))

    def run(self, chars: str, where: PositionRuns, start: int) -> None:
        """Characters written as themselves, each at its own place (``where[start:]`` on)."""
        self.chars.append(chars)
        self.where.add_slice(where, start, start + len(chars))

    def hole(self, where: Position) -> None:
        self.flush()
        self.pieces.append(LiteralPiece("", (where,)))

    def flush(self) -> None:
        if self.chars:
            self.pieces.append(LiteralPiece("".join(self.chars), self.where.build()))
            self.chars, self.where = [], RunsBuilder()


def _literal_pieces(node: ast.AST, lines: Sequence[str]) -> Optional[List[LiteralPiece]]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        expected: List[Optional[str]] = [node.value]
    elif isinstance(node, ast.JoinedStr):
        expected = [v.value if isinstance(v, ast.Constant) else None for v in node.values]
    else:
        return None
    src, where = _segment(node, lines)
    out = _Pieces()
    i = _skip_gap(src, 0)
    while i < len(src):
        i = _string(src, i, where, out, allow_bytes=False)
        i = _skip_gap(src, i)
    out.flush()
    if _shape([p.text or None for p in out.pieces]) != _shape(expected):
        return None
    holes = iter([v.value for v in getattr(node, "values", []) if isinstance(v, ast.FormattedValue)])
    return [p if p.text else replace(p, hole=next(holes)) for p in out.pieces]


def _shape(parts: Sequence[Optional[str]]) -> List[Optional[str]]:
    """Text runs merged, empties dropped, None per hole: how ast and we may differ harmlessly."""
    shape: List[Optional[str]] = []
    for part in parts:
        if part is None:
            shape.append(None)
        elif part and shape and shape[-1] is not None:
            shape[-1] += part
        elif part:
            shape.append(part)
    return shape


def _segment(node: ast.AST, lines: Sequence[str]) -> Tuple[str, PositionRuns]:
    """The node's source text, and the Position of each of its characters (a run a line)."""
    first, last = node.lineno, node.end_lineno
    start = char_column(lines[first - 1], node.col_offset) - 1
    end = char_column(lines[last - 1], node.end_col_offset) - 1
    chunks, runs = [], []
    for number in range(first, last + 1):
        text = lines[number - 1]
        lo, hi = (start if number == first else 0), (end if number == last else len(text))
        chunks.append(text[lo:hi])
        if hi > lo:
            runs.append((number, lo + 1, 1, hi - lo))
    return "".join(chunks), PositionRuns(runs)


def _skip_gap(src: str, i: int) -> int:
    """Skip what may separate implicitly concatenated strings: blanks, comments, continuations."""
    while i < len(src):
        if src[i] in " \t\f\r\n":
            i += 1
        elif src[i] == "#":
            while i < len(src) and src[i] not in "\r\n":
                i += 1
        elif src[i] == "\\" and _newline(src, i + 1):
            i += 1 + _newline(src, i + 1)
        else:
            break
    return i


def _newline(src: str, i: int) -> int:
    """Length of the line break at i (0 if none); the tokenizer turns each into one \\n."""
    return 2 if src.startswith("\r\n", i) else int(src[i : i + 1] in ("\r", "\n"))


def _string(src: str, i: int, where: PositionRuns, out: _Pieces, allow_bytes: bool = True) -> int:
    """Read one string token (prefix, quotes, body) at i; return the index after it."""
    start = i
    while src[i] not in "'\"":
        i += 1
    prefix = src[start:i].lower()
    if prefix not in _PREFIXES or ("b" in prefix and not allow_bytes):
        raise ValueError(f"not a str literal prefix: {prefix!r}")
    quote = src[i] * 3 if src.startswith(src[i] * 3, i) else src[i]
    return _body(src, i + len(quote), quote, prefix, where, out)


def _literal(src: str, i: int, where: PositionRuns, out: _Pieces) -> int:
    """Emit the source character at i as itself (a line break as \\n)."""
    size = _newline(src, i)
    out.text("\n" if size else src[i], where[i])
    return i + (size or 1)


def _escape(src: str, i: int, where: PositionRuns, out: _Pieces) -> int:
    """Decode the escape whose backslash is at i; the result maps to the backslash."""
    here, kind = where[i], src[i + 1]
    if _newline(src, i + 1):
        return i + 1 + _newline(src, i + 1)
    if kind in _SIMPLE_ESCAPES:
        out.text(_SIMPLE_ESCAPES[kind], here)
        return i + 2
    if kind in _OCTAL:
        end = i + 2
        while end < i + 4 and src[end : end + 1] in _OCTAL:
            end += 1
        out.text(chr(int(src[i + 1 : end], 8)), here)
        return end
    if kind in _HEX_DIGITS:
        digits = src[i + 2 : i + 2 + _HEX_DIGITS[kind]]
        if len(digits) != _HEX_DIGITS[kind] or not set(digits) <= _HEX:
            raise ValueError("bad hex escape")
        out.text(chr(int(digits, 16)), here)
        return i + 2 + len(digits)
    if kind == "N" and src.startswith("{", i + 2):
        close = src.index("}", i + 3)
        out.text(unicodedata.lookup(src[i + 3 : close]), here)
        return close + 1
    out.text("\\", here)  # unknown escape: the backslash stays, the next char is read as usual
    return i + 1


def _body(src: str, i: int, quote: str, prefix: str, where: PositionRuns, out: _Pieces) -> int:
    """A string body up to and past its closing quote; in f-strings {{ }} are braces, {...} a hole."""
    raw, fstring = "r" in prefix or "b" in prefix, "f" in prefix
    plain = (_PLAIN_IN_FSTRING if fstring else _PLAIN).match
    while not src.startswith(quote, i):
        run = plain(src, i)
        if run.end() > i:  # characters that stand for themselves, in one step
            out.run(run.group(), where, i)
            i = run.end()
            continue
        char = src[i]
        if fstring and char in "{}" and src.startswith(char, i + 1):
            out.text(char, where[i])
            i += 2
        elif fstring and char == "{":
            i = _field(src, i, where, out)
        elif fstring and char == "}":
            raise ValueError("single } in an f-string")
        elif char == "\\" and raw:  # kept, and it stops the next char from closing the string
            out.text("\\", where[i])
            i = i + 1 if fstring and src[i + 1] in "{}" else _literal(src, i + 1, where, out)
        elif char == "\\":
            i = _escape(src, i, where, out)
        else:
            i = _literal(src, i, where, out)
    return i + len(quote)


def _field(src: str, i: int, where: PositionRuns, out: _Pieces) -> int:
    """A replacement field at i ("{"): emit its hole; return the index after its "}"."""
    j = _expression_end(src, i + 1, where)
    if src[j] == "=":  # f"{x = }": the source text up to here is constant text too
        j += 1
        while src[j] in " \t\f\r\n":
            j += 1
        for k in range(i + 1, j):
            out.text(src[k], where[k])
    out.hole(where[i])
    if src[j] == "!":
        j += 1
        while src[j] not in ":}":
            j += 1
    if src[j] == ":":
        j += 1
        while src[j] != "}":  # the spec is not part of the value; skip its nested fields
            j = _field(src, j, where, _Pieces()) if src[j] == "{" else j + 1
    if src[j] != "}":
        raise ValueError("unclosed replacement field")
    return j + 1


def _expression_end(src: str, i: int, where: PositionRuns) -> int:
    """Index of the "}", "!", ":" or "=" ending a field's expression, skipping nested strings."""
    depth = 0
    while True:
        char = src[i]
        if char.isalnum() or char == "_":
            word = i
            while src[i].isalnum() or src[i] == "_":
                i += 1
            if src[i] in "'\"" and src[word:i].lower() in _PREFIXES:
                i = _string(src, word, where, _Pieces())
        elif char in "'\"":
            i = _string(src, i, where, _Pieces())
        elif char == "#":  # 3.12+: a comment inside a multi-line field
            while src[i] not in "\r\n":
                i += 1
        elif src.startswith(("==", "!=", "<=", ">="), i):
            i += 2
        elif depth == 0 and char in "}!:=":
            return i
        else:
            depth += (char in "([{") - (char in ")]}")
            i += 1
