"""Composed SQL: ``str.format`` fields, ``psycopg.sql`` objects and local helper functions.

The string composer of :mod:`boundary_lint.sites.python` calls in here for
the compositions that need more than concatenation:

- ``"... {} ...".format(a)`` and ``sql.SQL("... {} ...").format(a)``: each
  field takes the argument's text when the argument is built from constants,
  else it is a run-time hole.
- ``sql.Identifier("schema", "table")`` -> ``"schema"."table"`` (a quoted
  identifier, case kept); ``sql.Literal(x)`` -> a hole (a value);
  ``sql.Placeholder()`` -> ``%s`` (``%(name)s`` when named);
  ``sql.Composed([...])`` and ``sql.SQL(sep).join([...])`` concatenate.
- ``build_query("public.strategy")`` where ``build_query`` is a function of
  the module whose body is straight-line assignments ending in a ``return`` of
  a string expression: that expression is composed with the parameters bound
  to the call's arguments (methods, branches and loops are not followed).

A value taken from a name bound elsewhere is placed where it is used (the
``{`` of its field, or the argument naming it), so two queries sharing one
constant stay two findings, each at its own statement.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Dict, List, Optional, Protocol, Sequence, Tuple

from boundary_lint.sites.ast_calls import callee_name
from boundary_lint.sites.literal_positions import LiteralPiece, node_position
from boundary_lint.model import Position
from boundary_lint.sites.position_runs import PositionRuns

Pieces = List[LiteralPiece]


class Composer(Protocol):
    """What these functions ask of :class:`boundary_lint.sites.python.Composer`, which calls them."""

    lines: Sequence[str]
    scopes: Any
    stack: Tuple
    env: Dict

    def compose(self, expr: ast.expr, depth: int) -> Optional[Pieces]: ...
    def lookup(self, name: str) -> Optional[ast.expr]: ...
    def in_context(self, stack: Tuple, env: Dict, compute): ...
    def hole(self, expr: ast.expr) -> LiteralPiece: ...


PSYCOPG_TEXT = frozenset({"SQL", "Composed"})
"""psycopg ``sql`` objects that carry SQL text: a composition rooted in one is SQL."""
PSYCOPG_ROOTS = PSYCOPG_TEXT | {"format", "join", "as_string"}
"""Callee names a psycopg composition's outermost call can have."""

_STATEMENT = re.compile(
    r"\A(?:\s|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|TRUNCATE"
    r"|MERGE|COPY|GRANT|REVOKE|COMMENT|DO)\b",
    re.DOTALL | re.IGNORECASE,
)


def is_composed_sql(expr: ast.expr, lookup, depth: int = 0) -> bool:
    """Is ``expr`` a ``psycopg.sql`` composition holding SQL text (``SQL(...)``,
    ``.format``/``.join`` on one, ``Composed``, ``+`` of those)?

    ``lookup(name)`` gives the expression a name is bound to (or None).
    """
    if depth > 6:
        return False
    if isinstance(expr, ast.Call):
        name = callee_name(expr.func)
        if name in PSYCOPG_TEXT:
            return True
        if isinstance(expr.func, ast.Attribute) and name in ("format", "join", "as_string"):
            return is_composed_sql(expr.func.value, lookup, depth + 1)
        return False
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return is_composed_sql(expr.left, lookup, depth + 1) or is_composed_sql(
            expr.right, lookup, depth + 1
        )
    if isinstance(expr, ast.Name):
        bound = lookup(expr.id)
        return bound is not None and is_composed_sql(bound, lookup, depth + 1)
    return False


def looks_like_statement(text: str) -> bool:
    """Composed text that starts like a whole statement (any letter case)."""
    return _STATEMENT.match(text) is not None


def compose_call(composer: Composer, call: ast.Call, depth: int) -> Optional[Pieces]:
    """Pieces for the calls this module knows; ``None`` when ``call`` is none of them."""
    func = call.func
    name = callee_name(func)
    if isinstance(func, ast.Attribute) and name == "format":
        base = composer.compose(func.value, depth + 1)
        return None if base is None else format_fields(composer, base, call, depth)
    if isinstance(func, ast.Attribute) and name == "join":
        return _join(composer, call, depth)
    if isinstance(func, ast.Attribute) and name == "as_string":
        return composer.compose(func.value, depth + 1)
    if name == "SQL" and len(call.args) == 1:
        return composer.compose(call.args[0], depth + 1)
    if name == "Composed" and len(call.args) == 1:
        parts = _sequence(composer, call.args[0])
        if parts is None:
            return [composer.hole(call)]
        return [piece for part in parts for piece in _part(composer, part, depth)]
    if name == "Identifier":
        return _identifier(composer, call, depth)
    if name == "Literal":
        return [composer.hole(call)]
    if name == "Placeholder":
        return _placeholder(composer, call)
    if isinstance(func, ast.Name):
        return _helper(composer, call, func.id, depth)
    return None


def substitute(composer: Composer, expr: ast.expr, at: Position, depth: int) -> Optional[Pieces]:
    """``expr``'s pieces when it is built from constants (holes allowed), for a field at ``at``.

    Text written right there (a literal, an ``Identifier("s", "t")``, a helper's
    argument at its call) keeps its own positions; text from a name bound
    elsewhere, or returned by a function, is placed at ``at``.
    """
    if getattr(expr, "lineno", None) is None:
        return None  # a synthetic hole (a % conversion)
    if isinstance(expr, ast.Name) and expr.id in composer.env:
        value, (stack, env) = composer.env[expr.id]
        if value is None:
            return None
        where = node_position(value, composer.lines)
        return composer.in_context(stack, env, lambda: substitute(composer, value, where, depth + 1))
    pieces = composer.compose(expr, depth + 1)
    if pieces is None or _in_place(expr):
        return pieces
    return [LiteralPiece(p.text, PositionRuns.repeat(at, len(p.text)), p.hole) if p.text else
            LiteralPiece("", (at,), p.hole if p.hole is not None else expr) for p in pieces]


_IN_PLACE_CALLS = frozenset({"Identifier", "SQL", "Composed", "Placeholder", "Literal", "format", "join"})


def _in_place(expr: ast.expr) -> bool:
    """Is the text of ``expr`` written where it stands (not fetched from elsewhere)?"""
    if isinstance(expr, (ast.Constant, ast.JoinedStr)):
        return True
    return isinstance(expr, ast.Call) and callee_name(expr.func) in _IN_PLACE_CALLS


def format_fields(composer: Composer, base: Pieces, call: ast.Call, depth: int) -> Pieces:
    """``base.format(*args, **kwargs)``: each ``{field}`` by its argument, ``{{``/``}}`` as braces."""
    starred = any(isinstance(a, ast.Starred) for a in call.args)
    args = [] if starred else list(call.args)
    keywords: Dict[str, ast.expr] = {k.arg: k.value for k in call.keywords if k.arg}
    out: Pieces = []
    auto = 0
    for piece in base:
        if piece.hole is not None or not piece.text:
            out.append(piece)
            continue
        last = 0
        for start, end, replacement in brace_spans(piece.text):
            if start > last:
                out.append(LiteralPiece(piece.text[last:start], piece.positions[last:start]))
            last = end
            at = piece.positions[start]
            if replacement is not None:
                out.append(LiteralPiece(replacement, (at,) * len(replacement)))
                continue
            field = piece.text[start + 1 : end - 1]
            name = re.split(r"[!:]", field, maxsplit=1)[0]
            plain = name == field
            argument: Optional[ast.expr] = None
            if name == "":
                argument = args[auto] if auto < len(args) else None
                auto += 1
            elif name.isdigit():
                argument = args[int(name)] if int(name) < len(args) else None
            elif name.isidentifier():
                argument = keywords.get(name)
            pieces = substitute(composer, argument, at, depth) if argument is not None and plain else None
            out.extend(pieces if pieces is not None else [LiteralPiece("", (at,), ast.Constant(value=None))])
        if last < len(piece.text):
            out.append(LiteralPiece(piece.text[last:], piece.positions[last:]))
    return out


_PERCENT_SPEC = re.compile(r"%(?:\(([^)]*)\))?([#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?)([diouxXeEfFgGcrsab%])")


def percent_fields(composer: Composer, base: Pieces, right: ast.expr, depth: int) -> Pieces:
    """``base % args``: a plain ``%s`` / ``%(key)s`` takes its argument's text when that is
    built from constants; any other conversion is a run-time value; ``%%`` is a percent sign."""
    if isinstance(right, ast.Name):
        bound = composer.lookup(right.id)
        if isinstance(bound, (ast.Tuple, ast.Dict)):
            right = bound  # a name for the whole argument tuple (a single value stays a name)
    if isinstance(right, ast.Tuple):
        positional: List[Optional[ast.expr]] = list(right.elts)
        if any(isinstance(e, ast.Starred) for e in right.elts):
            positional = []
    else:
        positional = [right]
    keyed: Dict[str, ast.expr] = {}
    if isinstance(right, ast.Dict):
        keyed = {k.value: v for k, v in zip(right.keys, right.values)
                 if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        positional = []
    out: Pieces = []
    index = 0
    for piece in base:
        if piece.hole is not None or not piece.text:
            out.append(piece)
            continue
        last = 0
        for match in _PERCENT_SPEC.finditer(piece.text):
            start, end = match.span()
            if start > last:
                out.append(LiteralPiece(piece.text[last:start], piece.positions[last:start]))
            last = end
            at = piece.positions[start]
            key, flags, kind = match.groups()
            if kind == "%":
                out.append(LiteralPiece("%", (at,)))
                continue
            argument = keyed.get(key) if key is not None else (
                positional[index] if index < len(positional) else None)
            if key is None:
                index += 1
            pieces = None
            if argument is not None and kind == "s" and not flags:
                pieces = substitute(composer, argument, at, depth)
            out.extend(pieces if pieces is not None else [LiteralPiece("", (at,), ast.Constant(value=None))])
        if last < len(piece.text):
            out.append(LiteralPiece(piece.text[last:], piece.positions[last:]))
    return out


def _sequence(composer: Composer, expr: ast.expr) -> Optional[Sequence[ast.expr]]:
    """The elements of a list/tuple display (or a name bound to one)."""
    if isinstance(expr, ast.Name) and composer.scopes is not None:
        expr = composer.lookup(expr.id) or expr
    if isinstance(expr, (ast.List, ast.Tuple)) and not any(isinstance(e, ast.Starred) for e in expr.elts):
        return expr.elts
    return None


def _part(composer: Composer, expr: ast.expr, depth: int) -> Pieces:
    pieces = substitute(composer, expr, node_position(expr, composer.lines), depth)
    return pieces if pieces is not None else [composer.hole(expr)]


def _join(composer: Composer, call: ast.Call, depth: int) -> Optional[Pieces]:
    """``sep.join([a, b])`` with a list display; any other iterable is one hole."""
    func = call.func
    assert isinstance(func, ast.Attribute)
    separator = composer.compose(func.value, depth + 1)
    if separator is None or len(call.args) != 1:
        return None
    parts = _sequence(composer, call.args[0])
    if parts is None:
        return [composer.hole(call.args[0])]
    out: Pieces = []
    for index, part in enumerate(parts):
        if index:
            out.extend(separator)
        out.extend(_part(composer, part, depth))
    return out


def _identifier(composer: Composer, call: ast.Call, depth: int) -> Pieces:
    """``Identifier("s", "t")`` -> ``"s"."t"``; a part not built from constants is a hole."""
    if not call.args or call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return [composer.hole(call)]
    out: Pieces = []
    for index, arg in enumerate(call.args):
        pieces = substitute(composer, arg, node_position(arg, composer.lines), depth)
        if index:
            out.append(LiteralPiece(".", (out[-1].positions[-1],)))
        if pieces is None or any(p.hole is not None or not p.text for p in pieces):
            out.append(composer.hole(arg))
            continue
        text = "".join(p.text for p in pieces)
        where = [pos for p in pieces for pos in p.positions]
        quoted: List[Position] = []
        for char, pos in zip(text, where):
            quoted.extend([pos, pos] if char == '"' else [pos])
        out.append(LiteralPiece('"' + text.replace('"', '""') + '"',
                                (where[0], *quoted, where[-1])))
    return out


def _placeholder(composer: Composer, call: ast.Call) -> Pieces:
    at = node_position(call, composer.lines)
    name = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "name"), None)
    if name is None:
        text = "%s"
    elif isinstance(name, ast.Constant) and isinstance(name.value, str):
        text = f"%({name.value})s"
    else:
        return [composer.hole(call)]
    return [LiteralPiece(text, (at,) * len(text))]


def _helper(composer: Composer, call: ast.Call, name: str, depth: int) -> Optional[Pieces]:
    """A module function ending in ``return <string expression>``, composed for this call."""
    scopes = composer.scopes
    if scopes is None or depth > 4:
        return None
    function = scopes.function(name, composer.stack)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    body = [s for s in function.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    if not all(isinstance(s, (ast.Assign, ast.AnnAssign)) for s in body[:-1]):
        return None  # branches or loops: the value returned is not one expression
    bound = _bind_arguments(function.args, call)
    if bound is None:
        return None
    caller = (composer.stack, composer.env)
    chain = scopes.chain(function)
    definer = (chain[:-1], {})  # defaults are evaluated where the function is defined
    env = {param: (value, definer if is_default else caller) for param, (value, is_default) in bound.items()}
    value = body[-1].value
    return composer.in_context(chain, env, lambda: composer.compose(value, depth + 1))


def _bind_arguments(
    args: ast.arguments, call: ast.Call
) -> Optional[Dict[str, Tuple[Optional[ast.expr], bool]]]:
    """Parameter -> (argument or default expression, is the default); None when the
    call cannot be matched to the signature."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    positional = args.posonlyargs + args.args
    if len(call.args) > len(positional) and args.vararg is None:
        return None
    pairs: List[Tuple[ast.arg, Optional[ast.expr]]] = list(
        zip(positional, [None] * (len(positional) - len(args.defaults)) + list(args.defaults))
    )
    pairs += list(zip(args.kwonlyargs, args.kw_defaults))
    given = {k.arg: k.value for k in call.keywords}
    bound: Dict[str, Tuple[Optional[ast.expr], bool]] = {}
    for index, (param, default) in enumerate(pairs):
        if index < len(positional) and index < len(call.args):
            bound[param.arg] = (call.args[index], False)
        elif param.arg in given:
            bound[param.arg] = (given[param.arg], False)
        else:
            bound[param.arg] = (default, True)
    for extra in (args.vararg, args.kwarg):
        if extra is not None:
            bound[extra.arg] = (None, False)
    return bound


def brace_spans(text: str) -> List[Tuple[int, int, Optional[str]]]:
    """The ``{field}`` spans of a format string (replacement None) and its ``{{``/``}}`` escapes (a brace)."""
    spans: List[Tuple[int, int, Optional[str]]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "{}" and text.startswith(c * 2, i):
            spans.append((i, i + 2, c))
            i += 2
        elif c == "{":
            depth, j = 1, i + 1
            while j < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            spans.append((i, j, None))
            i = j
        else:
            i += 1
    return spans
