"""The walk every tree-sitter finder shares: strings rebuilt with their holes, sinks, prose.

A language module (:mod:`.go`, :mod:`.typescript`, :mod:`.java`, :mod:`.shell`) subclasses
:class:`HostWalker` with what differs -- which calls are sinks, which carry prose, how a
format call fills its verbs -- and the walk here does the rest the way
:mod:`boundary_lint.sites.python` does for Python: a string reaching a sink is SQL; any
other string is SQL only when it *looks* like SQL (``STATEMENT_START``) and is not prose
(a log call, an error message, a test's name); comments are never strings. A run-time
value (``${id}``, ``%s``, ``$SCHEMA``) becomes a hole, so a hole standing for a table name
is BND105. Positions are 1-based lines and *character* columns, as for Python.
"""

from __future__ import annotations

import functools
import importlib
import operator
import re
from itertools import repeat
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

from boundary_lint.sites.literal_positions import LiteralPiece
from boundary_lint.sites.position_runs import PositionRuns
from boundary_lint.model import Position, Reference, SqlSite
from boundary_lint.sites.python import STATEMENT_START, build_site
from boundary_lint.languages import INSTALL_HINT, HostLanguage


class MissingGrammar(ImportError):
    """The tree-sitter grammar of a language is not installed (``boundary-lint[polyglot]``)."""


def parser_for(language: HostLanguage):
    """A tree-sitter parser for ``language``, made once per process; a missing grammar is
    looked for once too (each search of the import path costs milliseconds, every file)."""
    made = _parser_or_reason(language)
    if isinstance(made, str):
        raise MissingGrammar(made)
    return made


@functools.lru_cache(maxsize=None)
def _parser_or_reason(language: HostLanguage):
    try:
        import tree_sitter

        module, function = language.grammar
        grammar = getattr(importlib.import_module(module), function)()
        return tree_sitter.Parser(tree_sitter.Language(grammar))
    except (ImportError, AttributeError, ValueError) as exc:
        return f"no tree-sitter grammar for {language.name} ({exc}); {INSTALL_HINT}"


HOLE = object()
"""The ``hole`` of a piece standing for a run-time value (any non-None value marks one)."""


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


def characters(data: bytes, start: int, end: int) -> int:
    """How many characters the valid UTF-8 bytes ``start:end`` hold: every byte but the
    continuation bytes (the file decoded before it was parsed), counted at C speed."""
    return len(data[start:end].translate(None, _CONTINUATION_BYTES))


class Source:
    """A file's bytes, with byte offsets turned into line and character column."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        starts = [0]
        starts.extend(m.end() for m in re.finditer(b"\n", data))
        self.line_starts = starts
        self.ascii = data.isascii()
        self._cursor = (-1, 0, 0)  # (row, offset, column - 1) last measured on a non-ASCII line

    def text(self, node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def position(self, offset: int, row: int) -> Position:
        """Where byte ``offset`` (on 0-based line ``row``) stands."""
        start = self.line_starts[row]
        if self.ascii:
            return Position(row + 1, offset - start + 1)
        cursor_row, cursor_offset, cursor_column = self._cursor
        if cursor_row != row or cursor_offset > offset:  # counted afresh from the line's start
            cursor_offset, cursor_column = start, 0
        column = cursor_column + characters(self.data, cursor_offset, offset)
        self._cursor = (row, offset, column)
        return Position(row + 1, column + 1)

    def run(self, start: int, end: int, row: int) -> LiteralPiece:
        """The bytes ``start:end`` as constant text, one position per character."""
        text = self.data[start:end].decode("utf-8", "replace")
        first = self.position(start, row)
        runs, line, column = [], first.line, first.column
        for segment in text.split("\n"):  # a line's characters stand one after another, the break too
            runs.append((line, column, 1, len(segment) + 1))
            line, column = line + 1, 1
        last = runs[-1]
        runs[-1] = (last[0], last[1], 1, last[3] - 1)  # no break after the last segment
        return LiteralPiece(text, PositionRuns([r for r in runs if r[3] > 0]))

    def node_position(self, node) -> Position:
        return self.position(node.start_byte, node.start_point[0])


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}


def unescape(escape: str) -> str:
    r"""The character(s) an escape sequence stands for (``\n``, ``\u00e9``, ``\"``).

    >>> unescape('\\n'), unescape('\\u00e9'), unescape('\\"')
    ('\n', 'é', '"')
    """
    body = escape[1:]
    if body[:1] in ("u", "x", "U") and len(body) > 1:
        digits = body[1:].strip("{}")
        try:
            return chr(int(digits, 16))
        except ValueError:
            return " "
    return _ESCAPES.get(body, body[:1] or " ")


def first_text(pieces: Sequence[LiteralPiece]) -> str:
    """The constant text before the first hole (what ``STATEMENT_START`` is tried on)."""
    out = []
    for piece in pieces:
        if piece.hole is not None:
            break
        out.append(piece.text)
    return "".join(out)


def looks_like_sql(pieces: Sequence[LiteralPiece]) -> bool:
    """The Python side's rule: the text opens with a statement keyword written in one case."""
    return STATEMENT_START.match(first_text(pieces)) is not None


def split_verbs(pieces: Sequence[LiteralPiece], verb: "re.Pattern", literal: str = "%%") -> List[LiteralPiece]:
    """A format string's verbs (``%s``, ``%v``, ``%[1]d``) as holes; a match equal to
    ``literal`` stands for its last character (``%%`` is one ``%``)."""
    out: List[LiteralPiece] = []
    for piece in pieces:
        if piece.hole is not None:
            out.append(piece)
            continue
        last = 0
        for match in verb.finditer(piece.text):
            if match.start() > last:
                out.append(LiteralPiece(piece.text[last:match.start()], piece.positions[last:match.start()]))
            if match.group() == literal:
                out.append(LiteralPiece(literal[-1:], piece.positions[match.start():match.start() + 1]))
            else:
                out.append(LiteralPiece("", piece.positions[match.start():match.start() + 1], HOLE))
            last = match.end()
        if last < len(piece.text):
            out.append(LiteralPiece(piece.text[last:], piece.positions[last:]))
    return out


def children_by_field(node, name: str) -> list:
    return [c for c in node.children_by_field_name(name)]


class HostWalker:
    """One file's walk; a language subclasses it. The class attributes name node types."""

    string_types: FrozenSet[str] = frozenset()  # a string literal (its children: delimiters, content, escapes, holes)
    hole_types: FrozenSet[str] = frozenset()  # a run-time value inside a string (``${x}``)
    escape_types: FrozenSet[str] = frozenset({"escape_sequence"})
    concat_types: FrozenSet[str] = frozenset({"binary_expression"})  # ``a + b``
    wrapper_types: FrozenSet[str] = frozenset({"parenthesized_expression"})
    call_types: FrozenSet[str] = frozenset({"call_expression"})
    comment_types: FrozenSet[str] = frozenset({"comment", "line_comment", "block_comment"})
    special_types: Optional[FrozenSet[str]] = None  # what visit_special reads (None: offered every node)

    def __init__(self, source: Source) -> None:
        self.source = source
        self.sites: Dict[Tuple, SqlSite] = {}
        self.used: set = set()  # literal byte ranges a sink already read
        self.roots: List[object] = []  # outermost string expressions outside prose
        self.comments: List[Tuple[int, str]] = []  # (line, text)
        self.references: List[Reference] = []  # ORM mappings, foreign keys (Java)
        self.path = ""  # the file's path on disk, when a finder reads its neighbours

    # -- what a language says --------------------------------------------------------

    def call_name(self, node) -> str:
        """The called name (the last part of ``db.QueryContext``), "" when none."""
        return ""

    def is_prose_call(self, node, name: str) -> bool:
        """A call whose strings are prose: logging, errors, printing, test names."""
        return False

    def sink_argument(self, node, name: str) -> Optional[Tuple[object, bool]]:
        """``(argument, strong)`` when the call is a SQL sink; ``strong`` False: a name used
        by other libraries too (``Get``), whose string counts only when it looks like SQL."""
        return None

    def compose_call(self, node, name: str, depth: int) -> Optional[List[LiteralPiece]]:
        """A call that builds a string (``fmt.Sprintf``), as pieces; None for any other call."""
        return None

    def visit_special(self, node) -> bool:
        """A construct the language reads itself (an annotation); True: do not walk it further."""
        return False

    # -- composition -----------------------------------------------------------------

    def compose(self, node, depth: int = 0) -> Optional[List[LiteralPiece]]:
        """The string ``node`` builds, constants kept and run-time parts as holes; None when
        it is no string expression at all."""
        if node is None or depth > 12:
            return None
        kind = node.type
        if kind in self.string_types:
            self.used.add((node.start_byte, node.end_byte))
            return self.literal(node)
        if kind in self.wrapper_types and node.named_child_count == 1:
            return self.compose(node.named_children[0], depth + 1)
        if kind in self.concat_types and self.is_plus(node):
            left, right = node.named_children[0], node.named_children[-1]
            parts = [self.compose(left, depth + 1), self.compose(right, depth + 1)]
            if parts[0] is None and parts[1] is None:
                return None
            out: List[LiteralPiece] = []
            for child, part in zip((left, right), parts):
                out.extend(part if part is not None else [self.hole(child)])
            return out
        if kind in self.call_types:
            return self.compose_call(node, self.call_name(node), depth)
        return None

    def is_plus(self, node) -> bool:
        operator = node.child_by_field_name("operator")
        if operator is not None:
            return operator.type == "+"
        return any(not c.is_named and c.type == "+" for c in node.children)

    def hole(self, node) -> LiteralPiece:
        return LiteralPiece("", (self.source.node_position(node),), HOLE)

    def content_span(self, node) -> Tuple[int, int]:
        """The bytes between a literal's delimiters (its anonymous first and last children)."""
        children = node.children
        start, end = node.start_byte, node.end_byte
        if children and not children[0].is_named:
            start = children[0].end_byte
        if len(children) > 1 and not children[-1].is_named:
            end = children[-1].start_byte
        return start, end

    def literal(self, node) -> List[LiteralPiece]:
        """A string literal's pieces: content as written, escapes decoded, holes."""
        start, end = self.content_span(node)
        out: List[LiteralPiece] = []
        cursor = start
        row = self.row_at(node, start)
        for child in node.children:
            if child.end_byte <= start or child.start_byte >= end:
                continue
            if child.type not in self.hole_types and child.type not in self.escape_types:
                continue
            if child.start_byte > cursor:
                out.append(self.source.run(cursor, child.start_byte, row))
            if child.type in self.hole_types:
                out.append(self.hole(child))
            else:
                text = unescape(self.source.text(child))
                out.append(LiteralPiece(text, (self.source.node_position(child),) * len(text)))
            cursor = child.end_byte
            row = child.end_point[0]
        if end > cursor:
            out.append(self.source.run(cursor, end, row))
        return out

    def literal_first_text(self, node) -> Optional[str]:
        """``first_text(self.literal(node))`` read straight from the bytes, for a literal with
        no escape before its first hole (None for one with: its pieces are needed)."""
        start, end = self.content_span(node)
        for child in node.children:
            if child.end_byte <= start or child.start_byte >= end:
                continue
            if child.type in self.hole_types:
                end = child.start_byte
                break
            if child.type in self.escape_types:
                return None
        return self.source.data[start:end].decode("utf-8", "replace")

    def row_at(self, node, offset: int) -> int:
        return node.start_point[0] + self.source.data.count(b"\n", node.start_byte, offset)

    # -- the walk --------------------------------------------------------------------

    def walk(self, root, language=None) -> None:
        """Every node a step reads, in document order (depth first), once.

        With the tree's ``language`` and a finder that names its special types, the nodes of
        those types are found by a tree-sitter query (in C) and only they are visited: a
        file of vendored JavaScript has hundreds of thousands of nodes, a tenth of them of
        a type a step reads (ckan's 82 such files: 1.3 s of Python per-node work). Otherwise
        every node is visited, without recursion (deep code cannot overflow)."""
        captured = _captured(root, language, self.read_types()) if (
            language is not None and self.special_types is not None) else None
        if captured is not None:
            self._visit_each(captured)
        else:
            self._walk_all(root)

    def read_types(self) -> FrozenSet[str]:
        """The node types a step of the walk reads."""
        return (self.comment_types | self.call_types | self.string_types | self.concat_types
                | (self.special_types or frozenset()))

    def _visit_each(self, nodes) -> None:
        """:meth:`_walk_all`'s steps over the nodes of the types it reads, in document order:
        a node inside a left-out subtree (a prose call, a special construct) is not read, and
        one inside a string expression already taken is not taken again."""
        comments, calls, special = self.comment_types, self.call_types, self.special_types or frozenset()
        maybe_string = self.string_types | self.concat_types | self.call_types
        left_out = string = None
        for node in _document_order(nodes):
            if left_out is not None:
                if _within(node, left_out):
                    continue
                left_out = None
            if string is not None and not _within(node, string):
                string = None
            kind = node.type
            if kind in comments:
                self.comments.append((node.start_point[0] + 1, self.source.text(node)))
                continue
            if kind in special and self.visit_special(node):
                left_out = node
                continue
            if kind in calls:
                name = self.call_name(node)
                if self.is_prose_call(node, name):
                    self.collect_comments(node)
                    left_out = node
                    continue
                sink = self.sink_argument(node, name)
                if sink is not None:
                    self.add_sink(*sink)
                if string is None and self.builds_string(node, name=name):
                    self.roots.append(node)
                    string = node
            elif string is None and kind in maybe_string and self.is_string_expression(node):
                self.roots.append(node)
                string = node

    def _walk_all(self, root) -> None:
        comments, calls, special = self.comment_types, self.call_types, self.special_types
        maybe_string = self.string_types | self.concat_types | self.call_types
        stack = [(root, False)]
        pop, push = stack.pop, stack.extend
        while stack:
            node, in_string = pop()
            kind = node.type
            if kind in comments:
                self.comments.append((node.start_point[0] + 1, self.source.text(node)))
                continue
            if (special is None or kind in special) and self.visit_special(node):
                continue
            if kind in calls:
                name = self.call_name(node)
                if self.is_prose_call(node, name):
                    self.collect_comments(node)
                    continue
                sink = self.sink_argument(node, name)
                if sink is not None:
                    self.add_sink(*sink)
            if not in_string and kind in maybe_string and self.is_string_expression(node):
                self.roots.append(node)
                in_string = True
            children = node.children
            if children:
                push(zip(reversed(children), repeat(in_string)))

    def collect_comments(self, node) -> None:
        """Comments inside a subtree the walk skips (a suppression comment there still counts)."""
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type in self.comment_types:
                self.comments.append((current.start_point[0] + 1, self.source.text(current)))
            else:
                stack.extend(current.children)

    def is_string_expression(self, node) -> bool:
        if node.type in self.string_types:
            return True
        if node.type in self.concat_types or node.type in self.call_types:
            return self.builds_string(node)
        return False

    def builds_string(self, node, depth: int = 0, name: Optional[str] = None) -> bool:
        """``compose(node) is not None``, told from the tree's shape without composing: a
        literal is one whatever it holds (a file of vendored JavaScript has tens of thousands
        of ``+`` and calls, each composed in full, positions and all, only to ask this).
        ``name``: the call's, when the caller has it."""
        if node is None or depth > 12:
            return False
        kind = node.type
        if kind in self.string_types:
            return True
        if kind in self.wrapper_types and node.named_child_count == 1:
            return self.builds_string(node.named_children[0], depth + 1)
        if kind in self.concat_types and self.is_plus(node):
            children = node.named_children
            return self.builds_string(children[0], depth + 1) or self.builds_string(children[-1], depth + 1)
        if kind in self.call_types:
            used = set(self.used)
            try:
                return self.compose_call(node, self.call_name(node) if name is None else name, depth) is not None
            finally:
                self.used = used
        return False

    def compose_peek(self, node) -> bool:
        """Does ``node`` build a string from a literal (without marking anything used)?"""
        used = set(self.used)
        try:
            return self.compose(node) is not None
        finally:
            self.used = used

    def add_sink(self, argument, strong: bool) -> None:
        used = set(self.used)
        self.used = set()
        pieces = self.compose(argument)
        taken, self.used = self.used, used
        if pieces is None or not any(p.text for p in pieces):
            return
        if not strong and not looks_like_sql(pieces):
            return
        self.used |= taken
        self.sites[tuple(sorted(taken))] = build_site(pieces, from_sink=True)

    def result(self) -> List[SqlSite]:
        """The sink sites, then every SQL-looking string no sink read (a literal whose text
        does not open like SQL is told so from its bytes, not composed)."""
        plain = type(self).literal is HostWalker.literal
        for node in self.roots:
            if (node.start_byte, node.end_byte) in self.used:
                continue
            if plain and node.type in self.string_types:
                first = self.literal_first_text(node)
                if first is not None and STATEMENT_START.match(first) is None:
                    continue  # what looks_like_sql(self.compose(node)) would say
            used = set(self.used)
            self.used = set()
            pieces = self.compose(node)
            taken, self.used = self.used, used
            if pieces is None or taken & self.used or not looks_like_sql(pieces):
                continue
            key = tuple(sorted(taken))
            if key not in self.sites:
                self.sites[key] = build_site(pieces, from_sink=False)
        return [self.sites[k] for k in sorted(self.sites)]


def walk_file(walker: HostWalker, tree) -> List[SqlSite]:
    walker.walk(tree.root_node, tree.language)
    return walker.result()


_QUERIES: Dict[Tuple[object, FrozenSet[str]], Optional[object]] = {}


def _query(language, types: FrozenSet[str]):
    """A query capturing every node of ``types`` the grammar has; None where it cannot be
    made (a tree-sitter without queries). Made once per grammar (the parser's own
    ``Language``, equal and hashable, whether or not the grammar names itself: TypeScript's
    0.23 grammars do not) and set of types: making one costs ~1.5 ms."""
    key = (language, types)
    try:
        if key in _QUERIES:
            return _QUERIES[key]
    except TypeError:  # a binding whose Language cannot be hashed: made for each file
        key = None
    try:
        import tree_sitter

        known = sorted(t for t in types if language.id_for_node_kind(t, True))
        query = tree_sitter.Query(language, "[" + " ".join(f"({t})" for t in known) + "] @node") if known else None
    except Exception:  # an older or newer binding's API: every node is walked instead
        query = None
    if key is not None:
        _QUERIES[key] = query
    return query


def _captured(root, language, types: FrozenSet[str]) -> Optional[list]:
    """The nodes of ``types`` under ``root`` (any order), None when no query can find them."""
    query = _query(language, types)
    if query is None:
        return None
    try:
        import tree_sitter

        cursor = getattr(tree_sitter, "QueryCursor", None)
        found = cursor(query).captures(root) if cursor is not None else query.captures(root)
    except Exception:
        return None
    if isinstance(found, dict):
        return [node for nodes in found.values() for node in nodes]
    return None


def _document_order(nodes: list) -> list:
    """``nodes`` as a depth-first walk meets them: by start, the larger first; nodes of the
    same span (a node and its only child) by depth, the outer first."""
    ordered = sorted(nodes, key=_END, reverse=True)  # two sorts keyed in C (stable: ties keep
    ordered.sort(key=_START)  # the first's order), not one keyed by a Python function
    for index in range(len(ordered) - 1):
        a, b = ordered[index], ordered[index + 1]
        if a.start_byte == b.start_byte and a.end_byte == b.end_byte:
            ordered = sorted(ordered, key=lambda n: (n.start_byte, -n.end_byte, _depth(n)))
            break
    return ordered


_START, _END = operator.attrgetter("start_byte"), operator.attrgetter("end_byte")


def _depth(node) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth


def _within(node, outer) -> bool:
    """Is ``node`` (met after ``outer`` in document order) inside ``outer``'s subtree? By their
    spans, and by the node's ancestors where spans cannot tell (a zero-width node, left by
    the parser's error recovery, at an edge)."""
    if node.start_byte < outer.start_byte or node.end_byte > outer.end_byte:
        return False
    if node.start_byte < node.end_byte or outer.start_byte < node.start_byte < outer.end_byte:
        return True
    parent = node.parent
    while parent is not None:
        if parent == outer:
            return True
        parent = parent.parent
    return False


def first_error(tree) -> Optional[int]:
    """The 1-based line of the first syntax error tree-sitter recovered from, None if none."""
    if not tree.root_node.has_error:
        return None
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_error or c.is_missing]))
    return tree.root_node.start_point[0] + 1


def string_value(walker: HostWalker, node) -> Optional[Tuple[str, Position]]:
    """A plain string literal's value and the position of its first character (annotation
    arguments: ``@Table(name = "users")``); None for anything with a hole."""
    if node is None or node.type not in walker.string_types:
        return None
    pieces = walker.literal(node)
    if any(p.hole is not None for p in pieces):
        return None
    text = "".join(p.text for p in pieces)
    positions = [pos for p in pieces for pos in p.positions]
    start = positions[0] if positions else walker.source.node_position(node)
    return text, start


def iter_named(node, kinds: FrozenSet[str]) -> Iterator[object]:
    """Descendants of ``node`` of the given types (not below one of them)."""
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        if current.type in kinds:
            yield current
        else:
            stack.extend(reversed(current.children))
