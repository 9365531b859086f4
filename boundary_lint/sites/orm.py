"""ORM and migration constructs -> table references, straight from the ``ast`` (no SQL).

What is found here:

- SQLAlchemy ``ForeignKey("schema.table.col")`` / ``ForeignKeyConstraint([...],
  ["schema.table.col"])``: a foreign key (BND102 when the owner is another service).
- SQLAlchemy mappings -- ``Table("name", metadata, ..., schema=...)``, the
  lightweight ``table("name", column(...), schema=...)``, declarative classes
  with ``__tablename__`` (schema from ``__table_args__``, else from the
  ``MetaData(schema=...)`` of their base) -- and Django ``Meta.db_table``:
  ``mapping=True`` references (BND106 when another service owns the table).
- Alembic ``op.*`` schema operations (see :mod:`boundary_lint.sites.alembic`).

Names resolve like SQL: a name given without a schema (and without a
``MetaData`` schema) goes through the service's ``search_path`` in the rules.
Names are kept as written (SQLAlchemy, Alembic and Django quote a name with
capitals, so its case matters exactly as in a quoted SQL identifier).

Positions: every reference points at the first character of the table's name
(its schema when the same string holds both) *inside* the string literal of
the construct, like SQL findings do. When the name comes from a constant
defined elsewhere, the reference points at the expression in the construct
that names it. ``statement_line`` is the construct's first line (the ``class``
or the call), so a ``# noqa`` there suppresses it.
"""

from __future__ import annotations

import ast
import re
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from boundary_lint.value_classes import value_class
from boundary_lint.prefilter.triggers import ALEMBIC_NAMES
from boundary_lint.prefilter.lines import touches
from boundary_lint.sites.ast_calls import argument, callee_name
from boundary_lint.sites.literal_positions import node_position
from boundary_lint.model import HOLE_PREFIX, Operation, Position, Reference, TableName, fingerprint
from boundary_lint.sites.bindings import Scopes as _Scopes
from boundary_lint.sites.table_helpers import table_helpers
from boundary_lint.sites.bindings import walk_statements
from boundary_lint.sites.python import Composer, build_site

_QUOTED_PARTS = re.compile(r'"(?:[^"]|"")*"|[^."]+')
ALEMBIC_CALLS = frozenset(ALEMBIC_NAMES)
ORM_STATEMENT = -1
"""``Reference.statement[0]`` of every ORM/migration construct (SQL sites count from 0)."""


@value_class
class NameText:
    """A string expression rebuilt from its constant parts (holes as ``bl_hole_N``)."""

    text: str
    positions: Tuple[Position, ...]
    node: ast.expr

    def position_at(self, offset: int, construct: ast.AST, lines: Sequence[str]) -> Position:
        """Where character ``offset`` is written; the expression itself when that is elsewhere."""
        if self.positions:
            where = self.positions[max(0, min(offset, len(self.positions) - 1))]
            if construct.lineno <= where.line <= (construct.end_lineno or construct.lineno):
                return where
        return node_position(self.node, lines)


def orm_references(
    tree: ast.AST, lines: Sequence[str], hot: Optional[List[int]] = None
) -> List[Reference]:
    """Every ORM mapping, foreign key and migration operation of a module, as references.

    ``hot`` are the lines worth walking: every construct's call or name stands on one
    (``prefilter.interesting_lines``, a superset); None walks the whole module.
    """
    if hot is not None and not hot:
        return []
    finder = OrmFinder(tree, lines, hot)
    finder.visit(tree)
    return finder.refs


def fingerprint_of(node: ast.AST, lines: Sequence[str]) -> str:
    """The baseline key of a construct: :func:`boundary_lint.model.fingerprint` of its source text."""
    first, last = node.lineno, getattr(node, "end_lineno", None) or node.lineno
    return fingerprint("".join(lines[first - 1 : last]))


def split_qualified(text: str) -> List[str]:
    """``a.b.c`` -> parts; a double-quoted part keeps its dots and loses its quotes.

    >>> split_qualified('"public"."strategy"'), split_qualified('public.strategy.id')
    (['public', 'strategy'], ['public', 'strategy', 'id'])
    """
    parts = []
    for match in _QUOTED_PARTS.finditer(text.strip()):
        part = match.group()
        if part.startswith('"') and part.endswith('"') and len(part) > 1:
            part = part[1:-1].replace('""', '"')
        parts.append(part.strip())
    return parts


def table_name(schema: Optional[str], name: str) -> TableName:
    schema = schema or None
    return TableName(
        schema,
        name,
        schema_is_dynamic=bool(schema) and HOLE_PREFIX in schema,
        name_is_dynamic=HOLE_PREFIX in name,
    )


class OrmFinder(ast.NodeVisitor):
    """Walks a module once; keeps the scope stack for resolving names bound to constants.

    The name bindings, the class/MetaData index and the Alembic imports are
    each computed on first use: most modules need none of them.
    """

    def __init__(self, tree: ast.AST, lines: Sequence[str], hot: Optional[List[int]] = None) -> None:
        self.lines = lines
        self.tree = tree
        self.hot = hot  # statements touching none of these lines hold nothing for us
        self.stack: List[ast.AST] = []
        self.refs: List[Reference] = []
        self.constructs = 0
        self._scopes: Optional[_Scopes] = None
        self._classes: Optional[Dict[str, ast.ClassDef]] = None
        self.metadata: Dict[str, Optional[ast.expr]] = {}  # name -> schema expr of its MetaData
        self._alembic = None
        self.table_helpers: Dict[str, tuple] = {}  # the module's functions returning a table by name

    @property
    def scopes(self) -> _Scopes:
        if self._scopes is None:
            self._scopes = _Scopes(self.tree)
        return self._scopes

    @property
    def alembic(self):
        if self._alembic is None:
            from boundary_lint.sites.alembic import AlembicOps  # one concern per module

            self._alembic = AlembicOps(self, self.tree)
        return self._alembic

    # -- module index ------------------------------------------------------

    @property
    def classes(self) -> Dict[str, ast.ClassDef]:
        if self._classes is None:
            self._index()
        assert self._classes is not None
        return self._classes

    def _index(self) -> None:
        """Classes, and names bound to a ``MetaData(schema=...)`` (or a base made from one)."""
        self._classes = {}
        bindings = []
        for node in walk_statements(self.tree):
            if isinstance(node, ast.ClassDef):
                self._classes.setdefault(node.name, node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
                bindings.append(node)
        for node in bindings:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            schema = self._metadata_schema(node.value, set())
            if schema is not _NO_METADATA:
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.metadata[target.id] = schema

    def _metadata_schema(self, expr: ast.expr, seen: Set[str]):
        """The schema expression of the MetaData ``expr`` stands for (``_NO_METADATA`` if none).

        Knows ``MetaData(schema=...)``, ``declarative_base(metadata=...)``,
        ``registry(metadata=...)``, ``SQLAlchemy(metadata=...)`` and names bound to those.
        """
        if isinstance(expr, ast.Call):
            name = callee_name(expr.func)
            if name == "MetaData":
                return argument(expr, 99, "schema")
            if name in ("declarative_base", "registry", "SQLAlchemy", "as_declarative"):
                inner = argument(expr, 99, "metadata")
                return _NO_METADATA if inner is None else self._metadata_schema(inner, seen)
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "generate_base":
                return self._metadata_schema(expr.func.value, seen)
        if isinstance(expr, ast.Name) and expr.id not in seen:
            seen.add(expr.id)
            classes = self.classes  # builds the index on first use
            if expr.id in self.metadata:
                return self.metadata[expr.id]
            bound = self.scopes.lookup(expr.id, [self.tree])
            if bound is not None:
                return self._metadata_schema(bound, seen)
            if expr.id in classes:
                return self._class_metadata(classes[expr.id], seen)
        if isinstance(expr, ast.Attribute) and expr.attr in ("metadata", "Model"):
            return self._metadata_schema(expr.value, seen)
        return _NO_METADATA

    def _class_metadata(self, node: ast.ClassDef, seen: Set[str]):
        """A class's MetaData schema: its own ``metadata = ...``, else its bases'."""
        for statement in node.body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                if any(isinstance(t, ast.Name) and t.id == "metadata" for t in targets):
                    found = self._metadata_schema(statement.value, seen)
                    if found is not _NO_METADATA:
                        return found
        for base in list(node.bases) + [k.value for k in node.keywords if k.arg == "metadata"]:
            found = self._metadata_schema(base, seen)
            if found is not _NO_METADATA:
                return found
        return _NO_METADATA

    def schema_of_class(self, node: ast.ClassDef) -> Optional[ast.expr]:
        """The ``MetaData`` schema a class maps into, through its bases in this module.

        A base imported from elsewhere is unknown: its tables resolve through the
        search_path (a ``MetaData`` elsewhere in the module may belong to another base).
        """
        found = self._class_metadata(node, {node.name})
        return None if found is _NO_METADATA else found

    # -- traversal ---------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        if self.hot is not None and isinstance(node, ast.stmt) and not touches(node, self.hot):
            return
        super().visit(node)

    def visit_Module(self, node: ast.Module) -> None:
        self.table_helpers = table_helpers(node)
        self._scoped(node)

    def _table_helper(self, node: ast.Call, helper) -> None:
        """``table("package")`` of a module helper returning ``meta.tables[name]``: a mapping."""
        index, schema_index, schema_name = helper
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        if index < len(positional) and _is_string(positional[index]):
            schema = argument(node, 99, schema_name) if schema_name else None
            if schema is None and schema_index is not None and schema_index < len(positional):
                schema = positional[schema_index]
            self.next_construct()
            self.add_named(node, positional[index], schema, Operation.READ, mapping=True,
                           default_schema=self._enclosing_metadata_schema())

    def visit_FunctionDef(self, node: ast.AST) -> None:
        if self.stack and self.stack[-1] is self.tree and node.name in self.table_helpers:
            return  # Table(name, ...) with a run-time name: its calls say which tables
        self._scoped(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._declarative(node)
        self._django_meta(node)
        self._scoped(node)

    def _scoped(self, node: ast.AST) -> None:
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()

    def visit_Call(self, node: ast.Call) -> None:
        name = callee_name(node.func)
        if name == "ForeignKey":
            self._foreign_key(node)
        elif name == "ForeignKeyConstraint":
            self._foreign_key_constraint(node)
        elif name in ("Table", "table") and self._table(node, name):
            return  # its children were visited with its MetaData schema in force
        elif name in self.table_helpers and isinstance(node.func, ast.Name):
            self._table_helper(node, self.table_helpers[name])
        elif name in TABLE_APIS:
            self._table_api(node, name)
        elif name == "Field" and any(k.arg == "foreign_key" for k in node.keywords):
            self._column_targets(node, [argument(node, 99, "foreign_key")])  # SQLModel
        elif name == "extra" and isinstance(node.func, ast.Attribute):
            self._django_extra_tables(node)
        elif name in ALEMBIC_CALLS and isinstance(node.func, ast.Attribute):
            self.alembic.visit_call(node, name)
        self.generic_visit(node)

    # -- text of names -----------------------------------------------------

    def text(self, expr: Optional[ast.expr]) -> Optional[NameText]:
        """The string ``expr`` stands for, rebuilt from constants; None when it is no string."""
        if expr is None:
            return None
        pieces = Composer(self.lines, self.scopes, tuple(self.stack)).compose(expr, 0)
        if not pieces:
            return None
        site = build_site(pieces, from_sink=False)
        return NameText(site.text, site.positions, expr)

    def schema_text(self, expr: Optional[ast.expr]) -> Tuple[Optional[str], bool]:
        """``(schema, given)`` for a ``schema=`` value: None/absent -> ``(None, False)``;
        a value that is no constant string -> a run-time hole."""
        if expr is None or (isinstance(expr, ast.Constant) and expr.value is None):
            return None, False
        if isinstance(expr, ast.Name):
            bound = self.scopes.lookup(expr.id, self.stack)
            if isinstance(bound, ast.Constant) and bound.value is None:
                return None, False
        found = self.text(expr)
        if found is None:
            return HOLE_PREFIX + "0", True
        return found.text.strip(), True

    # -- references --------------------------------------------------------

    def add(
        self,
        construct: ast.AST,
        where: Position,
        table: TableName,
        operation: Operation,
        mapping: bool = False,
    ) -> None:
        self.refs.append(
            Reference(
                position=where,
                table=table,
                operation=operation,
                statement=(ORM_STATEMENT, self.constructs),
                statement_line=construct.lineno,
                fingerprint=fingerprint_of(construct, self.lines),
                mapping=mapping,
            )
        )

    def next_construct(self) -> None:
        self.constructs += 1

    def add_named(
        self,
        construct: ast.AST,
        name_expr: Optional[ast.expr],
        schema_expr: Optional[ast.expr],
        operation: Operation,
        mapping: bool = False,
        default_schema: Optional[ast.expr] = None,
        at: Optional[ast.expr] = None,
        django_quoting: bool = False,
    ) -> None:
        """A reference to the table named by ``name_expr`` (``schema.table`` allowed when no
        schema is given), in ``schema_expr`` or else ``default_schema``; reported at the
        name itself, or at ``at`` when given."""
        if name_expr is None:
            return
        found = self.text(name_expr)
        if found is None:
            name, where = HOLE_PREFIX + "0", node_position(name_expr, self.lines)
        else:
            stripped = len(found.text) - len(found.text.lstrip())
            where = found.position_at(stripped, construct, self.lines)
            name = found.text.strip()
            if django_quoting and '"' in name and not (name.startswith('"') and name.endswith('"')):
                name = f'"{name}"'  # Django quotes db_table whole: 'core"."accounts' is "core"."accounts"
        if at is not None:
            where = node_position(at, self.lines)
        schema, given = self.schema_text(schema_expr)
        if not given:
            schema, _ = self.schema_text(default_schema)
        parts = [name] if given else split_qualified(name)
        if len(parts) >= 2:
            schema, name = parts[-2], parts[-1]
        elif parts:
            name = parts[0]
        if not name:
            return
        self.add(construct, where, table_name(schema, name), operation, mapping)

    # -- SQLAlchemy --------------------------------------------------------

    def _foreign_key(self, node: ast.Call) -> None:
        if any(k.arg in ("on_delete", "to", "to_field", "db_constraint") for k in node.keywords):
            return  # Django's ForeignKey("app.Model", on_delete=...) names a model, not a table
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            if node.func.value.id == "models":
                return
        self._column_targets(node, [argument(node, 0, "column")])

    def _foreign_key_constraint(self, node: ast.Call) -> None:
        targets = argument(node, 1, "refcolumns")
        if isinstance(targets, ast.Name):
            targets = self.scopes.lookup(targets.id, self.stack)
        if isinstance(targets, (ast.List, ast.Tuple)):
            self._column_targets(node, list(targets.elts))

    def _column_targets(self, node: ast.Call, specs: Iterable[Optional[ast.expr]]) -> None:
        """``[schema.]table.column`` strings -> one FK reference per distinct table."""
        seen: Set[TableName] = set()
        self.next_construct()
        for spec in specs:
            found = self.text(spec) if spec is not None else None
            if found is None:
                continue  # ForeignKey(Strategy.id): a Python object, mapped (and found) elsewhere
            parts = split_qualified(found.text)
            if len(parts) < 2 or not all(parts):
                continue
            schema: Optional[str] = parts[-3] if len(parts) >= 3 else None
            if schema is None:
                schema, _ = self.schema_text(self._enclosing_metadata_schema())
            table = table_name(schema, parts[-2])
            if table in seen:
                continue
            seen.add(table)
            offset = len(found.text) - len(found.text.lstrip())
            self.add(node, found.position_at(offset, node, self.lines), table, Operation.FK)

    def _enclosing_metadata_schema(self) -> Optional[ast.expr]:
        """MetaData schema of the innermost class or ``Table(...)`` around the current node."""
        for scope in reversed(self.stack):
            if isinstance(scope, ast.ClassDef):
                return self.schema_of_class(scope)
        return self._table_metadata_schema

    _table_metadata_schema: Optional[ast.expr] = None

    def _table(self, node: ast.Call, name: str) -> bool:
        """A ``Table``/``table`` construct; True when it was one (and its children were visited)."""
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        schema = argument(node, 99, "schema")
        if not positional or isinstance(positional[0], ast.Constant) and not isinstance(
            positional[0].value, str
        ):
            return False
        rest = positional[1:]
        if name == "Table":
            # Table("name", metadata, ...): rich/prettytable's Table("A", "B") has string columns.
            if not rest or _is_string(rest[0]):
                return False
            metadata = self._metadata_schema(rest[0], set())
        else:
            # sqlalchemy.sql.table("name", column("a"), ..., schema=...)
            if not (rest or schema) or not all(
                isinstance(a, ast.Call) and callee_name(a.func) == "column" for a in rest
            ):
                return False
            metadata = _NO_METADATA
        self.next_construct()
        default = None if metadata is _NO_METADATA else metadata
        self.add_named(node, positional[0], schema, Operation.READ, mapping=True, default_schema=default)
        previous = self._table_metadata_schema
        self._table_metadata_schema = default
        for child in ast.iter_child_nodes(node):
            self.visit(child)
        self._table_metadata_schema = previous
        return True

    def _declarative(self, node: ast.ClassDef) -> None:
        values = _class_assignments(node)
        tablename = values.get("__tablename__")
        abstract = values.get("__abstract__")
        if tablename is None or (isinstance(abstract, ast.Constant) and abstract.value is True):
            return
        schema = _schema_in_table_args(values.get("__table_args__"), self.scopes, self.stack)
        self.next_construct()
        self.stack.append(node)
        self.add_named(
            node,
            tablename,
            schema,
            Operation.READ,
            mapping=True,
            default_schema=self.schema_of_class(node),
        )
        self.stack.pop()

    # -- driver and pandas calls that name a table ----------------------------

    def _table_api(self, node: ast.Call, name: str) -> None:
        """``df.to_sql("t", con)``, ``pd.read_sql_table("t", con)``, asyncpg's
        ``copy_records_to_table("t", ...)``, psycopg2's ``cur.copy_from(f, "t")``...

        The name must be built from constants: these method names are common enough
        that a run-time argument is more likely someone else's API than a table.
        """
        index, keywords, schema_keywords, operation, needs_second = TABLE_APIS[name]
        if not isinstance(node.func, ast.Attribute) and name not in ("read_sql_table",):
            return
        table = argument(node, index, *keywords)
        if table is None or self.text(table) is None:
            return
        if needs_second and len(node.args) < 2 and not any(k.arg == "con" for k in node.keywords):
            return
        schema = argument(node, 99, *schema_keywords) if schema_keywords else None
        self.next_construct()
        self.add_named(node, table, schema, operation)

    # -- Django -------------------------------------------------------------

    def _django_extra_tables(self, node: ast.Call) -> None:
        """``qs.extra(tables=["schema.table"], ...)`` adds those tables to the FROM clause."""
        tables = argument(node, 99, "tables")
        if isinstance(tables, ast.Name):
            tables = self.scopes.lookup(tables.id, self.stack)
        if not isinstance(tables, (ast.List, ast.Tuple)):
            return
        self.next_construct()
        for element in tables.elts:
            if self.text(element) is not None:
                self.add_named(node, element, None, Operation.READ)

    def _django_meta(self, node: ast.ClassDef) -> None:
        """``class Meta: db_table = '"public"."strategy"'`` inside a Django model class;
        Peewee's ``class Meta: table_name = "strategy"; schema = "public"`` alike."""
        for inner in node.body:
            if not (isinstance(inner, ast.ClassDef) and inner.name == "Meta"):
                continue
            values = _class_assignments(inner)
            abstract = values.get("abstract")
            if isinstance(abstract, ast.Constant) and abstract.value is True:
                continue
            name = values.get("db_table")
            schema = None
            if name is None and "table_name" in values:
                name, schema = values["table_name"], values.get("schema")
            if name is not None:
                self.next_construct()
                self.stack.append(node)
                self.add_named(inner, name, schema, Operation.READ, mapping=True, django_quoting=schema is None)
                self.stack.pop()


TABLE_APIS = {
    # name: (table argument, its keywords, schema keywords, operation, needs a 2nd argument/con=)
    "to_sql": (0, ("name",), ("schema",), Operation.WRITE, True),
    "read_sql_table": (0, ("table_name",), ("schema",), Operation.READ, True),
    "copy_records_to_table": (0, ("table_name",), ("schema_name",), Operation.WRITE, False),
    "copy_to_table": (0, ("table_name",), ("schema_name",), Operation.WRITE, False),
    "copy_from_table": (0, ("table_name",), ("schema_name",), Operation.READ, False),
    "insert_rows": (0, ("table",), (), Operation.WRITE, False),  # Airflow DbApiHook
    "copy_from": (1, ("table",), (), Operation.WRITE, True),
    "copy_to": (1, ("table",), (), Operation.READ, True),
}
"""Calls that name a table instead of holding SQL (pandas, asyncpg, psycopg2, Airflow)."""


class _NoMetadata:
    def __repr__(self) -> str:
        return "<no MetaData>"


_NO_METADATA = _NoMetadata()


def _is_string(expr: ast.expr) -> bool:
    return isinstance(expr, ast.JoinedStr) or (
        isinstance(expr, ast.Constant) and isinstance(expr.value, str)
    )


def _class_assignments(node: ast.ClassDef) -> Dict[str, ast.expr]:
    """``name = value`` statements directly in a class body (the last one wins)."""
    values: Dict[str, ast.expr] = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    values[target.id] = statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            if isinstance(statement.target, ast.Name):
                values[statement.target.id] = statement.value
    return values


def _schema_in_table_args(
    args: Optional[ast.expr], scopes: _Scopes, stack: Sequence[ast.AST], depth: int = 0
) -> Optional[ast.expr]:
    """The ``schema`` entry of ``__table_args__`` (a dict, or a tuple ending in one)."""
    if args is None or depth > 4:
        return None
    if isinstance(args, ast.Name):
        return _schema_in_table_args(scopes.lookup(args.id, stack), scopes, stack, depth + 1)
    if isinstance(args, (ast.Tuple, ast.List)) and args.elts:
        return _schema_in_table_args(args.elts[-1], scopes, stack, depth + 1)
    if isinstance(args, ast.Dict):
        for key, value in zip(args.keys, args.values):
            if isinstance(key, ast.Constant) and key.value == "schema":
                return value
    if isinstance(args, ast.Call) and callee_name(args.func) == "dict":
        return argument(args, 99, "schema")
    return None
