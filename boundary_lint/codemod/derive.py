"""Conventional client methods for statements without an explicit rewrite (``docs/fix.md``).

The method's name says the verb, the table and the shape read (``get_<table>``
for a row, ``list_<table>`` for rows, ``get_<table>_<column>`` for a value,
``create_``/``upsert_``/``update_``/``delete_`` for writes); its keyword
arguments carry every condition and value of the statement, bound or
constant, and its projection, order, limit and offset, so the owning service
can run exactly the statement it replaces. Anything else -- a second table, a
computed column, ``NOW()`` -- is a refusal naming what to do instead.

>>> from boundary_lint.sql.refs import parse_statement
>>> d = derive(parse_statement("SELECT name FROM public.strategy WHERE strategy_id = :id AND is_default"), "",
...            shape="row or null")
>>> import ast; d.method, ast.unparse(d.call)
('get_strategy', "get_strategy(strategy_id=bl_key_0, is_default=True, fields=['name'])")
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from sqlglot import exp

from boundary_lint.codemod import reasons
from boundary_lint.codemod import shapes
from boundary_lint.model import HOLE_PREFIX
from boundary_lint.codemod.callsites import Key
from boundary_lint.codemod.rewrites import value_key

_SUFFIX = {exp.EQ: "", exp.NEQ: "_ne", exp.LT: "_lt", exp.LTE: "_lte", exp.GT: "_gt", exp.GTE: "_gte",
           exp.Like: "_like", exp.ILike: "_ilike"}
_FLIP = {exp.LT: exp.GT, exp.GT: exp.LT, exp.LTE: exp.GTE, exp.GTE: exp.LTE}
_POSITIONAL_SHOWN = re.compile(r"%\(bl_p\d+\)s|:bl_p\d+")
_SELECT_CLAUSES = (("group", "GROUP BY"), ("having", "HAVING"), ("qualify", "QUALIFY"),
                   ("windows", "WINDOW"), ("distinct", "DISTINCT"), ("into", "SELECT INTO"),
                   ("locks", "FOR UPDATE/FOR SHARE (a row lock)"))
RESERVED = frozenset({"fields", "order_by", "limit", "offset", "on_conflict", "update", "where", "values"})
"""Keyword arguments the convention uses itself: a column named so is refused."""


@dataclass(frozen=True)
class Derived:
    method: str
    call: ast.expr  # the call, bound values as ``bl_key_N`` names
    names: Tuple[Tuple[str, Key], ...]  # bl_key_N -> the bound value
    verb: str  # select, insert, upsert, update, delete
    table: str  # schema.table as written (schema resolved by the caller)
    fields: Optional[Tuple[str, ...]]  # the projection or RETURNING names; None for *
    shape: str

    @property
    def parameters(self) -> Tuple[str, ...]:
        call = self.call
        return tuple(k.arg for k in call.keywords) if isinstance(call, ast.Call) else ()


class _Values:
    """Turns statement values into call arguments: a bound value becomes a ``bl_key_N``
    name (one per distinct value), a literal its Python constant."""

    def __init__(self, sql: str, dialect: str) -> None:
        self.sql, self.dialect = sql, dialect
        self.names: List[Tuple[str, Key]] = []

    def __call__(self, node: exp.Expression) -> ast.expr:
        key = value_key(node)
        inner = node
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if key is not None and isinstance(inner, exp.Cast):
            # ``:day::date`` truncates, ``:n::int`` rounds: the value passed would not be the one compared
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="a cast of a bound value"))
        if key is not None:
            for name, known in self.names:
                if known == key:
                    return ast.Name(name, ast.Load())
            name = f"bl_key_{len(self.names)}"
            self.names.append((name, key))
            return ast.Name(name, ast.Load())
        inner = node
        while isinstance(inner, exp.Paren):
            inner = inner.this
        negative = isinstance(inner, exp.Neg)
        if negative:
            inner = inner.this
        if isinstance(inner, exp.Boolean):
            return ast.Constant(bool(inner.this))
        if isinstance(inner, exp.Null):
            return ast.Constant(None)
        if isinstance(inner, exp.Literal):
            if inner.is_string and HOLE_PREFIX in inner.this:  # '{name}' in an f-string: text, not a value
                raise reasons.Refused(reasons.RUNTIME_FRAGMENT, _show(node, self.sql, self.dialect))
            if inner.is_string:
                return ast.Constant(inner.this)
            if re.fullmatch(r"\d+", inner.this):
                return ast.Constant(-int(inner.this) if negative else int(inner.this))
            raise reasons.Refused(reasons.NOT_PASSABLE.format(expr=_show(node, self.sql, self.dialect)),
                                  "a decimal literal")
        raise reasons.Refused(reasons.NOT_BOUND.format(expr=_show(_offender(node), self.sql, self.dialect)))


def derive(tree: exp.Expression, sql: str, dialect: str = "postgres", shape: Optional[str] = None) -> Derived:
    """The conventional method for one statement read as ``shape`` (by default: rows for a
    SELECT, nothing for a write), or :class:`reasons.Refused`."""
    if shape is None:
        shape = shapes.ROWS if isinstance(tree, exp.Select) else shapes.NOTHING
    if not isinstance(tree, (exp.Select, exp.Insert, exp.Update, exp.Delete)):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=f"a {tree.key.upper()} statement"))
    if tree.find(exp.With, exp.CTE):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a WITH clause"))
    if isinstance(tree, exp.SetOperation):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a UNION"))
    if isinstance(tree, exp.Insert) and not isinstance(tree.expression, exp.Values):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="INSERT ... SELECT"))
    if tree.find(exp.Subquery) or (tree.find(exp.Select) and not isinstance(tree, exp.Select)):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a subquery"))
    tables = sorted({".".join(p.name for p in t.parts) for t in tree.find_all(exp.Table)})
    if len(tables) != 1:
        raise reasons.Refused(reasons.SEVERAL_TABLES, ", ".join(tables))
    if tree.find(exp.Join):
        raise reasons.Refused(reasons.SEVERAL_TABLES, "a JOIN")
    table = next(tree.find_all(exp.Table))
    values = _Values(sql, dialect)
    if isinstance(tree, exp.Select):
        verb, name, keywords, fields = _select(tree, values, shape, _identifier(table.this))
    elif isinstance(tree, exp.Insert):
        verb, name, keywords, fields = _insert(tree, values, shape, _identifier(table.this))
    elif isinstance(tree, (exp.Update, exp.Delete)):
        verb, name, keywords, fields = _change(tree, values, shape, _identifier(table.this))
    else:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=f"a {tree.key.upper()} statement"))
    words = [k for k, _ in keywords]
    if len(set(words)) != len(words):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="two conditions on one column"))
    call = ast.Call(ast.Name(name, ast.Load()), [], [ast.keyword(k, v) for k, v in keywords])
    written = ".".join(p.name for p in table.parts)
    return Derived(name, call, tuple(values.names), verb, written, fields, shape)


# -- SELECT ----------------------------------------------------------------------------


def _select(tree: exp.Select, values: _Values, shape: str, table: str):
    for arg, words in _SELECT_CLAUSES:
        if tree.args.get(arg):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what=words))
    fields = _projection(tree.expressions, values)
    keywords = _conditions(tree, values)
    order = tree.args.get("order")
    ordering = [_ordering(o, values) for o in order.expressions] if order is not None else []
    if shape in (shapes.ROW, shapes.VALUE, shapes.UNIQUE_ROW_OR_NULL, shapes.UNIQUE_VALUE_OR_NULL):
        raise reasons.Refused(reasons.RAISING_READ)
    if shape in shapes.VALUE_SHAPES or shape == shapes.VALUES:
        if fields is None or len(fields) != 1:
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="a value read from several columns"))
        name = f"{'get' if shape == shapes.VALUE_OR_NULL else 'list'}_{table}_{fields[0]}"
    elif shape == shapes.ROW_OR_NULL:
        name = f"get_{table}"
    else:  # rows, or nothing read (refused once the call's values are bound)
        name = f"list_{table}"
    if fields is not None and shape in (shapes.ROW_OR_NULL, shapes.ROWS):
        keywords.append(("fields", ast.List([ast.Constant(f) for f in fields], ast.Load())))
    if ordering:
        keywords.append(("order_by", ast.List([ast.Constant(o) for o in ordering], ast.Load())))
    first_only = shape in (shapes.ROW_OR_NULL, shapes.VALUE_OR_NULL)
    for arg in ("limit", "offset"):
        clause = tree.args.get(arg)
        if clause is None:
            continue
        value = clause.expression if clause.expression is not None else clause.this
        argument = values(value)
        if arg == "limit" and first_only:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, int) and argument.value >= 1:
                continue  # the first row of at least one is the first row
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="a LIMIT that may be 0 on a one-row read"))
        keywords.append((arg, argument))
    return "select", name, keywords, fields


def _projection(expressions: List[exp.Expression], values: _Values) -> Optional[Tuple[str, ...]]:
    """The projected column names, None for ``*``."""
    if len(expressions) == 1 and isinstance(expressions[0], exp.Star):
        return None
    names = []
    for projection in expressions:
        plain = projection.this if isinstance(projection, exp.Alias) else projection
        if isinstance(plain, exp.Star) or (isinstance(plain, exp.Column) and isinstance(plain.this, exp.Star)):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="* beside other columns"))
        if not isinstance(plain, exp.Column) or value_key(plain) is not None:
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="a computed column"),
                                  _show(plain, values.sql, values.dialect))
        column = _identifier(plain.this)
        if isinstance(projection, exp.Alias) and _identifier(projection.args["alias"]) != column:
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="a renamed column"),
                                  _show(projection, values.sql, values.dialect))
        names.append(column)
    if len(set(names)) != len(names):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a column projected twice"))
    return tuple(names)


def _ordering(ordered: exp.Expression, values: _Values) -> str:
    column = ordered.this
    if not isinstance(column, exp.Column) or value_key(column) is not None:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="ORDER BY an expression"),
                              _show(ordered, values.sql, values.dialect))
    if re.search(r"\bnulls\s+(first|last)\b", values.sql, re.I):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="NULLS FIRST/LAST"))
    return ("-" if ordered.args.get("desc") else "") + _identifier(column.this)


# -- INSERT ----------------------------------------------------------------------------


def _insert(tree: exp.Insert, values: _Values, shape: str, table: str):
    target = tree.this
    rows = tree.expression
    if not isinstance(target, exp.Schema):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="an INSERT without a column list"))
    if not isinstance(rows, exp.Values) or len(rows.expressions) != 1:
        what = "several rows" if isinstance(rows, exp.Values) else "INSERT ... SELECT"
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=what))
    keywords = []
    for column, value in zip(target.expressions, rows.expressions[0].expressions):
        name = _identifier(column)
        keywords.append((_keyword(name), values(value)))
    conflict = tree.args.get("conflict")
    verb = "create"
    if conflict is not None:
        verb = "upsert"
        keywords += _conflict(conflict, values)
    fields = _returning(tree, values, shape)
    if fields:
        return "insert" if verb == "create" else "upsert", f"{verb}_{table}_returning_{fields[0]}", keywords, fields
    return "insert" if verb == "create" else "upsert", f"{verb}_{table}", keywords, None


def _conflict(conflict: exp.Expression, values: _Values) -> List[Tuple[str, ast.expr]]:
    columns = conflict.args.get("conflict_keys") or []
    if conflict.args.get("constraint") is not None or not columns:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="ON CONFLICT without a column list"))
    if conflict.args.get("where") is not None:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="ON CONFLICT ... WHERE"))
    updated = []
    for assignment in conflict.expressions or ():
        right = assignment.expression
        left = assignment.this
        if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)
                and right.table.lower() == "excluded" and right.name.lower() == left.name.lower()):
            what = "an ON CONFLICT update other than col = EXCLUDED.col"
            raise reasons.Refused(reasons.NOT_DERIVED.format(what=what), _show(assignment, values.sql, values.dialect))
        updated.append(_identifier(left.this))
    keys = [_identifier(c.this if isinstance(c, exp.Column) else c) for c in columns]
    return [("on_conflict", ast.List([ast.Constant(k) for k in keys], ast.Load())),
            ("update", ast.List([ast.Constant(u) for u in updated], ast.Load()))]


def _returning(tree: exp.Expression, values: _Values, shape: str) -> Optional[Tuple[str, ...]]:
    """The one RETURNING column a value read takes; None when the answer is a count."""
    returning = tree.args.get("returning")
    if shape in (shapes.NOTHING, shapes.COUNT):
        return None
    if returning is None:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=f"a {shape} read from a write without RETURNING"))
    if shape != shapes.VALUE_OR_NULL or len(returning.expressions) != 1:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=f"RETURNING read as {shape}"))
    column = returning.expressions[0]
    column = column.this if isinstance(column, exp.Alias) else column
    if not isinstance(column, exp.Column):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="RETURNING an expression"))
    return (_identifier(column.this),)


# -- UPDATE / DELETE -------------------------------------------------------------------


def _change(tree: exp.Expression, values: _Values, shape: str, table: str):
    if tree.args.get("from") or tree.args.get("from_") or tree.args.get("using"):  # sqlglot 30: from_
        raise reasons.Refused(reasons.SEVERAL_TABLES, "FROM/USING")
    if tree.args.get("returning") is not None and shape not in (shapes.NOTHING, shapes.COUNT):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=f"RETURNING read as {shape}"))
    if shape not in (shapes.NOTHING, shapes.COUNT):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=f"a {shape} read from a write without RETURNING"))
    conditions = _conditions(tree, values, as_keywords=False)
    names = [k for k, _ in conditions]
    if len(set(names)) != len(names):  # one key of the where dict each: a second would replace the first
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="two conditions on one column"))
    if isinstance(tree, exp.Delete):
        return "delete", f"delete_{table}", [(_keyword(k), v) for k, v in conditions], None
    assignments = []
    for assignment in tree.expressions:
        if not isinstance(assignment, exp.EQ) or not isinstance(assignment.this, exp.Column):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="this SET clause"),
                                  _show(assignment, values.sql, values.dialect))
        assignments.append((_identifier(assignment.this.this), values(assignment.expression)))
    where = ast.Dict([ast.Constant(k) for k, _ in conditions], [v for _, v in conditions])
    changed = ast.Dict([ast.Constant(k) for k, _ in assignments], [v for _, v in assignments])
    return "update", f"update_{table}", [("where", where), ("values", changed)], None


# -- WHERE -----------------------------------------------------------------------------


def _conditions(tree: exp.Expression, values: _Values, as_keywords: bool = True) -> List[Tuple[str, ast.expr]]:
    """(argument name, value) per AND-ed condition of the WHERE clause, constants included."""
    where = tree.args.get("where")
    if where is None:
        return []
    out = []
    for condition in where.this.flatten() if isinstance(where.this, exp.And) else [where.this]:
        condition = condition.unnest()
        if isinstance(condition, exp.Or) or condition.find(exp.Or):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="OR conditions"))
        for name, value in _condition(condition, values):
            out.append((_keyword(name) if as_keywords else name, value))
    return out


def _column(node: exp.Expression, values: _Values) -> str:
    if not isinstance(node, exp.Column) or value_key(node) is not None:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a condition on a computed value"),
                              _show(node, values.sql, values.dialect))
    return _identifier(node.this)


def _condition(condition: exp.Expression, values: _Values) -> List[Tuple[str, ast.expr]]:
    if condition.args.get("negate") and not isinstance(condition, exp.Is):  # x NOT LIKE y, x NOT ILIKE y
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="this NOT condition"),
                              _show(condition, values.sql, values.dialect))
    if isinstance(condition, exp.Column) and value_key(condition) is None:
        return [(_column(condition, values), ast.Constant(True))]
    if isinstance(condition, exp.Not):
        inner = condition.this.unnest()
        if isinstance(inner, exp.Column):
            return [(_column(inner, values), ast.Constant(False))]
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            return [(_column(inner.this, values) + "_is_null", ast.Constant(False))]
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="this NOT condition"),
                              _show(condition, values.sql, values.dialect))
    if isinstance(condition, exp.Is):
        if isinstance(condition.expression, exp.Null):
            return [(_column(condition.this, values) + "_is_null", ast.Constant(not condition.args.get("negate")))]
        if isinstance(condition.expression, exp.Boolean):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="IS TRUE/FALSE (NULL is neither)"))
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="this IS condition"))
    if isinstance(condition, exp.In) and isinstance(condition.this, exp.Column):
        if condition.args.get("query") is not None or condition.args.get("unnest") is not None:
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="a subquery"))
        field = condition.args.get("field")
        if field is not None:  # col IN %s / IN :ids: one bound sequence, as col = ANY(x)
            if value_key(field) is None or condition.expressions:
                raise reasons.Refused(reasons.NOT_DERIVED.format(what="this IN condition"),
                                      _show(condition, values.sql, values.dialect))
            return [(_column(condition.this, values) + "_in", values(field))]
        if not condition.expressions:
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="this IN condition"),
                                  _show(condition, values.sql, values.dialect))
        for item in condition.expressions:
            if (value_key(item) or ("",))[0] == "hole":  # IN ({ids}): the text may be a list of values
                raise reasons.Refused(reasons.RUNTIME_FRAGMENT, _show(condition, values.sql, values.dialect))
        items = ast.List([values(v) for v in condition.expressions], ast.Load())
        return [(_column(condition.this, values) + "_in", items)]
    if isinstance(condition, exp.Between):
        if condition.args.get("symmetric"):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="BETWEEN SYMMETRIC"))
        name = _column(condition.this, values)
        return [(name + "_gte", values(condition.args["low"])), (name + "_lte", values(condition.args["high"]))]
    kind = type(condition)
    if kind not in _SUFFIX:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="this condition"),
                              _show(condition, values.sql, values.dialect))
    left, right = condition.this, condition.expression
    if not isinstance(left, exp.Column) and isinstance(right, exp.Column) and value_key(right) is None:
        if kind in (exp.Like, exp.ILike):  # the column is the pattern: not col_like=value
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="a column as the pattern of LIKE"),
                                  _show(condition, values.sql, values.dialect))
        left, right, kind = right, left, _FLIP.get(kind, kind)
    name = _column(left, values)
    if isinstance(right, exp.Any) and kind is exp.EQ:
        return [(name + "_in", values(right.this))]
    return [(name + _SUFFIX[kind], values(right))]


# -- helpers ---------------------------------------------------------------------------


def _keyword(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise reasons.Refused(reasons.NOT_IDENTIFIER, name)
    if name in RESERVED:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=f"a column named {name}"))
    return name


def _offender(node: exp.Expression) -> exp.Expression:
    """The function call that makes a value expression unbound (``NOW()`` in
    ``NOW() + make_interval(...)``), else the expression itself."""
    for part in node.walk(bfs=False):
        if isinstance(part, exp.Func) and not isinstance(part, exp.Cast) and value_key(part) is None:
            return part
    return node


def _identifier(node: exp.Expression) -> str:
    name = node.name if isinstance(node, exp.Identifier) and node.quoted else node.name.lower()
    if not name.isidentifier() or keyword.iskeyword(name):
        raise reasons.Refused(reasons.NOT_IDENTIFIER, name)
    return name


def _show(node: exp.Expression, sql: str, dialect: str) -> str:
    """How the expression is written: sqlglot reads NOW() as CURRENT_TIMESTAMP."""
    if isinstance(node, exp.CurrentTimestamp) and re.search(r"\bnow\s*\(\s*\)", sql, re.I):
        return "NOW()"
    text = _POSITIONAL_SHOWN.sub("%s", node.sql(dialect=dialect))
    return text if len(text) <= 40 else text[:37] + "..."
