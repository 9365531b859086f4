"""Alembic operations -> table references (part of the ORM/migration sites step).

``op.create_foreign_key`` is a foreign key to its referent table (and a schema
change on its source table); ``create_table``, ``add_column``, ``alter_column``,
``drop_column``, ``create_index``, ``drop_table``, ``rename_table``, the
``create_*_constraint`` family and ``batch_alter_table`` are schema changes
(BND103, or BND104 on a table no service owns); ``op.bulk_insert(t, rows)``
writes the table ``t`` was built for. ``drop_constraint`` is never a finding:
dropping a cross-service foreign key is the fix. ``op.execute(...)`` is a SQL
sink handled with the other SQL strings.

Only ``op`` imported from ``alembic`` counts, or ``op`` in a revision file
(module-level ``revision`` and ``down_revision``), and ``batch_op`` names
bound by ``with op.batch_alter_table(...) as batch_op``; an unrelated ``op``
variable is left alone.
"""

from __future__ import annotations

import ast
from typing import Any, Dict, Optional, Protocol, Set, Tuple

from boundary_lint.sites.bindings import walk_statements
from boundary_lint.model import Operation
from boundary_lint.sites.ast_calls import argument as _arg
from boundary_lint.sites.ast_calls import callee_name as _call_name


class OrmFinder(Protocol):
    """What the Alembic reader asks of :class:`boundary_lint.sites.orm.OrmFinder`, which owns it."""

    scopes: Any
    stack: Tuple

    def next_construct(self) -> None: ...
    def add_named(self, construct: ast.AST, name_expr: Optional[ast.expr], *args, **kwargs) -> None: ...


# op name -> (position of the table-name argument, its keyword names)
DDL_OPS: Dict[str, Tuple[int, Tuple[str, ...]]] = {
    "create_table": (0, ("table_name", "name")),
    "drop_table": (0, ("table_name", "name")),
    "add_column": (0, ("table_name",)),
    "drop_column": (0, ("table_name",)),
    "alter_column": (0, ("table_name",)),
    "rename_table": (0, ("old_table_name",)),
    "create_table_comment": (0, ("table_name",)),
    "drop_table_comment": (0, ("table_name",)),
    "batch_alter_table": (0, ("table_name",)),
    "create_index": (1, ("table_name",)),
    "drop_index": (1, ("table_name",)),
    "create_unique_constraint": (1, ("table_name", "source")),
    "create_primary_key": (1, ("table_name",)),
    "create_check_constraint": (1, ("table_name", "source")),
    "create_exclude_constraint": (1, ("table_name",)),
}
"""Schema operations and where their table name is."""


class AlembicOps:
    """Recognises ``op.*`` calls of a module that imports Alembic's ``op``."""

    def __init__(self, finder: OrmFinder, tree: ast.AST) -> None:
        self.finder = finder
        self.op_names: Set[str] = set()
        self.batch_names: Set[str] = set()
        imports_alembic = False
        withs = []
        for node in walk_statements(tree):  # imports and with statements are statements
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "alembic":
                imports_alembic = True
                for alias in node.names:
                    if alias.name == "op":
                        self.op_names.add(alias.asname or "op")
            elif isinstance(node, ast.Import):
                if any(a.name.split(".")[0] == "alembic" for a in node.names):
                    imports_alembic = True
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                withs.append(node)
        if (imports_alembic or _is_revision_file(tree)) and not self.op_names:
            self.op_names.add("op")
        for node in withs:
            for item in node.items:
                call = item.context_expr
                if (
                    isinstance(call, ast.Call)
                    and self._is_op(call.func)
                    and call.func.attr == "batch_alter_table"  # type: ignore[union-attr]
                    and isinstance(item.optional_vars, ast.Name)
                ):
                    self.batch_names.add(item.optional_vars.id)

    def _is_op(self, func: ast.expr) -> bool:
        """``op.X`` or ``alembic.op.X``."""
        if not isinstance(func, ast.Attribute):
            return False
        owner = func.value
        if isinstance(owner, ast.Name):
            return owner.id in self.op_names
        return (
            isinstance(owner, ast.Attribute)
            and owner.attr == "op"
            and isinstance(owner.value, ast.Name)
            and owner.value.id == "alembic"
        )

    def visit_call(self, node: ast.Call, name: str) -> None:
        func = node.func
        if self._is_op(func):
            self._op(node, name)
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in self.batch_names
            and name == "create_foreign_key"
        ):
            # batch_op.create_foreign_key(name, referent_table, local_cols, remote_cols, ...)
            finder = self.finder
            finder.next_construct()
            referent = _arg(node, 1, "referent_table", "referent")
            finder.add_named(node, referent, _arg(node, 99, "referent_schema"), Operation.FK)

    def _op(self, node: ast.Call, name: str) -> None:
        finder = self.finder
        if name == "create_foreign_key":
            finder.next_construct()
            source = _arg(node, 1, "source_table", "source")
            referent = _arg(node, 2, "referent_table", "referent")
            finder.add_named(node, source, _arg(node, 99, "source_schema"), Operation.DDL)
            finder.add_named(node, referent, _arg(node, 99, "referent_schema"), Operation.FK)
        elif name in DDL_OPS:
            index, keywords = DDL_OPS[name]
            table = _arg(node, index, *keywords)
            if table is None:
                return  # drop_index("ix_name") without its table: nothing to attribute
            finder.next_construct()
            schema = _arg(node, 99, "schema")
            finder.add_named(node, table, schema, Operation.DDL)
            if name == "rename_table":
                finder.add_named(node, _arg(node, 1, "new_table_name"), schema, Operation.DDL)
        elif name == "bulk_insert":
            self._bulk_insert(node)

    def _bulk_insert(self, node: ast.Call) -> None:
        """``op.bulk_insert(t, rows)``: a write to the table ``t`` was declared for."""
        finder = self.finder
        target = _arg(node, 0, "table")
        construct = target
        if isinstance(target, ast.Name):
            construct = finder.scopes.lookup(target.id, finder.stack)
        if not (isinstance(construct, ast.Call) and _call_name(construct.func) in ("Table", "table")):
            return
        names = [a for a in construct.args if not isinstance(a, ast.Starred)]
        if not names:
            return
        finder.next_construct()
        schema = _arg(construct, 99, "schema")
        # through a name, the table is named where it was declared: point at ``t`` here
        at = None if construct is target else target
        finder.add_named(node, names[0], schema, Operation.WRITE, at=at)


def _is_revision_file(tree: ast.AST) -> bool:
    """Alembic revision files bind ``revision`` and ``down_revision`` at module level."""
    names = {
        target.id
        for node in getattr(tree, "body", [])
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    return {"revision", "down_revision"} <= names
