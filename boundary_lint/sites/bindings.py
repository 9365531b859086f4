"""Which names a module binds exactly once, per scope: what a SQL composition may follow.

``QUERY = "SELECT ..."`` then ``cur.execute(QUERY)``: the composer follows the
name to its one binding; a name bound twice, a parameter or a loop target has
no single value and is not followed. Built lazily, from statement lists only.
"""

from __future__ import annotations

import ast
from collections import deque
from typing import Dict, Iterator, Optional, Sequence, Tuple

_BLOCK_NODES = (ast.stmt, ast.excepthandler) + ((ast.match_case,) if hasattr(ast, "match_case") else ())


def walk_statements(tree: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` (breadth first, the same order) without going into expressions: every
    statement of the tree, with its ``except`` and ``case`` clauses, for a fraction of
    the nodes. Classes, assignments and imports are statements."""
    todo = deque([tree])
    while todo:
        node = todo.popleft()
        yield node
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                todo.extend(child for child in value if isinstance(child, _BLOCK_NODES))
            elif isinstance(value, _BLOCK_NODES):
                todo.append(value)


class Scopes:
    """Names bound exactly once to an expression, per function and for the module.

    Built a scope at a time on first use, from statement lists only (bindings we
    follow are statements), so a module whose sinks never name a variable pays
    nothing, and one that does pays for the scopes around its SQL only.
    """

    def __init__(self, tree: ast.AST) -> None:
        self._by_scope: Dict[int, Dict[str, Optional[ast.expr]]] = {}
        self._functions: Dict[int, Dict[str, Optional[ast.AST]]] = {}  # scope -> def bound once
        self._parent: Dict[int, ast.AST] = {}

    def _scope(self, scope: ast.AST) -> Dict[str, Optional[ast.expr]]:
        """The bindings of one scope, collected the first time it is asked about (a module's
        other functions are never read)."""
        bindings = self._by_scope.get(id(scope))
        if bindings is None:
            bindings = self._by_scope[id(scope)] = {}
            args = getattr(scope, "args", None)
            if isinstance(args, ast.arguments):
                for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                    if arg is not None:
                        bindings[arg.arg] = None  # a parameter: its value is not known here
            self._functions.setdefault(id(scope), {})
            self._collect(scope, getattr(scope, "body", []))
        return bindings

    def _collect(self, scope: ast.AST, statements: Sequence[ast.stmt]) -> None:
        bindings = self._by_scope[id(scope)]
        for child in statements:
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._parent[id(child)] = scope
                defs = self._functions[id(scope)]
                defs[child.name] = None if child.name in defs else child
                continue  # its own scope, read when asked about
            if isinstance(child, ast.Assign) and len(child.targets) == 1:
                self._bind(bindings, child.targets[0], child.value)
            elif isinstance(child, ast.Assign):
                for target in child.targets:
                    self._bind(bindings, target, None)
            elif isinstance(child, ast.AnnAssign) and child.value is not None:
                self._bind(bindings, child.target, child.value)
            elif isinstance(child, ast.AugAssign) and isinstance(child.target, ast.Name):
                bindings[child.target.id] = _extended(bindings.get(child.target.id), child)
            elif isinstance(child, (ast.For, ast.AsyncFor)):
                self._bind(bindings, child.target, None)
            elif isinstance(child, (ast.With, ast.AsyncWith)):
                for item in child.items:
                    if item.optional_vars is not None:
                        self._bind(bindings, item.optional_vars, None)
            for handler in getattr(child, "handlers", ()):
                if handler.name:
                    bindings[handler.name] = None
                self._collect(scope, handler.body)
            for case in getattr(child, "cases", ()):
                self._collect(scope, case.body)
            for field_name in ("body", "orelse", "finalbody"):
                nested = getattr(child, field_name, None)
                if isinstance(nested, list) and nested and isinstance(nested[0], ast.stmt):
                    self._collect(scope, nested)

    @staticmethod
    def _bind(bindings: Dict[str, Optional[ast.expr]], target: ast.expr, value: Optional[ast.expr]) -> None:
        if isinstance(target, ast.Name):
            name = target.id
            bindings[name] = value if name not in bindings else None
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:  # unpacking: no single value per name
                Scopes._bind(bindings, element, None)
        elif isinstance(target, ast.Starred):
            Scopes._bind(bindings, target.value, None)

    def function(self, name: str, scopes: Sequence[ast.AST]) -> Optional[ast.AST]:
        """The function ``name`` refers to from ``scopes`` when it is defined once there."""
        for scope in scopes:
            self._scope(scope)  # every enclosing scope read: chain() follows their parents
        for scope in reversed(scopes):
            if name in self._by_scope[id(scope)]:
                return None  # a variable shadows any function of that name
            defs = self._functions[id(scope)]
            if name in defs:
                return defs[name]
        return None

    def chain(self, scope: ast.AST) -> Tuple[ast.AST, ...]:
        """The scopes from the module down to ``scope`` (one found by :meth:`function`)."""
        out = [scope]
        while id(out[-1]) in self._parent:
            out.append(self._parent[id(out[-1])])
        return tuple(reversed(out))

    def lookup(self, name: str, scopes: Sequence[ast.AST]) -> Optional[ast.expr]:
        for scope in reversed(scopes):
            bindings = self._scope(scope)
            if name in bindings:
                return bindings[name]
        return None


def _extended(value: Optional[ast.expr], aug: ast.AugAssign) -> Optional[ast.expr]:
    """``q = "WITH a AS (...) "`` then ``q += "SELECT ... FROM a"``: the name stands for the
    sum of its parts, in the order written (a part added under an ``if`` included), as
    ``q = "..." + "..."`` would; any other augmented assignment leaves no single value."""
    if value is None or not isinstance(aug.op, ast.Add):
        return None
    return ast.copy_location(ast.BinOp(left=value, op=ast.Add(), right=aug.value), value)
