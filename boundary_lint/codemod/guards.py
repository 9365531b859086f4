"""Where replacing a call would change what the code means, whatever the SQL says.

The client factory's name must mean the factory where the call stands (not a
parameter or another import), and data changes in migrations stay SQL.
"""

from __future__ import annotations

import ast
from typing import Iterator, List

from .callsites import CallSite, ModuleIndex

MIGRATION_RECEIVERS = frozenset({"op", "schema_editor"})


def in_migration(site: CallSite, index: ModuleIndex) -> bool:
    """``op.execute(...)``, ``schema_editor.execute(...)`` or any call in a migration module:
    a data change there belongs to the schema's history, not to a service call."""
    func = site.call.func
    receiver = func.value if isinstance(func, ast.Attribute) else None
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
    return name in MIGRATION_RECEIVERS or is_migration(index.tree)


def is_migration(tree: ast.Module) -> bool:
    """An Alembic or Django migration module (it imports alembic / django.db.migrations)."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in ("alembic", "django.db"):
            if node.module == "alembic" or any(a.name == "migrations" for a in node.names):
                return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "alembic" for a in node.names):
            return True
    return False


def name_taken(index: ModuleIndex, node: ast.AST, name: str, module: str) -> bool:
    """Whether ``name``, where ``node`` stands, means something other than
    ``from module import name`` (a parameter, a local, another import...)."""
    for scope in index.scope_stack(node):
        if isinstance(scope, ast.ClassDef):
            continue  # a class body's names are not seen from its methods
        for child in (_shallow(scope) if isinstance(scope, ast.Module) else ast.walk(scope)):
            if _binds(child, name, module):
                return True
    return False


def _shallow(tree: ast.Module) -> Iterator[ast.AST]:
    """The module's nodes outside function and class bodies (their names included)."""
    stack: List[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) and node is not tree:
            continue
        stack.extend(ast.iter_child_nodes(node))


def _binds(node: ast.AST, name: str, module: str) -> bool:
    if isinstance(node, ast.arg):
        return node.arg == name
    if isinstance(node, ast.Name):
        return node.id == name and not isinstance(node.ctx, ast.Load)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name == name
    if isinstance(node, ast.ExceptHandler):
        return node.name == name
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            same = isinstance(node, ast.ImportFrom) and node.module == module and alias.name == name
            if bound == name and not (same and alias.asname in (None, name)):
                return True
    return False
