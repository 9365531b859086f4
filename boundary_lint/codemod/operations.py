"""One HTTP operation per client method of the contract: verb, path, typed parameters,
response and the statement it replaces. The OpenAPI document, the generated client
methods and the owner's handlers are all made from these, so they cannot disagree.

REST path scheme (``T`` is the table's name; ``/{schema}/T`` outside the default
schema):

=========================  =========  ===========================
derived method             verb       path
=========================  =========  ===========================
``get_T``                  GET        ``/T/first``
``get_T_c``                GET        ``/T/first/c``
``list_T``                 GET        ``/T``
``list_T_c``               GET        ``/T/values/c``
``create_T``               POST       ``/T``
``create_T_returning_c``   POST       ``/T/returning/c``
``upsert_T``               PUT        ``/T``
``upsert_T_returning_c``   PUT        ``/T/returning/c``
``update_T``               PATCH      ``/T``
``delete_T``               DELETE     ``/T``
=========================  =========  ===========================

An explicit rewrite uses its registry ``endpoint`` (``"GET /strategies/{strategy_id}"``;
``{name}`` is a placeholder of its SQL, sent in the path), else ``/rpc/<method>`` with
GET for a SELECT and POST for a write. GET and DELETE send the other values as query
parameters, POST/PUT/PATCH as a JSON object body.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from boundary_lint import registry as registry_module
from boundary_lint.codemod import shapes
from boundary_lint.codemod.columns import Catalog, Column
from boundary_lint.codemod.contract import Method, ServiceContract, missing_row

VERBS = ("get", "list", "create", "upsert", "update", "delete")
_HTTP = {"get": "GET", "list": "GET", "create": "POST", "upsert": "PUT", "update": "PATCH", "delete": "DELETE"}
_SUFFIXES = ("_is_null", "_ilike", "_like", "_lte", "_gte", "_ne", "_lt", "_gt", "_in")
_ENDPOINT = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)\s+(/\S*)$")
ROW_SHAPES = (shapes.ROW, shapes.ROW_OR_NULL, shapes.UNIQUE_ROW_OR_NULL)
VALUE_SHAPES = (shapes.VALUE, shapes.VALUE_OR_NULL, shapes.UNIQUE_VALUE_OR_NULL)


@dataclass
class Param:
    name: str
    where: str  # path, query, body
    role: str  # value, list, bool, fields, order_by, int, object, columns
    column: Optional[Column] = None
    required: bool = True
    note: str = ""  # why the type is unknown, if it is

    def schema(self) -> dict:
        if self.role in ("fields", "order_by", "columns"):
            return {"type": "array", "items": {"type": "string"}}
        if self.role == "int":
            return {"type": "integer"}
        if self.role == "bool":
            return {"type": "boolean"}
        if self.role == "object":
            return {"type": "object", "description": "column (condition) -> value, as docs/fix.md says"}
        value = self.column.schema() if self.column is not None else {"description": f"type unknown{self.note}"}
        if self.role == "list":
            return {"type": "array", "items": value}
        return value

    @property
    def python(self) -> str:
        if self.role in ("fields", "order_by", "columns"):
            return "List[str]"
        if self.role in ("int", "bool"):
            return self.role
        if self.role == "object":
            return "Dict[str, Any]"
        base = self.column.python if self.column is not None and self.column.known else "Any"
        if self.column is not None and self.column.nullable and base != "Any":
            base = f"Optional[{base}]"
        return f"List[{base}]" if self.role == "list" else base

    @property
    def known(self) -> bool:
        return self.role not in ("value", "list") or (self.column is not None and self.column.known)


@dataclass
class Operation:
    service: str
    method: Method
    http: str
    path: str
    params: List[Param]
    shape: str
    missing: Optional[str]
    fields: List[Tuple[str, Optional[Column]]]  # the row's keys (or the value column) with their columns
    derived_verb: str = ""  # get/list/create/... for a derived method
    value_column: str = ""
    positional: bool = False  # explicit: called positionally, in the template's order
    row_key: str = ""  # explicit ``method(...)['key']``: the method answers a row holding key
    sql: str = ""  # the statement an explicit operation runs
    problem: str = ""  # why no client method or handler can be made for it
    unknown: List[str] = field(default_factory=list)  # "field x: type unknown (...)"

    @property
    def name(self) -> str:
        return self.method.name

    @property
    def returns_row(self) -> bool:
        return self.shape in ROW_SHAPES or bool(self.row_key)

    @property
    def writes(self) -> bool:
        return self.method.verb in ("insert", "upsert", "update", "delete")


def table_path(table: str) -> str:
    schema, _, name = table.rpartition(".")
    return f"/{name}" if schema in ("", "public") else f"/{schema}/{name}"


def parse_derived_name(name: str, table: str) -> Tuple[str, str]:
    """(verb, value or RETURNING column, "" when none): ``("get", "total_pnl")`` for
    ``get_strategy_total_pnl`` on ``public.strategy``."""
    short = table.split(".")[-1]
    for verb in VERBS:
        stem = f"{verb}_{short}"
        if name == stem:
            return verb, ""
        if name.startswith(stem + "_"):
            rest = name[len(stem) + 1:]
            if verb in ("create", "upsert") and rest.startswith("returning_"):
                return verb, rest[len("returning_"):]
            return verb, rest
    return "", ""


def endpoints(registry) -> Dict[Tuple[str, str], str]:
    """(service, method) -> the registry's ``endpoint`` for an explicit rewrite."""
    out = {}
    for service, body in registry.services.items():
        for number, entry in enumerate(body.rewrites):
            if "endpoint" not in entry:
                continue
            where = f"services.{service}.rewrites[{number}].endpoint"
            text = str(entry["endpoint"]).strip()
            if not _ENDPOINT.match(text):
                raise registry_module.ConfigError(f"{where} must be 'VERB /path' (GET, POST, PUT, PATCH or "
                                                  f"DELETE), not {text!r}")
            tree = ast.parse(str(entry["call"]).strip(), mode="eval").body
            from boundary_lint.codemod.rewrites import method_call

            call = method_call(tree)
            if call is not None:
                out[(service, call.func.id)] = text
    return out


def operations(contract: ServiceContract, catalog: Catalog, endpoints: Dict[Tuple[str, str], str]) -> List[Operation]:
    out = []
    for name, method in sorted(contract.methods.items()):
        if method.explicit:
            out.append(_explicit(contract.service, method, catalog, endpoints.get((contract.service, name))))
        else:
            out.append(_derived(contract.service, method, catalog))
    return out


def _shape(method: Method) -> str:
    return method.returns[0] if len(method.returns) == 1 else ""


def _derived(service: str, method: Method, catalog: Catalog) -> Operation:
    verb, column = parse_derived_name(method.name, method.table)
    shape = _shape(method)
    op = Operation(service, method, _HTTP.get(verb, "POST"), table_path(method.table), [], shape,
                   missing_row(method.returns), [], verb, column)
    if not verb:
        op.problem = f"{method.name} is not a conventional name for {method.table}"
        return op
    if not shape:
        op.problem = f"{method.name} is read as {' and '.join(method.returns)} at different call sites"
    op.path += {"get": "/first" + (f"/{column}" if column else ""), "list": f"/values/{column}" if column else "",
                "create": f"/returning/{column}" if column else "",
                "upsert": f"/returning/{column}" if column else ""}.get(verb, "")
    where = "query" if op.http in ("GET", "DELETE") else "body"
    optional = method.optional_parameters()
    for parameter in method.all_parameters():
        required = parameter not in optional
        if parameter in ("fields", "on_conflict", "update"):
            op.params.append(Param(parameter, where, "fields" if parameter == "fields" else "columns",
                                   required=required))
        elif parameter == "order_by":
            op.params.append(Param(parameter, where, "order_by", required=required))
        elif parameter in ("limit", "offset"):
            op.params.append(Param(parameter, where, "int", required=required))
        elif parameter in ("where", "values") and verb == "update":
            op.params.append(Param(parameter, where, "object", required=required))
        else:
            base, suffix = parameter, ""
            for s in _SUFFIXES:
                if parameter.endswith(s) and catalog.column(method.table, parameter[:-len(s)]) is not None:
                    base, suffix = parameter[:-len(s)], s
                    break
            role = "bool" if suffix == "_is_null" else "list" if suffix == "_in" else "value"
            col = catalog.column(method.table, base)
            p = Param(parameter, where, role, col, required,
                      "" if col is not None else f" (no column {base} of {method.table} in the tree's .sql files)")
            if col is not None and suffix in ("_like", "_ilike"):
                p.column = Column(col.name, col.sql_type, col.kind, False)
            op.params.append(p)
    names = list(method.fields) if method.fields is not None else [c.name for c in catalog.columns(method.table)]
    if verb in ("get", "list", "create", "upsert") and column:
        names = [column]
    op.fields = [(n, catalog.column(method.table, n)) for n in names]
    if method.fields is None and not names and verb in ("get", "list"):
        op.unknown.append(f"{method.name}: columns of {method.table} unknown (SELECT * on a table no .sql "
                          "file of the tree creates)")
    _note_unknown(op, method.table)
    return op


def _explicit(service: str, method: Method, catalog: Catalog, endpoint: Optional[str]) -> Operation:
    sql = method.rewrite["sql"] if method.rewrite else ""
    call_text = method.rewrite["call"] if method.rewrite else ""
    shape = _shape(method)
    http = {"select": "GET", "insert": "POST", "update": "PATCH", "delete": "DELETE"}.get(method.verb, "POST")
    path = f"/rpc/{method.name}"
    if endpoint:
        http, path = endpoint.split(None, 1)
    op = Operation(service, method, http, path, [], shape, missing_row(method.returns), [], sql=sql,
                   positional=True)
    tree = ast.parse(call_text.strip(), mode="eval").body if call_text else None
    if isinstance(tree, ast.Subscript) and isinstance(tree.value, ast.Call) and \
            isinstance(tree.slice, ast.Constant) and isinstance(tree.slice.value, str):
        op.row_key, tree = tree.slice.value, tree.value
    if not isinstance(tree, ast.Call) or not isinstance(tree.func, ast.Name):
        op.problem = f"the call template {call_text!r} reads the answer in a way no generated method can give"
        return op
    if not shape and not op.row_key:
        op.problem = f"{method.name} is read as {' and '.join(method.returns)} at different call sites"
    arguments: List[str] = []
    for arg in tree.args:
        if not isinstance(arg, ast.Name):
            op.problem = (f"the call template {call_text!r} passes {ast.unparse(arg)}: generated methods take "
                          "placeholders only (write this method by hand)")
            return op
        arguments.append(arg.id)
    if tree.keywords:
        op.problem = f"the call template {call_text!r} passes keywords: generated methods take placeholders only"
        return op
    placeholders = _placeholders(sql)
    missing = [p for p in placeholders if p not in arguments]
    if missing:
        op.problem = f"the call template {call_text!r} does not pass {', '.join(missing)}"
        return op
    in_path = set(re.findall(r"\{(\w+)\}", path))
    if in_path - set(arguments):
        op.problem = f"endpoint {endpoint!r} names {', '.join(sorted(in_path - set(arguments)))}, not a placeholder"
        return op
    columns = _placeholder_columns(sql, catalog)
    where = "query" if http in ("GET", "DELETE") else "body"
    for name in arguments:
        col = columns.get(name)
        op.params.append(Param(name, "path" if name in in_path else where, "value", col, True,
                               "" if col is not None else f" (:{name} is not compared with or stored in a column)"))
    fields = [op.row_key] if op.row_key else list(method.fields or ())
    sources = _projection_columns(sql, catalog)
    if method.fields is None and not op.row_key:
        fields = list(sources)
    op.fields = [(f, sources.get(f)) for f in fields]
    _note_unknown(op, method.table)
    return op


def _note_unknown(op: Operation, table: str) -> None:
    for p in op.params:
        if not p.known:
            op.unknown.append(f"{op.name}: parameter {p.name}: type unknown{p.note}")
    for name, col in op.fields:
        if col is None or not col.known:
            why = f" ({col.sql_type})" if col is not None else f" (no column {name} found for {table})"
            op.unknown.append(f"{op.name}: field {name}: type unknown{why}")


def _parse(sql: str):
    from boundary_lint.sql.refs import parse_statement

    return parse_statement(sql, "postgres")


def _placeholders(sql: str) -> List[str]:
    return list(dict.fromkeys(re.findall(r"(?<!:):([A-Za-z_]\w*)", sql)))


def _tables(tree) -> List[str]:
    from sqlglot import exp

    return [f"{t.db or 'public'}.{t.name}" for t in tree.find_all(exp.Table)]


def _find(catalog: Catalog, tables: Sequence[str], column: str) -> Optional[Column]:
    for table in tables:
        found = catalog.column(table, column)
        if found is not None:
            return found
    return None


def _placeholder_columns(sql: str, catalog: Catalog) -> Dict[str, Column]:
    """Placeholder -> the column it is compared with, assigned to or inserted into."""
    from sqlglot import exp

    tree = _parse(sql)
    if tree is None:
        return {}
    tables = _tables(tree)
    out: Dict[str, Column] = {}

    def name_of(node) -> Optional[str]:
        if isinstance(node, exp.Placeholder) and node.name:
            return node.name
        return None

    for node in tree.walk():
        if isinstance(node, (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Like, exp.ILike)):
            for a, b in ((node.this, node.expression), (node.expression, node.this)):
                placeholder = name_of(a)
                if placeholder and isinstance(b, exp.Column):
                    col = _find(catalog, tables, b.name)
                    if col is not None:
                        out.setdefault(placeholder, col)
    if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Schema):
        names = [c.name for c in tree.this.expressions]
        values = tree.expression
        rows = values.expressions if isinstance(values, exp.Values) else []
        for row in rows:
            for column, value in zip(names, row.expressions):
                placeholder = name_of(value)
                col = _find(catalog, tables, column)
                if placeholder and col is not None:
                    out.setdefault(placeholder, col)
    return out


def _projection_columns(sql: str, catalog: Catalog) -> Dict[str, Optional[Column]]:
    """Output name -> its column (None when computed), for a SELECT's projection or RETURNING."""
    from sqlglot import exp

    tree = _parse(sql)
    if tree is None:
        return {}
    tables = _tables(tree)
    items = tree.expressions if isinstance(tree, exp.Select) else []
    returning = tree.args.get("returning")
    if returning is not None:
        items = returning.expressions
    out: Dict[str, Optional[Column]] = {}
    for item in items:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
            for table in tables[:1]:
                out.update((c.name, c) for c in catalog.columns(table))
            continue
        source = item.this if isinstance(item, exp.Alias) else item
        out[item.alias_or_name] = _find(catalog, tables, source.name) if isinstance(source, exp.Column) else None
    return out
