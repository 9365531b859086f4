"""SQL sink calls in a module (stdlib ``ast``): the SQL each one runs, and its arguments.

The SQL of a call is rebuilt with the checker's own composer (module
constants, ``text()``, implicit concatenation, f-strings), so its characters
carry the very positions the checker's findings point at: a finding belongs
to a call when its position is one of the call's SQL characters.

Spans are ``(line, column, end_line, end_column)`` with 1-based lines and
0-based *character* columns, as libcst's ``PositionProvider`` gives them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from boundary_lint.sites.literal_positions import char_column
from boundary_lint.model import Position, SqlSite
from boundary_lint.sites.bindings import Scopes as _Scopes
from boundary_lint.sites.ast_calls import callee_name
from boundary_lint.prefilter.triggers import SINK_METHODS
from boundary_lint.sites.python import Composer, _sql_argument, build_site
from boundary_lint.codemod import reasons

Span = Tuple[int, int, int, int]

DATA_SINKS = {"fetch": "rows", "fetch_all": "rows", "fetchrow": "row or null", "fetch_one": "row or null",
              "fetchval": "value or null", "fetch_val": "value or null"}
"""Sinks whose call returns the data itself (asyncpg, databases)."""
DATA_KINDS = {"fetch": "Record", "fetch_all": "Record", "fetchrow": "Record", "fetch_one": "Record"}
"""The row kind those sinks give (``shapes.RECORD``)."""
CURSOR_SINKS = frozenset({"execute", "exec_driver_sql"})
"""Sinks whose call returns a result or cursor object."""
REWRITABLE_SINKS = CURSOR_SINKS | frozenset(DATA_SINKS)
WRAPPERS = frozenset({"text"})
TEXT_CALLS = frozenset({"str", "repr", "format", "ascii"})
"""Calls that turn a value into its text: the text, not the value, is what the SQL holds."""
PARAMS_KEYWORDS = ("parameters", "params", "args", "vars", "values")
SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

Key = Tuple[str, object]
"""A bound value: ("name", "id") for :id / %(id)s, ("pos", 0) for the first %s or ?,
("dollar", 1) for $1, ("hole", 0) for the first f-string value."""


def span_of(node: ast.AST, lines: Sequence[str]) -> Span:
    """The node's extent with character columns (ast counts UTF-8 bytes)."""
    def col(line: int, offset: int) -> int:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return char_column(text, offset) - 1

    return (node.lineno, col(node.lineno, node.col_offset),
            node.end_lineno, col(node.end_lineno, node.end_col_offset))


def source_text(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ModuleIndex:
    """Parents, single-assignment bindings and their statements, for one module."""

    def __init__(self, tree: ast.Module, lines: Sequence[str], span_lines: Sequence[str]) -> None:
        self.tree = tree
        self.lines = lines  # as the checker split them: positions agree with findings
        self.span_lines = span_lines  # as the tokenizer splits them: ast line numbers
        self.parents: Dict[ast.AST, ast.AST] = {}
        self.assignments: Dict[int, ast.stmt] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                self.assignments[id(node.value)] = node
        self.scopes = _Scopes(tree)

    def span(self, node: ast.AST) -> Span:
        return span_of(node, self.span_lines)

    def tree_node(self, span: Span) -> Optional[ast.AST]:
        """The expression or statement at ``span`` (the first found), if any."""
        if not hasattr(self, "_by_span"):
            self._by_span = {}
            for node in ast.walk(self.tree):
                if hasattr(node, "end_lineno") and node.end_lineno is not None:
                    self._by_span.setdefault(self.span(node), node)
        return self._by_span.get(span)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        node = self.parents.get(node)
        while node is not None:
            yield node
            node = self.parents.get(node)

    def scope_stack(self, node: ast.AST) -> Tuple[ast.AST, ...]:
        return tuple(reversed([a for a in self.ancestors(node) if isinstance(a, SCOPES)]))

    def function_of(self, node: ast.AST) -> Optional[ast.AST]:
        return next((a for a in self.ancestors(node) if isinstance(a, FUNCTIONS)), None)

    def statement_of(self, node: ast.AST) -> ast.stmt:
        return node if isinstance(node, ast.stmt) else next(a for a in self.ancestors(node) if isinstance(a, ast.stmt))

    def block_of(self, stmt: ast.stmt) -> Tuple[List[ast.stmt], int]:
        parent = self.parents[stmt]
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is stmt for s in block):
                return block, next(i for i, s in enumerate(block) if s is stmt)
        return [stmt], 0


@dataclass
class CallSite:
    """One call of a SQL sink with the SQL it runs."""

    call: ast.Call
    sink: str
    site: SqlSite
    holes: Tuple[ast.expr, ...]  # the run-time values, in bl_hole_N order
    sql_names: Tuple[Tuple[ast.Name, ast.stmt], ...]  # names followed to reach the SQL
    positions: frozenset

    @property
    def line(self) -> int:
        return self.call.lineno


def call_sites(index: ModuleIndex, extra_sinks: Sequence[str] = ()) -> List[CallSite]:
    """Every sink call (``text()`` is a wrapper, not a call site) whose SQL can be rebuilt."""
    sinks = (SINK_METHODS | frozenset(extra_sinks)) - WRAPPERS
    found = []
    for node in ast.walk(index.tree):
        if not isinstance(node, ast.Call) or callee_name(node.func) not in sinks:
            continue
        argument = _sql_argument(node)
        if argument is None:
            continue
        stack = index.scope_stack(node)
        composer = Composer(index.lines, index.scopes, stack)
        pieces = composer.compose(argument, 0)
        if not pieces or not any(p.text for p in pieces):
            continue
        site = build_site(pieces, True)
        holes = tuple(p.hole for p in pieces if p.hole is not None or (not p.text and p.positions))
        names = []
        for sub in ast.walk(argument):
            if isinstance(sub, ast.Name) and id(sub) in composer.used:
                bound = index.scopes.lookup(sub.id, stack)
                statement = index.assignments.get(id(bound)) if bound is not None else None
                if statement is not None:
                    names.append((sub, statement))
        found.append(CallSite(node, callee_name(node.func), site, holes, tuple(names),
                              frozenset(site.positions)))
    found.sort(key=lambda c: (c.call.lineno, c.call.col_offset))
    return found


def calls_at(sites: Sequence[CallSite], line: int, column: int) -> List[CallSite]:
    """The call sites whose SQL holds the character at ``line:column`` (a finding's place)."""
    where = Position(line, column)
    return [c for c in sites if where in c.positions]


# -- arguments -------------------------------------------------------------------------


def _params(call: ast.Call) -> Optional[ast.expr]:
    for keyword in call.keywords:
        if keyword.arg in PARAMS_KEYWORDS:
            return keyword.value
    sql_by_keyword = not call.args or isinstance(call.args[0], ast.Starred)
    rest = call.args if sql_by_keyword else call.args[1:]
    return rest[0] if rest else None


def bind(site: CallSite, key: Key, index: ModuleIndex) -> ast.expr:
    """The argument expression a placeholder (or f-string value) is bound to at the call."""
    kind, value = key
    call = site.call
    if kind == "hole":
        hole = site.holes[value] if value < len(site.holes) else None
        if hole is None or getattr(hole, "lineno", None) is None:
            raise reasons.Refused(reasons.FORMATTED_VALUE)
        if not _inside(index.span(hole), index.span(call)):
            raise reasons.Refused(reasons.FORMATTED_VALUE, "f-string defined away from the call")
        formatted = index.parents.get(hole)
        if isinstance(formatted, ast.FormattedValue) and (formatted.conversion != -1 or formatted.format_spec):
            # {x!r}, {x:.2f}: the SQL holds the text made of the value, not the value
            raise reasons.Refused(reasons.RUNTIME_FRAGMENT, "{%s} with a conversion or format" % ast.unparse(hole))
        if isinstance(hole, ast.Call) and isinstance(hole.func, ast.Name) and hole.func.id in TEXT_CALLS:
            # "... = " + str(sid): the SQL holds the text, the value passed would be that text
            raise reasons.Refused(reasons.RUNTIME_FRAGMENT, "{%s}" % ast.unparse(hole))
        return hole
    if kind == "dollar":
        args = call.args
        if any(isinstance(a, ast.Starred) for a in args[: value + 1]):
            raise reasons.Refused(reasons.PARAMETERS_SHAPE, "*args")
        if value >= len(args):
            raise reasons.Refused(reasons.NO_PARAMETERS, f"${value}")
        return args[value]
    params = _params(call)
    if params is None:
        raise reasons.Refused(reasons.NO_PARAMETERS, _written(key))
    if kind == "pos":
        if not isinstance(params, (ast.Tuple, ast.List)) or any(isinstance(e, ast.Starred) for e in params.elts):
            raise reasons.Refused(reasons.PARAMETERS_SHAPE, source_text(params, 30))
        if value >= len(params.elts):
            raise reasons.Refused(reasons.NO_PARAMETERS, _written(key))
        return params.elts[value]
    entries = dict_entries(params)
    if entries is None:
        raise reasons.Refused(reasons.PARAMETERS_SHAPE, source_text(params, 30))
    if value not in entries:
        raise reasons.Refused(reasons.NO_PARAMETERS, _written(key))
    return entries[value]


def dict_entries(params: ast.expr) -> Optional[Dict[str, ast.expr]]:
    """``{"a": x}`` or ``dict(a=x)`` as a mapping, else None."""
    if isinstance(params, ast.Dict):
        if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in params.keys):
            return None
        return {k.value: v for k, v in zip(params.keys, params.values)}
    if isinstance(params, ast.Call) and isinstance(params.func, ast.Name) and params.func.id == "dict":
        if params.args or any(k.arg is None for k in params.keywords):
            return None
        return {k.arg: k.value for k in params.keywords}
    return None


def unused_arguments(site: CallSite, used: Set[int]) -> List[ast.expr]:
    """Argument expressions the rewritten call would drop."""
    params = _params(site.call)
    pool: List[ast.expr] = []
    if isinstance(params, (ast.Tuple, ast.List)):
        pool = list(params.elts)
    elif params is not None and dict_entries(params) is not None:
        pool = list(dict_entries(params).values())
    elif site.sink in DATA_SINKS:
        pool = list(site.call.args[1:])
    return [e for e in pool if id(e) not in used]


def has_effects(expr: ast.expr) -> bool:
    return any(isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)) for n in ast.walk(expr))


def _written(key: Key) -> str:
    kind, value = key
    return {"name": f":{value}", "pos": f"%s #{value + 1}" if isinstance(value, int) else "%s",
            "dollar": f"${value}"}.get(kind, str(value))


def _inside(inner: Span, outer: Span) -> bool:
    return (inner[0], inner[1]) >= (outer[0], outer[1]) and (inner[2], inner[3]) <= (outer[2], outer[3])
