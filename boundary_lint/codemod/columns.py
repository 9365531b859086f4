"""Column types of the tables the tree creates: ``CREATE TABLE`` and ``ALTER TABLE ... ADD
COLUMN`` in its ``.sql`` files, read with sqlglot (statements it cannot read are skipped).

Each type maps to a JSON Schema (``type``/``format``) for the contract, a Python type
for the generated client (what the driver gave the code before the rewrite) and a
pydantic-ready type for the owner's handlers.

>>> catalog = Catalog.from_sql("CREATE TABLE public.t (id BIGSERIAL PRIMARY KEY, price NUMERIC(10, 2), "
...                            "at TIMESTAMPTZ NOT NULL); ALTER TABLE t ADD COLUMN day DATE", "x.sql")
>>> [(c.name, c.python, c.nullable) for c in catalog.columns("public.t")]
[('id', 'int', False), ('price', 'Decimal', True), ('at', 'datetime', False), ('day', 'date', True)]
>>> catalog.column("public.t", "price").schema()
{'type': ['string', 'null'], 'format': 'decimal'}
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

# SQL type (sqlglot's DType name) -> (JSON Schema type, format, Python type)
_TYPES = {
    **{t: ("integer", None, "int")
       for t in ("BIGINT", "INT", "SMALLINT", "TINYINT", "BIGSERIAL", "SERIAL", "SMALLSERIAL", "MEDIUMINT",
                 "UBIGINT", "UINT")},
    **{t: ("string", "decimal", "Decimal") for t in ("DECIMAL", "MONEY", "BIGDECIMAL", "NUMERIC")},
    **{t: ("number", None, "float") for t in ("DOUBLE", "FLOAT", "REAL")},
    **{t: ("string", None, "str")
       for t in ("VARCHAR", "TEXT", "CHAR", "NCHAR", "NVARCHAR", "NAME", "CITEXT", "BPCHAR", "INET", "CIDR")},
    "BOOLEAN": ("boolean", None, "bool"),
    **{t: ("string", "date-time", "datetime") for t in ("TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMPLTZ", "DATETIME")},
    "DATE": ("string", "date", "date"),
    "UUID": ("string", "uuid", "UUID"),
    **{t: (None, None, "Any") for t in ("JSON", "JSONB")},
}


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # as written, e.g. NUMERIC(18, 4)
    kind: Optional[str]  # sqlglot's DType name; None when not known
    nullable: bool
    array: bool = False

    @property
    def known(self) -> bool:
        return self.kind in _TYPES

    @property
    def python(self) -> str:
        """The Python type the driver returns (``Any`` for JSON or a type not mapped)."""
        base = _TYPES[self.kind][2] if self.known else "Any"
        return f"List[{base}]" if self.array else base

    def schema(self) -> dict:
        """The JSON Schema of the column's values as the contract moves them."""
        if not self.known:
            return {"description": f"type unknown ({self.sql_type})"}
        kind, fmt, _ = _TYPES[self.kind]
        out: dict = {}
        if kind is not None:
            out["type"] = kind
            if fmt:
                out["format"] = fmt
        if self.array:
            out = {"type": "array", "items": out}
        if self.nullable:
            if "type" in out:
                out["type"] = [out["type"], "null"]
            else:
                out = {}  # JSON: any value, null included
        return out


@dataclass
class Catalog:
    """Qualified table name (``schema.table``) -> its columns in order."""

    tables: Dict[str, Dict[str, Column]] = field(default_factory=dict)
    default_schema: str = "public"

    def _key(self, table: str) -> str:
        return table.lower() if "." in table else f"{self.default_schema}.{table.lower()}"

    def columns(self, table: str) -> List[Column]:
        return list(self.tables.get(self._key(table), {}).values())

    def column(self, table: str, name: str) -> Optional[Column]:
        return self.tables.get(self._key(table), {}).get(name.lower())

    def add_sql(self, text: str, origin: str = "", dialect: str = "postgres") -> None:
        import sqlglot
        from sqlglot import exp

        from boundary_lint.sql.split import split_statements

        for start, end in split_statements(text):
            piece = text[start:end]
            head = piece.lstrip()[:40].upper()
            if not (head.startswith("CREATE") or head.startswith("ALTER")) or "TABLE" not in piece.upper():
                continue
            try:
                tree = sqlglot.parse_one(piece, read=dialect)
            except Exception:  # a statement sqlglot cannot read: its columns stay unknown
                continue
            if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema) and \
                    isinstance(tree.this.this, exp.Table):
                table = self._name(tree.this.this)
                self.tables[table] = {}
                for column in tree.this.expressions:
                    if isinstance(column, exp.ColumnDef):
                        self._add(table, column)
            elif isinstance(tree, exp.Alter) and isinstance(tree.this, exp.Table):
                table = self._name(tree.this)
                for action in tree.args.get("actions") or ():
                    if isinstance(action, exp.ColumnDef):
                        self._add(table, action)

    def _name(self, table) -> str:
        return f"{(table.db or self.default_schema).lower()}.{table.name.lower()}"

    def _add(self, table: str, column) -> None:
        from sqlglot import exp

        kind = column.args.get("kind")
        constraints = [c.kind for c in column.constraints]
        not_null = any(isinstance(c, (exp.NotNullColumnConstraint, exp.PrimaryKeyColumnConstraint))
                       and not (isinstance(c, exp.NotNullColumnConstraint) and c.args.get("allow_null"))
                       for c in constraints)
        name, array = None, False
        if isinstance(kind, exp.DataType):
            if kind.this == exp.DataType.Type.ARRAY and kind.expressions:
                array, inner = True, kind.expressions[0]
                name = inner.this.name if isinstance(inner, exp.DataType) else None
            else:
                name = kind.this.name
        written = kind.sql("postgres") if kind is not None else "?"
        self.tables.setdefault(table, {})[column.name.lower()] = Column(
            column.name.lower(), written, name, not not_null, array)

    def add_orm(self, source: str) -> None:
        """Tables mapped by SQLAlchemy declarative classes (``__tablename__``; ``Mapped[...]``
        annotations or ``Column(Type, ...)``), for tables no .sql file creates.

        >>> c = Catalog()
        >>> c.add_orm("class G(Base):\\n    __tablename__ = 'gadgets'\\n"
        ...           "    id: Mapped[int] = mapped_column(primary_key=True)\\n"
        ...           "    name: Mapped[Optional[str]]\\n    price = Column(Numeric(10, 2), nullable=False)\\n")
        >>> [(x.name, x.python, x.nullable) for x in c.columns("public.gadgets")]
        [('id', 'int', False), ('name', 'str', True), ('price', 'Decimal', False)]
        """
        import ast

        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return
        constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                self._orm_class(node, constants)

    def _orm_class(self, node, constants) -> None:
        import ast

        def literal(value):
            if isinstance(value, ast.Constant):
                return value.value
            if isinstance(value, ast.Name):
                return constants.get(value.id)
            return None

        name, schema, columns = None, None, []
        for item in node.body:
            targets = item.targets if isinstance(item, ast.Assign) else [item.target] if isinstance(
                item, ast.AnnAssign) else []
            target = targets[0].id if len(targets) == 1 and isinstance(targets[0], ast.Name) else None
            value = getattr(item, "value", None)
            if target == "__tablename__":
                name = literal(value)
            elif target == "__table_args__":
                args = value.elts if isinstance(value, ast.Tuple) else [value]
                for arg in args:
                    if isinstance(arg, ast.Dict):
                        for k, v in zip(arg.keys, arg.values):
                            if isinstance(k, ast.Constant) and k.value == "schema":
                                schema = literal(v)
            elif target and not target.startswith("__"):
                column = _orm_column(target, getattr(item, "annotation", None), value)
                if column is not None:
                    columns.append(column)
        if not isinstance(name, str) or not columns:
            return
        table = f"{(schema if isinstance(schema, str) else self.default_schema).lower()}.{name.lower()}"
        if table in self.tables:
            return  # the .sql files said
        self.tables[table] = {c.name: c for c in columns}

    @classmethod
    def from_sql(cls, text: str, origin: str = "", default_schema: str = "public") -> "Catalog":
        catalog = cls(default_schema=default_schema)
        catalog.add_sql(text, origin)
        return catalog

    @classmethod
    def from_tree(cls, folders: Iterable[Path], default_schema: str = "public",
                  skip: Sequence[str] = (".git", "node_modules", ".venv", "venv", "__pycache__")) -> "Catalog":
        """Every ``.sql`` file under ``folders``, in path order (a later ALTER sees an earlier CREATE),
        then the ORM models of its ``.py`` files for the tables those do not create."""
        catalog = cls(default_schema=default_schema)
        files, models = set(), set()
        for folder in folders:
            for dirpath, dirnames, filenames in os.walk(folder):
                dirnames[:] = [d for d in dirnames if d not in skip]
                files.update(Path(dirpath, f).resolve() for f in filenames if f.endswith(".sql"))
                models.update(Path(dirpath, f).resolve() for f in filenames if f.endswith(".py"))
        for path in sorted(files):
            try:
                catalog.add_sql(path.read_text(encoding="utf-8", errors="replace"), str(path))
            except OSError:
                continue
        for path in sorted(models):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "__tablename__" in text:
                catalog.add_orm(text)
        return catalog


# Python annotation / SQLAlchemy type -> the DType name the table above maps
_ORM_TYPES = {
    "int": "BIGINT", "Integer": "INT", "BigInteger": "BIGINT", "SmallInteger": "SMALLINT",
    "Decimal": "DECIMAL", "Numeric": "DECIMAL", "float": "DOUBLE", "Float": "DOUBLE",
    "str": "VARCHAR", "String": "VARCHAR", "Text": "TEXT", "Unicode": "VARCHAR",
    "bool": "BOOLEAN", "Boolean": "BOOLEAN", "datetime": "TIMESTAMPTZ", "DateTime": "TIMESTAMPTZ",
    "date": "DATE", "Date": "DATE", "UUID": "UUID", "Uuid": "UUID", "JSONB": "JSONB", "JSON": "JSON",
}


def _orm_column(attribute: str, annotation, value) -> Optional[Column]:
    """A mapped column from ``x: Mapped[T] = mapped_column(...)`` or ``x = Column(Type, ...)``."""
    import ast

    call = value if isinstance(value, ast.Call) else None
    func = call.func.id if call is not None and isinstance(call.func, ast.Name) else (
        call.func.attr if call is not None and isinstance(call.func, ast.Attribute) else "")
    mapped = isinstance(annotation, ast.Subscript) and getattr(annotation.value, "id", getattr(
        annotation.value, "attr", "")) == "Mapped"
    if not mapped and func not in ("Column", "mapped_column"):
        return None
    name, kind, nullable = attribute, None, None
    if call is not None and func in ("Column", "mapped_column"):
        args = list(call.args)
        if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            name = args.pop(0).value
        if args:
            type_node = args[0].func if isinstance(args[0], ast.Call) else args[0]
            type_name = type_node.id if isinstance(type_node, ast.Name) else getattr(type_node, "attr", "")
            kind = _ORM_TYPES.get(type_name)
        for keyword in call.keywords:
            if keyword.arg == "nullable" and isinstance(keyword.value, ast.Constant):
                nullable = bool(keyword.value.value)
            if keyword.arg == "primary_key" and isinstance(keyword.value, ast.Constant) and keyword.value.value:
                nullable = False if nullable is None else nullable
    if mapped:
        inner = annotation.slice
        optional = False
        if isinstance(inner, ast.Subscript) and getattr(inner.value, "id", "") == "Optional":
            inner, optional = inner.slice, True
        elif isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr):
            optional = any(isinstance(s, ast.Constant) and s.value is None for s in (inner.left, inner.right))
            inner = inner.left if not (isinstance(inner.left, ast.Constant) and inner.left.value is None) \
                else inner.right
        py = inner.id if isinstance(inner, ast.Name) else getattr(inner, "attr", "")
        kind = kind or _ORM_TYPES.get(py)
        if nullable is None:
            nullable = optional
    return Column(name.lower(), kind or "?", kind, bool(nullable) if nullable is not None else True)
