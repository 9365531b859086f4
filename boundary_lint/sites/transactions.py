"""Where Python code opens database transactions: the spans BND108 and the codemod's guard read.

A Python transaction is a ``with``/``async with`` of ``begin()``, ``begin_nested()``,
``transaction()`` or ``atomic()``; ``with conn:`` of a DB-API connection the block uses
(psycopg commits on leaving it); a function decorated ``@transaction.atomic`` / ``@atomic``;
the statements of a function up to each ``x.commit()`` (a session's writes are one
transaction until it commits); an Alembic migration's ``upgrade()``/``downgrade()``;
a Django migration module (atomic on PostgreSQL unless ``atomic = False``). Spans are
line ranges (a ``.sql`` file's ``BEGIN ... COMMIT`` spans are :mod:`boundary_lint.sql.transactions`').
"""

from __future__ import annotations

import ast
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

from boundary_lint.model import Position, Transaction
from boundary_lint.sites.model_index import dotted

TRANSACTION_METHODS = frozenset({"begin", "begin_nested", "transaction", "atomic"})
"""``with x.begin():``, ``async with conn.transaction():``, ``with transaction.atomic():``."""
CONNECTION_USES = ("cursor", "execute", "executemany")
_END_OF_LINE = 1 << 30


def is_transaction_block(node: ast.AST) -> bool:
    """A ``with`` of a transaction, ``with conn:`` of a DB-API connection used in the block
    (psycopg commits on leaving it, rolls back on an exception), or a function decorated
    ``@transaction.atomic`` / ``@atomic``."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return any(_is_transaction_call(d) or _name_of(d) == "atomic" for d in node.decorator_list)
    if not isinstance(node, (ast.With, ast.AsyncWith)):
        return False
    for item in node.items:
        if _is_transaction_call(item.context_expr):
            return True
        written = dotted(item.context_expr)
        if written is not None and item.optional_vars is None:
            if any(isinstance(n, ast.Attribute) and n.attr in CONNECTION_USES and dotted(n.value) == written
                   for s in node.body for n in ast.walk(s)):
                return True
    return False


def is_migration(tree: ast.Module) -> bool:
    """An Alembic or Django migration module (it imports alembic / django.db.migrations)."""
    return _migration_kind(tree) is not None


def python_transactions(tree: ast.AST) -> Tuple[Transaction, ...]:
    """Every transaction span of a parsed module, nested ones included (one walk; a function's
    own statements are walked again only when it holds a ``commit()``)."""
    constants = _module_constants(tree)
    found: List[Transaction] = []
    if isinstance(tree, ast.Module):
        found.extend(_with_constants([(first, last)], line, kind, nodes, constants)
                     for first, last, line, kind, nodes in _migration_spans(tree))
    scopes, commits = [tree], []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scopes.append(node)
        elif _is_commit(node):
            commits.append(node.lineno)
        if is_transaction_block(node):
            kind = "decorator" if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else "block"
            found.append(_with_constants([(node.lineno, node.end_lineno or node.lineno)], node.lineno, kind,
                                         ast.walk(node), constants))
    for scope in scopes if commits else ():
        first, last = getattr(scope, "lineno", 1), getattr(scope, "end_lineno", None) or 1 << 30
        if any(first <= line <= last for line in commits):
            found.extend(_with_constants(pieces, line, "commit", nodes, constants)
                         for pieces, line, nodes in _commit_spans(scope))
    return tuple(sorted(set(found)))


def _is_commit(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
            and not node.args)


def _module_constants(tree: ast.AST) -> Dict[str, Tuple[int, int]]:
    """Module-level ``NAME = ...`` assignments: name -> their lines (SQL written apart from its use)."""
    constants: Dict[str, Tuple[int, int]] = {}
    for node in getattr(tree, "body", ()):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) and node.value is not None else []
        for target in targets:
            if isinstance(target, ast.Name):
                constants[target.id] = (node.lineno, node.end_lineno or node.lineno)
    return constants


def _with_constants(pieces: List[Tuple[int, int]], line: int, kind: str, nodes: Iterable[ast.AST],
                    constants: Dict[str, Tuple[int, int]]) -> Transaction:
    """A transaction over the line ranges ``pieces`` and the module constants its nodes name."""
    def inside(first: int, last: int) -> bool:
        return any(a <= first and last <= b for a, b in pieces)

    used = sorted({constants[n.id] for n in nodes if isinstance(n, ast.Name) and n.id in constants
                   and isinstance(n.ctx, ast.Load) and inside(n.lineno, n.lineno)})
    spans = tuple(pieces) + tuple(span for span in used if not inside(*span))
    return Transaction(tuple((Position(a, 0), Position(b, _END_OF_LINE)) for a, b in spans), line, kind)


def _migration_kind(tree: ast.Module) -> Optional[str]:
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in ("alembic", "django.db"):
            if node.module == "alembic":
                return "alembic"
            if any(a.name == "migrations" for a in node.names):
                return "django"
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "alembic" for a in node.names):
            return "alembic"
    return None


def _migration_spans(tree: ast.Module) -> Iterator[tuple]:
    """An Alembic migration's ``upgrade``/``downgrade`` (each its own transaction on PostgreSQL),
    or a whole Django migration module unless its ``Migration`` says ``atomic = False``."""
    kind = _migration_kind(tree)
    if kind == "alembic":
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in ("upgrade", "downgrade"):
                yield node.lineno, node.end_lineno or node.lineno, node.lineno, "migration", ast.walk(node)
    elif kind == "django":
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Migration"]
        if classes and not any(_says_not_atomic(c) for c in classes):
            last = max((n.end_lineno or n.lineno) for n in tree.body)
            yield 1, last, classes[0].lineno, "migration", ()


def _says_not_atomic(migration: ast.ClassDef) -> bool:
    return any(isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "atomic" for t in s.targets)
               and isinstance(s.value, ast.Constant) and s.value.value is False for s in migration.body)


def _commit_spans(function: ast.AST) -> Iterator[tuple]:
    """A function's (or a script's) statements up to each ``x.commit()`` of its own body (not
    of a nested function or class, which is not run there): what a session or connection wrote
    since the last commit commits at once."""
    nodes = list(_own_nodes(function))
    commits = sorted(n.lineno for n in nodes if _is_commit(n))
    body = [s for s in function.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    start = 0
    for line in commits:
        if line < start:
            continue
        pieces = [(max(s.lineno, start), min(s.end_lineno or s.lineno, line)) for s in body
                  if (s.end_lineno or s.lineno) >= start and s.lineno <= line]
        if pieces:
            yield pieces, line, nodes
        start = line + 1


def _own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _name_of(expr: ast.expr) -> str:
    return expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")


def _is_transaction_call(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Call) and _name_of(expr.func) in TRANSACTION_METHODS
