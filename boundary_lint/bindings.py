"""Which names a module binds exactly once, per scope: what a SQL composition may follow.

``QUERY = "SELECT ..."`` then ``cur.execute(QUERY)``: the composer follows the
name to its one binding; a name bound twice, a parameter or a loop target has
no single value and is not followed. Built lazily, from statement lists only.
"""

from __future__ import annotations

import ast
from typing import Dict, Optional, Sequence, Tuple


class Scopes:
    """Names bound exactly once to an expression, per function and for the module.

    Built on first use, from statement lists only (bindings we follow are
    statements), so a module whose sinks never name a variable pays nothing.
    """

    def __init__(self, tree: ast.AST) -> None:
        self._tree: Optional[ast.AST] = tree
        self._by_scope: Dict[int, Dict[str, Optional[ast.expr]]] = {}
        self._functions: Dict[int, Dict[str, Optional[ast.AST]]] = {}  # scope -> def bound once
        self._parent: Dict[int, ast.AST] = {}

    def _built(self) -> "Scopes":
        if self._tree is not None:
            tree, self._tree = self._tree, None
            self._collect(tree, getattr(tree, "body", []))
        return self

    @property
    def by_scope(self) -> Dict[int, Dict[str, Optional[ast.expr]]]:
        return self._built()._by_scope

    @property
    def functions(self) -> Dict[int, Dict[str, Optional[ast.AST]]]:
        return self._built()._functions

    @property
    def parent(self) -> Dict[int, ast.AST]:
        return self._built()._parent

    def _collect(self, scope: ast.AST, statements: Sequence[ast.stmt]) -> None:
        bindings = self._by_scope.setdefault(id(scope), {})
        for child in statements:
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._parent[id(child)] = scope
                if not isinstance(child, ast.ClassDef):
                    inner = self._by_scope.setdefault(id(child), {})
                    args = child.args
                    for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                        if arg is not None:
                            inner[arg.arg] = None  # a parameter: its value is not known here
                defs = self._functions.setdefault(id(scope), {})
                defs[child.name] = None if child.name in defs else child
                self._collect(child, child.body)
                continue
            if isinstance(child, ast.Assign) and len(child.targets) == 1:
                self._bind(bindings, child.targets[0], child.value)
            elif isinstance(child, ast.Assign):
                for target in child.targets:
                    self._bind(bindings, target, None)
            elif isinstance(child, ast.AnnAssign) and child.value is not None:
                self._bind(bindings, child.target, child.value)
            elif isinstance(child, ast.AugAssign) and isinstance(child.target, ast.Name):
                bindings[child.target.id] = None
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
        for scope in reversed(scopes):
            if name in self.by_scope.get(id(scope), {}):
                return None  # a variable shadows any function of that name
            defs = self.functions.get(id(scope), {})
            if name in defs:
                return defs[name]
        return None

    def chain(self, scope: ast.AST) -> Tuple[ast.AST, ...]:
        """The scopes from the module down to ``scope``."""
        out = [scope]
        while id(out[-1]) in self.parent:
            out.append(self.parent[id(out[-1])])
        return tuple(reversed(out))

    def lookup(self, name: str, scopes: Sequence[ast.AST]) -> Optional[ast.expr]:
        for scope in reversed(scopes):
            bindings = self.by_scope.get(id(scope), {})
            if name in bindings:
                return bindings[name]
        return None
