"""Where replacing a call would change what the code means, whatever the SQL says.

The client factory's name must mean the factory where the call stands (not a
parameter or another import); data changes in migrations stay SQL; a write
stays in its transaction; and SQL that is the fallback for a failed client
call stays SQL.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator, List, Optional, Sequence, Tuple

from boundary_lint.model import Position
from boundary_lint.sites.transactions import is_migration, is_transaction_block, python_transactions
from boundary_lint.codemod import reasons
from boundary_lint.codemod.callsites import CallSite, ModuleIndex

MIGRATION_RECEIVERS = frozenset({"op", "schema_editor"})


def in_migration(site: CallSite, index: ModuleIndex) -> bool:
    """``op.execute(...)``, ``schema_editor.execute(...)`` or any call in a migration module:
    a data change there belongs to the schema's history, not to a service call."""
    func = site.call.func
    receiver = func.value if isinstance(func, ast.Attribute) else None
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
    return name in MIGRATION_RECEIVERS or is_migration(index.tree)


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


ORM_WRITES = frozenset({"add", "add_all", "merge", "delete", "bulk_save_objects", "save", "bulk_create"})
_WRITE_SQL = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+[\w\"]|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE|COPY\s+[\w\"])",
                        re.I)


def in_fallback(site: CallSite, index: ModuleIndex, factory: str) -> bool:
    """The call is in an ``except`` handler of a ``try`` whose body calls ``factory()``:
    the SQL is the fallback for when the owner's client failed."""
    for handler in (a for a in index.ancestors(site.call) if isinstance(a, ast.ExceptHandler)):
        attempt = index.parents.get(handler)
        if isinstance(attempt, ast.Try) and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == factory
                for statement in attempt.body for n in ast.walk(statement)):
            return True
    return False


def transaction_problem(site: CallSite, index: ModuleIndex, sites: Sequence[CallSite]) -> Optional[Tuple[str, str]]:
    """Why moving this write to a service call would break a transaction, or None:
    a transaction block that writes through SQL or the ORM besides it, another write
    through the same session in the function, or a ``commit()`` after it in the
    function (the write is part of what is committed). What a transaction is, is
    :mod:`boundary_lint.sites.transactions`' answer, as for BND108."""
    for block in index.ancestors(site.call):
        if not is_transaction_block(block):
            continue
        inside = set(map(id, ast.walk(block)))
        for other in sites:
            if other is not site and id(other.call) in inside and _WRITE_SQL.search(other.site.text):
                return reasons.NOT_ATOMIC, f"line {other.line} writes in the transaction of line {block.lineno}"
        for node in ast.walk(block):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ORM_WRITES:
                return reasons.NOT_ATOMIC, f"line {node.lineno} writes in the transaction of line {block.lineno}"
        statement = index.statement_of(site.call)
        own = set(map(id, ast.walk(statement)))
        if any((s.lineno, s.col_offset) > (statement.lineno, statement.col_offset)
               for s in ast.walk(block) if isinstance(s, ast.stmt) and id(s) not in own):
            # what runs after the write in the block may raise, and the block would roll the write back
            return reasons.COMMITTED_AFTER, f"line {block.lineno}: the transaction commits after the write"
    scope = index.function_of(site.call) or index.tree
    receiver = _receiver(site.call)
    if receiver is not None:
        in_scope = set(map(id, ast.walk(scope)))
        for other in sites:
            if (other is not site and id(other.call) in in_scope and _receiver(other.call) == receiver
                    and _WRITE_SQL.search(other.site.text)):
                return reasons.NOT_ATOMIC, f"line {other.line} writes through {receiver} too: one transaction"
    where = Position(site.call.end_lineno or site.call.lineno, 0)
    for span in python_transactions(index.tree):
        if span.kind == "commit" and span.holds(where):
            commit = next((n for n in ast.walk(index.tree) if isinstance(n, ast.Call) and n.lineno == span.line
                           and isinstance(n.func, ast.Attribute) and n.func.attr == "commit"), None)
            text = ast.unparse(commit)[:40] if commit is not None else "commit()"
            return reasons.COMMITTED_AFTER, f"line {span.line}: {text}"
    return None


def _receiver(call: ast.Call) -> Optional[str]:
    """``self.session`` of ``self.session.execute(...)``: statements through one session or
    connection between two commits are one transaction."""
    func = call.func
    return ast.unparse(func.value) if isinstance(func, ast.Attribute) else None
