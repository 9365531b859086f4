"""A module's own helpers that name a table (issue 21, cause 8).

``def table(name): return meta.tables[name]`` and then ``table("package")`` at a
dozen call sites: each call maps the table its argument names, as
``Table("package", meta, autoload_with=...)`` would. A helper is a module-level
function whose one ``return`` gives a reflected table built from one of its
parameters: ``X.tables[param]``, ``X.tables.get(param)``, ``Table(param, ...)``
or ``table(param, ...)``.

>>> import ast
>>> table_helpers(ast.parse("def t(name):\\n    '''doc'''\\n    return meta.tables[name]\\n"))
{'t': (0, None, None)}
>>> table_helpers(ast.parse("def t(n, schema=None):\\n    return Table(n, meta, schema=schema)\\n"))
{'t': (0, 1, 'schema')}
"""

from __future__ import annotations

import ast
from typing import Dict, Optional, Tuple

TABLE_CALLS = frozenset({"Table", "table"})


Helper = Tuple[int, Optional[int], Optional[str]]  # (name parameter, schema parameter: index, name)


def table_helpers(tree: ast.AST) -> Dict[str, Helper]:
    """``{function name: (index of the parameter naming the table, index and name of the one
    naming its schema, if any)}`` for the module's helpers."""
    found: Dict[str, Helper] = {}
    for node in getattr(tree, "body", []):
        if not isinstance(node, ast.FunctionDef):
            continue
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
            continue
        params = [a.arg for a in node.args.posonlyargs + node.args.args]
        named = _named_parameter(body[0].value)
        if named in params:
            schema = _schema_parameter(body[0].value)
            found[node.name] = (params.index(named), params.index(schema) if schema in params else None, schema)
    return found


def _schema_parameter(value: ast.expr) -> Optional[str]:
    """``Table(name, meta, schema=schema)``: the parameter passed as ``schema=``."""
    if isinstance(value, ast.Call):
        for keyword in value.keywords:
            if keyword.arg == "schema" and isinstance(keyword.value, ast.Name):
                return keyword.value.id
    return None


def _named_parameter(value: ast.expr) -> Optional[str]:
    """The parameter a returned expression takes the table name from, if it is one of the shapes."""
    if isinstance(value, ast.Subscript) and _is_tables(value.value):
        key = value.slice
    elif (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get"
          and _is_tables(value.func.value) and value.args):
        key = value.args[0]
    elif isinstance(value, ast.Call) and _callee(value.func) in TABLE_CALLS and value.args:
        key = value.args[0]
    else:
        return None
    return key.id if isinstance(key, ast.Name) else None


def _is_tables(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Attribute) and expr.attr == "tables"


def _callee(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
