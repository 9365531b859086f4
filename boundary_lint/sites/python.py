"""Python source -> SQL sites: strings that reach a SQL sink, and SQL-looking literals.

Uses the stdlib ``ast`` only (flake8 hands us its tree). Strings are rebuilt
from their constant parts (implicit concatenation, ``+``, f-strings, ``%``,
``.format()`` and names bound once to a string); every run-time value becomes
a hole identifier so the SQL still parses and a hole in a table name is seen.
"""

from __future__ import annotations

import ast
import re
from typing import Callable, Dict, Iterable, List, NamedTuple, Optional, Sequence, Set, Tuple

from boundary_lint.sites import composed_sql
from boundary_lint.sites.composed_sql import brace_spans
from boundary_lint.sites.ast_calls import callee_name
from boundary_lint.sites.literal_positions import LiteralPiece, literal_pieces, node_position
from boundary_lint.sites.bindings import Scopes as _Scopes
from boundary_lint.sites.position_runs import JoinedPositions, LazyPositions, PositionRuns
from boundary_lint.prefilter.lines import touches
from boundary_lint.prefilter import literal_starts
from boundary_lint.prefilter.triggers import SINK_METHODS
from boundary_lint.sites.sink_helpers import helper_argument, helper_of
from boundary_lint.model import HOLE_PREFIX, Position, SqlSite

SQL_KEYWORDS = ("sql", "query", "statement", "stmt", "operation", "sqltext")

LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "fatal"}
)
EXCLUDED_CALLS = frozenset({"print", "warn", "echo", "secho", "gettext", "_"})

STATEMENT_START = re.compile(
    r"\A(?:\s|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*("
    + "|".join([k.upper() for k in literal_starts.KEYWORDS] + list(literal_starts.KEYWORDS)) + r")\b",
    re.DOTALL,
)
"""A SQL-looking literal starts with a statement keyword in one case (not "Select the...")."""

_DEF_NAME = re.compile(r"def[ \t]+(\w+)")
"""A function's name where it may be defined: a call of any other name is no helper of the
module. A superset (``def`` anywhere, a comment's too): the module's scopes decide. Starting
with the literal ``def`` lets ``re`` jump between occurrences (a line-start anchor made it try
every position: 3 ms on a 100 kB module, now 0.2 ms)."""

MAX_BRANCH_VARIANTS = 4
"""A composition with ``x if c else y`` parts is also composed with each of its first
conditionals' other branch: both are statements the code may run."""

_LABEL_COLON = re.compile(r":(?!:)")
"""After the keyword: ``"update: task_status_update_many"`` is a label, not a statement."""

_MAX_DEPTH = 8


def python_sql_sites(
    tree: ast.AST,
    lines: Sequence[str],
    extra_sinks: Iterable[str] = (),
    interesting: Optional[List[int]] = None,
    proven: Optional[Dict[Tuple[int, int], str]] = None,
) -> List[SqlSite]:
    """Every SQL site in a module: sink arguments first, then SQL-looking literals.

    ``interesting`` (sorted line numbers, see :func:`boundary_lint.prefilter.lines.interesting_lines`)
    lets the walk skip statements on no such line; names and helpers still
    resolve through the whole tree. ``proven``: ``(line, column) -> text`` of the literals
    judged before the walk (:func:`boundary_lint.pipeline.proven_sink_literals`): a site that
    is one of them alone, with its text, is no site here (counted there); one that is one of
    them with more raises :class:`ProvenLiteralComposed`.
    """
    finder = _SiteFinder(lines, sink_names(extra_sinks), proven or {})
    finder.interesting = interesting
    finder.visit(tree)
    return finder.result()


def sink_names(extra: Iterable[str] = ()) -> frozenset:
    """The callables whose first argument (or ``sql=``...) is SQL: the built-in sinks and
    ``settings.sinks``."""
    return SINK_METHODS | frozenset(extra)


_NOTHING_BELOW = (ast.Name, ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
"""Nodes the walk has nothing to do with, nor below them (a name, ``Load``, ``+``)."""


class _SiteFinder(ast.NodeVisitor):
    interesting: Optional[List[int]] = None

    def visit(self, node: ast.AST):
        shape = _SHAPES.get(type(node)) or _shape_of(type(node))
        if shape is _LEAF:
            return None
        if shape.statement and self.interesting is not None and not touches(node, self.interesting):
            return None
        method = shape.visit
        return method(self, node) if method is not None else self.generic_visit(node)

    def __init__(self, lines: Sequence[str], sinks: frozenset, proven: Dict[Tuple[int, int], str]) -> None:
        self.lines = lines
        self.sinks = sinks
        self.proven = proven
        self.scope_stack: List[ast.AST] = []
        self.scopes: Optional[_Scopes] = None
        self.helpers: Dict[int, Optional[Tuple[int, str]]] = {}  # id(function) -> its SQL parameter
        self.defined: Optional[frozenset] = None
        self.excluded = 0
        self.sites: Dict[Tuple, SqlSite] = {}
        self.used_by_sink: Set[int] = set()
        self.literal_roots: List[Tuple[ast.expr, Tuple[ast.AST, ...]]] = []
        self.composed_roots: List[Tuple[ast.expr, Tuple[ast.AST, ...]]] = []

    # -- traversal ---------------------------------------------------------

    def visit_Module(self, node: ast.Module) -> None:
        self.scopes = _Scopes(node)
        self.scope_stack.append(node)
        self._visit_body(node)
        self.scope_stack.pop()

    def _visit_body(self, node: ast.AST) -> None:
        body = getattr(node, "body", [])
        for index, child in enumerate(body):
            if index == 0 and _is_docstring(child):
                continue
            self.visit(child)
        for field_name, value in ast.iter_fields(node):
            if field_name == "body":
                continue
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_FunctionDef(self, node: ast.AST) -> None:
        self.scope_stack.append(node)
        self._visit_body(node)
        self.scope_stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Expr(self, node: ast.Expr) -> None:
        if _is_string_expr(node.value):
            return  # a bare string statement is never executed as SQL
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        self._excluded(node)

    def visit_Assert(self, node: ast.Assert) -> None:
        """A test's assertion holds SQL (generated SQL compared, a query run); its message is prose."""
        self.visit(node.test)
        if node.msg is not None:
            self._excluded(node.msg)

    def _excluded(self, node: ast.AST) -> None:
        self.excluded += 1
        self.generic_visit(node)
        self.excluded -= 1

    def visit_Call(self, node: ast.Call) -> None:
        name = callee_name(node.func)
        if name in self.sinks or (name == "raw" and _is_manager_raw(node.func)):
            argument = _sql_argument(node)
            if argument is not None:
                self._add_site(argument, from_sink=True)
        elif name in composed_sql.PSYCOPG_ROOTS and self._is_composed_sql(node):
            self.composed_roots.append((node, tuple(self.scope_stack)))
        elif name and (any(_may_be_sql(a) for a in node.args) or any(_may_be_sql(k.value) for k in node.keywords)):
            helper = self._helper(name)  # the module's own query helper
            argument = helper_argument(node, helper) if helper is not None else None
            if argument is not None and _starts_like_sql(argument):
                self._add_site(argument, from_sink=True)
        if _is_excluded_call(node.func, name):
            self._excluded(node)
            return
        self.generic_visit(node)

    def _helper(self, name: str) -> Optional[Tuple[int, str]]:
        """The SQL parameter of the function ``name`` refers to here, when it is one of the
        module's query helpers (see :mod:`boundary_lint.sites.sink_helpers`)."""
        if self.defined is None:  # the names the module defines functions under, read once
            self.defined = frozenset(_DEF_NAME.findall("".join(self.lines)))
        if name not in self.defined or self.scopes is None:
            return None
        function = self.scopes.function(name, tuple(self.scope_stack))
        if function is None:
            return None
        if id(function) not in self.helpers:
            self.helpers[id(function)] = helper_of(function, self.sinks, _sql_argument)
        return self.helpers[id(function)]

    def generic_visit(self, node: ast.AST) -> None:
        kind = type(node)
        shape = _SHAPES.get(kind) or _shape_of(kind)
        if shape.may_be_string:
            if kind is ast.BinOp and self._is_composed_sql(node):
                self.composed_roots.append((node, tuple(self.scope_stack)))
            if _is_string_expr(node):
                if not self.excluded:
                    self.literal_roots.append((node, tuple(self.scope_stack)))
                if kind is not ast.Constant:  # a constant holds no call
                    # Calls inside a composition (.format args, f-string holes) still matter.
                    for child in ast.walk(node):
                        if isinstance(child, ast.Call) and child is not node:
                            self.visit_Call(child)
                return
        items = []
        for field in shape.children:  # as ast.NodeVisitor does, without its per-node lookups
            value = getattr(node, field, None)
            if type(value) is list:
                items.extend(value)
            elif value is not None:
                items.append(value)
        for item in items:  # the commonest children judged here, as visiting them would
            kind = type(item)
            if kind is ast.Constant:  # a literal holds nothing below it
                if type(item.value) is str and not self.excluded:
                    self.literal_roots.append((item, tuple(self.scope_stack)))
            elif not ((kind is ast.Attribute and type(item.value) is ast.Name)  # a.b
                      or (kind is ast.arg and item.annotation is None)  # a parameter
                      or _SHAPES.get(kind) is _LEAF or (kind not in _SHAPES and not isinstance(item, ast.AST))):
                self.visit(item)

    # -- sites -------------------------------------------------------------

    def _is_composed_sql(self, node: ast.expr) -> bool:
        stack = tuple(self.scope_stack)
        return self.scopes is not None and composed_sql.is_composed_sql(
            node, lambda name: self.scopes.lookup(name, stack)
        )

    def _add_site(
        self, expr: ast.expr, from_sink: Optional[bool], scopes: Optional[Tuple] = None
    ) -> Set[int]:
        """Add the site ``expr`` composes to; ``from_sink=None``: a psycopg composition,
        a sink when it reads as a whole statement. Returns the nodes it used."""
        scopes = scopes if scopes is not None else tuple(self.scope_stack)
        composer = Composer(self.lines, self.scopes, scopes)
        used = self._add_variant(expr, from_sink, composer)
        for branch in composer.branches[:MAX_BRANCH_VARIANTS]:  # x if c else y: the other branch too
            variant = Composer(self.lines, self.scopes, scopes)
            variant.flipped = frozenset([id(branch)])
            used |= self._add_variant(expr, from_sink, variant)
        return used

    def _add_variant(self, expr: ast.expr, from_sink: Optional[bool], composer: Composer) -> Set[int]:
        pieces = composer.compose(expr, 0)
        if pieces is None or not any(p.text for p in pieces):
            return composer.used
        if self.proven and len(composer.literal_keys) == 1 and _is_proven(self.proven, composer, pieces):
            self.used_by_sink.update(composer.used)
            return composer.used
        if from_sink is None:
            if isinstance(expr, ast.Call) and callee_name(expr.func) == "SQL":
                pieces = _brace_format(pieces)  # a template whose fields are filled elsewhere
            text = "".join(p.text for p in pieces)
            from_sink = composed_sql.looks_like_statement(text)
        if from_sink:
            self.used_by_sink.update(composer.used)
        key = tuple(sorted(composer.literal_keys))
        site = build_site(pieces, from_sink)
        previous = self.sites.get(key)
        if previous is None or (from_sink and not previous.from_sink):
            self.sites[key] = site
        return composer.used

    def _composed_sites(self) -> None:
        """psycopg compositions not passed to a sink: each outermost one is a site."""
        used_by: Dict[int, int] = {}
        roots = []
        for node, scopes in self.composed_roots:
            if id(node) in self.used_by_sink:
                continue
            composer = Composer(self.lines, self.scopes, scopes)
            composer.compose(node, 0)
            roots.append((node, scopes))
            for used in composer.used:
                used_by[used] = used_by.get(used, 0) + 1
        for node, scopes in roots:
            if used_by.get(id(node), 0) == 1:  # no other composition contains it
                self.used_by_sink.update(self._add_site(node, from_sink=None, scopes=scopes))

    def result(self) -> List[SqlSite]:
        self._composed_sites()
        for node, scopes in self.literal_roots:
            if id(node) in self.used_by_sink:
                continue
            if not _looks_like_sql(node):
                continue
            self._add_site(node, from_sink=False, scopes=scopes)
        return [self.sites[k] for k in sorted(self.sites)]


_VISITS = {kind: method for name, method in vars(_SiteFinder).items() if name.startswith("visit_")
           for kind in [getattr(ast, name[len("visit_"):], None)] if isinstance(kind, type)}
"""Node type -> its ``visit_`` method (any other node: ``generic_visit``; ``Constant`` too,
which has no ``visit_`` of ours)."""


class _Shape(NamedTuple):
    """What the walk does with a node type, looked up once per type instead of per node."""

    statement: bool  # pruned when it spans no interesting line
    visit: Optional[Callable]  # its ``visit_`` method, None for ``generic_visit``
    may_be_string: bool  # a str literal or a composition may be one of these
    children: Tuple[str, ...]  # the fields that may hold nodes to walk


_LEAF = _Shape(False, None, False, ())
"""A node the walk has nothing to do with, nor below it (see ``_NOTHING_BELOW``)."""
_NO_NODES = frozenset(["ctx", "op", "ops", "kind", "type_comment", "id", "attr", "arg", "name", "conversion",
                       "level", "module", "is_async", "simple"])
"""Fields whose values are never nodes that hold anything for the walk (a name, a context, an operator)."""
_STRING_SHAPES = (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call)
"""The node types ``_is_string_expr`` may accept."""


def _shape_of(kind: type) -> _Shape:
    """The shape of ``kind``, made and remembered on first sight."""
    if issubclass(kind, _NOTHING_BELOW):
        shape = _LEAF
    else:
        shape = _Shape(issubclass(kind, ast.stmt), _VISITS.get(kind), kind in _STRING_SHAPES,
                       tuple(f for f in getattr(kind, "_fields", ()) if f not in _NO_NODES))
    _SHAPES[kind] = shape
    return shape


_SHAPES: Dict[type, _Shape] = {}


class Composer:
    """Rebuild a string expression from its constant parts, holes for the rest.

    ``env`` binds the parameters of a helper function being composed for one
    call (see :mod:`boundary_lint.sites.composed_sql`) to the call's arguments.
    """

    def __init__(self, lines: Sequence[str], scopes: Optional[_Scopes], stack: Tuple) -> None:
        self.lines = lines
        self.scopes = scopes
        self.stack = stack
        self.env: Dict[str, Tuple[Optional[ast.expr], Tuple]] = {}
        self.used: Set[int] = set()
        self.literal_keys: Set[Tuple[int, int]] = set()
        self.branches: List[ast.IfExp] = []  # conditional expressions met, in order
        self.flipped: frozenset = frozenset()  # ids of those composed from their ``else`` branch

    def compose(self, expr: ast.expr, depth: int) -> Optional[List[LiteralPiece]]:
        if depth > _MAX_DEPTH:
            return None
        self.used.add(id(expr))
        if isinstance(expr, ast.Constant):
            if not isinstance(expr.value, str):
                return None
            return self._literal(expr, depth)
        if isinstance(expr, ast.JoinedStr):
            return self._literal(expr, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self._sum(expr, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
            left = self.compose(expr.left, depth + 1)
            return None if left is None else composed_sql.percent_fields(self, left, expr.right, depth)
        if isinstance(expr, ast.Call):
            return self._call(expr, depth)
        if isinstance(expr, ast.IfExp):
            if expr not in self.branches:
                self.branches.append(expr)
            return self.compose(expr.orelse if id(expr) in self.flipped else expr.body, depth + 1)
        if isinstance(expr, ast.Name) and expr.id in self.env:
            value, (stack, env) = self.env[expr.id]
            if value is None:
                return None
            return self.in_context(stack, env, lambda: self.compose(value, depth + 1))
        if isinstance(expr, ast.Name) and self.scopes is not None:
            bound = self.scopes.lookup(expr.id, self.stack)
            if bound is not None:
                return self.compose(bound, depth + 1)
        return None

    def _sum(self, expr: ast.BinOp, depth: int) -> Optional[List[LiteralPiece]]:
        """``a + b + c ...``: one level whatever its length (a query concatenated line by
        line keeps its first lines; a chain of thousands costs no recursion).

        The operands before the first one with text are one hole, as their sum would be."""
        spine = [expr]
        while isinstance(spine[-1].left, ast.BinOp) and isinstance(spine[-1].left.op, ast.Add):
            spine.append(spine[-1].left)
        spine.reverse()  # spine[i] is the sum of operands 0..i+1
        operands = [spine[0].left] + [node.right for node in spine]
        self.used.update(id(node) for node in spine)
        composed = [self.compose(operand, depth + 1) for operand in operands]
        first = next((i for i, pieces in enumerate(composed) if pieces is not None), None)
        if first is None:
            return None
        out: List[LiteralPiece] = []
        if first:
            out.append(self.hole(operands[0] if first == 1 else spine[first - 2]))
        for operand, pieces in zip(operands[first:], composed[first:]):
            out.extend(pieces if pieces is not None else [self.hole(operand)])
        return out

    def lookup(self, name: str) -> Optional[ast.expr]:
        if name in self.env:
            return self.env[name][0]
        return self.scopes.lookup(name, self.stack) if self.scopes is not None else None

    def in_context(self, stack: Tuple, env: Dict, compute):
        """Run ``compute()`` with names resolving from another scope (a helper's body, its caller)."""
        saved = self.stack, self.env
        self.stack, self.env = stack, env
        try:
            return compute()
        finally:
            self.stack, self.env = saved

    def _call(self, call: ast.Call, depth: int) -> Optional[List[LiteralPiece]]:
        func = call.func
        if callee_name(func) in ("text", "dedent", "strip", "str") and call.args:
            return self.compose(call.args[0], depth + 1)
        if isinstance(func, ast.Attribute) and func.attr in ("strip", "lstrip", "rstrip"):
            return self.compose(func.value, depth + 1)
        return composed_sql.compose_call(self, call, depth)

    def _literal(self, node: ast.expr, depth: int = 0) -> List[LiteralPiece]:
        self.literal_keys.add((node.lineno, node.col_offset))
        if isinstance(node, ast.Constant) and node.value:  # its positions found if one is asked for
            return [LiteralPiece(node.value, LazyPositions(lambda: self._constant_positions(node),
                                                           len(node.value)))]
        pieces = self._pieces(node)
        if not isinstance(node, ast.JoinedStr):
            return pieces
        # f-string holes naming constants ({SCHEMA}, {TABLE}) take the constant's text
        plain = {
            id(v.value) for v in node.values
            if isinstance(v, ast.FormattedValue) and v.conversion == -1 and v.format_spec is None
        }
        out: List[LiteralPiece] = []
        for piece in pieces:
            if piece.hole is not None and id(piece.hole) in plain:
                found = composed_sql.substitute(self, piece.hole, piece.positions[0], depth)
                if found is not None:
                    out.extend(found)
                    continue
            out.append(piece)
        return out

    def _constant_positions(self, node: ast.Constant) -> Sequence[Position]:
        """Where each character of a plain string literal is written (its start, if unsure)."""
        return JoinedPositions([piece.positions for piece in self._pieces(node)])

    def _pieces(self, node: ast.expr) -> List[LiteralPiece]:
        """The literal's pieces, exactly positioned where its source can be read, else at its start."""
        pieces = literal_pieces(node, self.lines)
        return pieces if pieces is not None else self._rough_pieces(node)

    def _rough_pieces(self, node: ast.expr) -> List[LiteralPiece]:
        """Pieces positioned at the node's start, when exact positions are unknown."""
        start = node_position(node, self.lines)
        if isinstance(node, ast.Constant):
            return [LiteralPiece(node.value, PositionRuns.repeat(start, len(node.value)))]
        out: List[LiteralPiece] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                out.append(LiteralPiece(value.value, PositionRuns.repeat(start, len(value.value))))
            elif isinstance(value, ast.FormattedValue):
                out.append(LiteralPiece("", (start,), value.value))
        return out

    def hole(self, expr: ast.expr) -> LiteralPiece:
        return LiteralPiece("", (node_position(expr, self.lines),), expr)


def build_site(pieces: Sequence[LiteralPiece], from_sink: bool) -> SqlSite:
    """Join pieces into SQL text, each hole becoming ``bl_hole_N``; their positions are
    joined, not copied (nor found, for a literal no one has asked about yet)."""
    text: List[str] = []
    positions: List[Sequence[Position]] = []
    holes = 0
    for piece in pieces:
        if piece.hole is not None or (not piece.text and piece.positions):
            name = f"{HOLE_PREFIX}{holes}"
            holes += 1
            text.append(name)
            if piece.positions:
                positions.append(PositionRuns.repeat(piece.positions[0], len(name)))
        else:
            text.append(piece.text)
            positions.append(piece.positions)
    return SqlSite("".join(text), JoinedPositions(positions), from_sink)


def _split_piece(piece: LiteralPiece, spans: List[Tuple[int, int, Optional[str]]]) -> List[LiteralPiece]:
    """Replace spans of a constant piece: ``None`` -> a hole, else the given literal text."""
    out: List[LiteralPiece] = []
    last = 0
    for start, end, replacement in spans:
        if start > last:
            out.append(LiteralPiece(piece.text[last:start], piece.positions[last:start]))
        if replacement is None:
            out.append(LiteralPiece("", piece.positions[start : start + 1], ast.Constant(value=None)))
        else:
            out.append(LiteralPiece(replacement, PositionRuns.repeat(piece.positions[start], len(replacement))))
        last = end
    if last < len(piece.text):
        out.append(LiteralPiece(piece.text[last:], piece.positions[last:]))
    return out


def _brace_format(pieces: List[LiteralPiece]) -> List[LiteralPiece]:
    """``"... {x}".format(...)``: fields are run-time values, ``{{``/``}}`` are braces."""
    out: List[LiteralPiece] = []
    for piece in pieces:
        if piece.hole is not None or not piece.text:
            out.append(piece)
            continue
        out.extend(_split_piece(piece, brace_spans(piece.text)))
    return out


class ProvenLiteralComposed(Exception):
    """A literal judged before the walk is, here, the only literal of a site with more to it
    (holes, other text): it did not stand alone, and the file must be read the ordinary way."""


def _is_proven(proven: Dict[Tuple[int, int], str], composer: "Composer", pieces: Sequence[LiteralPiece]) -> bool:
    """Is the site these pieces make one literal judged before the walk, with its text alone?"""
    (key,) = composer.literal_keys
    text = proven.get(key)
    if text is None:
        return False
    if len(pieces) == 1 and pieces[0].hole is None and pieces[0].text == text:
        return True
    raise ProvenLiteralComposed(key)


def _is_docstring(node: ast.AST) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(
        node.value.value, str
    )


def _is_string_expr(node: ast.AST) -> bool:
    """A str literal, or a ``+``/``%``/``.format`` composition with one (a loop, not
    recursion, down the left side: a chain of thousands of ``+`` is fine)."""
    rights: List[ast.AST] = []
    while True:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) or isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            if isinstance(node.op, ast.Add):
                rights.append(node.right)
            node = node.left
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            node = node.func.value
        elif rights:
            node = rights.pop()
        else:
            return False


def _may_be_sql(expr: ast.expr) -> bool:
    """An argument that may carry SQL to a helper: a string, a composition, a name."""
    return isinstance(expr, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Name)) and not (
        isinstance(expr, ast.Constant) and not isinstance(expr.value, str))


def _is_manager_raw(func: ast.expr) -> bool:
    """``Model.objects.raw(...)`` (also through ``.using(...)``, ``_default_manager``):
    Django's raw query. Any other ``.raw(...)`` is an unrelated method."""
    node = func.value if isinstance(func, ast.Attribute) else None
    for _ in range(3):
        if isinstance(node, ast.Call):
            node = node.func
        if not isinstance(node, ast.Attribute):
            return False
        if node.attr in ("objects", "_default_manager", "_base_manager"):
            return True
        node = node.value
    return False


def _sql_argument(call: ast.Call) -> Optional[ast.expr]:
    for keyword in call.keywords:
        if keyword.arg in SQL_KEYWORDS:
            return keyword.value
    if call.args and not isinstance(call.args[0], ast.Starred):
        return call.args[0]
    return None


def _is_excluded_call(func: ast.expr, name: str) -> bool:
    """Logging, printing, warnings and exception constructors carry prose, not SQL."""
    if name in EXCLUDED_CALLS:
        return True
    if isinstance(func, ast.Attribute) and name in LOG_METHODS:
        return True
    return bool(name) and name[0].isupper() and name.endswith(("Error", "Exception", "Warning"))


def _looks_like_sql(node: ast.expr) -> bool:
    """Cheap test before parsing: the first constant text starts with a statement keyword
    not followed by a colon (``"update: task_status"`` is a label, not SQL)."""
    first = _first_constant(node)
    match = STATEMENT_START.match(first) if first is not None else None
    return match is not None and _LABEL_COLON.match(first, match.end()) is None


_SQL_COMMENT_FIRST = re.compile(r"\A\s*(?:--|/\*)")


def _starts_like_sql(node: ast.expr) -> bool:
    """A helper's argument read as SQL: its text opens with a statement keyword or a SQL
    comment, as the byte pre-filter sees it (so a walk of every line finds no more)."""
    first = _first_constant(node)
    return first is not None and (_looks_like_sql(node) or _SQL_COMMENT_FIRST.match(first) is not None)


def _first_constant(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.Constant):
                return value.value
            return None
        return None
    while isinstance(node, ast.BinOp) or isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.left if isinstance(node, ast.BinOp) else node.func.value
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        return _first_constant(node)
    return None
