"""Conventional client methods for statements without an explicit rewrite.

``get_<table>`` (a SELECT whose bound conditions are all equalities),
``list_<table>`` (any other SELECT), ``create_<table>`` (INSERT),
``upsert_<table>`` (INSERT ... ON CONFLICT), ``update_<table>`` (UPDATE),
``delete_<table>`` (DELETE); keyword arguments are named after the columns
bound to parameters (``metric_date_lt`` for ``metric_date < :d``,
``id_in`` for ``id IN (:ids)`` or ``id = ANY(:ids)``). Literal values are part
of what the method does, not arguments. Anything else -- a second table, a
computed column, ``NOW()`` -- is a refusal naming what to do instead.

>>> from boundary_lint.sql_refs import parse_statement
>>> d = derive(parse_statement("SELECT * FROM public.strategy WHERE strategy_id = :id AND is_default"), "")
>>> d.method, d.arguments
('get_strategy', (('strategy_id', ('name', 'id')),))
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from sqlglot import exp

from . import reasons
from .callsites import Key
from .rewrites import value_key

_SUFFIX = {exp.EQ: "", exp.NEQ: "_ne", exp.LT: "_lt", exp.LTE: "_lte", exp.GT: "_gt", exp.GTE: "_gte",
           exp.Like: "_like", exp.ILike: "_ilike"}
_FLIP = {exp.LT: exp.GT, exp.GT: exp.LT, exp.LTE: exp.GTE, exp.GTE: exp.LTE}
_LITERALS = (exp.Literal, exp.Boolean, exp.Null)
_POSITIONAL_SHOWN = re.compile(r"%\(bl_p\d+\)s|:bl_p\d+")
_SELECT_CLAUSES = (("group", "GROUP BY"), ("having", "HAVING"), ("qualify", "QUALIFY"),
                   ("windows", "WINDOW"), ("distinct", "DISTINCT"), ("into", "SELECT INTO"))


@dataclass(frozen=True)
class Derived:
    method: str
    arguments: Tuple[Tuple[str, Key], ...]  # (keyword, bound value), in statement order


def derive(tree: exp.Expression, sql: str, dialect: str = "postgres") -> Derived:
    """The conventional method for one statement, or :class:`reasons.Refused`."""
    if tree.find(exp.With, exp.CTE):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a WITH clause"))
    if isinstance(tree, exp.Select):
        verb, arguments = _select(tree, sql, dialect)
    elif isinstance(tree, exp.Insert):
        verb, arguments = _insert(tree, sql, dialect)
    elif isinstance(tree, exp.Update):
        verb, arguments = "update", _assignments(tree.expressions, sql, dialect)
        matched = _conditions(tree, sql, dialect)
        clash = {k for k, _ in arguments} & {k for k, _ in matched}
        if clash:
            raise reasons.Refused(reasons.SET_AND_MATCHED, ", ".join(sorted(clash)))
        arguments += matched
    elif isinstance(tree, exp.Delete):
        verb, arguments = "delete", _conditions(tree, sql, dialect)
    else:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=f"a {tree.key.upper()} statement"))
    if tree.find(exp.Subquery) or (tree.find(exp.Select) and not isinstance(tree, exp.Select)):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a subquery"))
    tables = sorted({".".join(p.name for p in t.parts) for t in tree.find_all(exp.Table)})
    if len(tables) != 1:
        raise reasons.Refused(reasons.SEVERAL_TABLES, ", ".join(tables))
    table = next(tree.find_all(exp.Table))
    names = [k for k, _ in arguments]
    if len(set(names)) != len(names):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="two conditions on one column"))
    return Derived(f"{verb}_{_identifier(table.this)}", tuple(arguments))


def _select(tree: exp.Select, sql: str, dialect: str) -> Tuple[str, List[Tuple[str, Key]]]:
    if isinstance(tree, exp.SetOperation):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a UNION"))
    for arg, words in _SELECT_CLAUSES:
        if tree.args.get(arg):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what=words))
    for projection in tree.expressions:
        plain = projection.this if isinstance(projection, exp.Alias) else projection
        if not isinstance(plain, (exp.Column, exp.Star)) or value_key(plain) is not None:
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="a computed column"), _show(plain, sql, dialect))
    conditions = _conditions(tree, sql, dialect, with_equality=True)
    arguments = [(name, key) for name, key, _ in conditions]
    for arg in ("limit", "offset"):
        clause = tree.args.get(arg)
        value = clause.expression if clause is not None else None
        key = _value(value, sql, dialect) if value is not None else None
        if key is not None:
            arguments.append((arg, key))
    equal = bool(conditions) and all(equality for _, _, equality in conditions)
    return ("get" if equal else "list"), arguments


def _insert(tree: exp.Insert, sql: str, dialect: str) -> Tuple[str, List[Tuple[str, Key]]]:
    target = tree.this
    values = tree.expression
    if not isinstance(target, exp.Schema):
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="an INSERT without a column list"))
    if not isinstance(values, exp.Values) or len(values.expressions) != 1:
        what = "several rows" if isinstance(values, exp.Values) else "INSERT ... SELECT"
        raise reasons.Refused(reasons.NOT_DERIVED.format(what=what))
    arguments = []
    for column, value in zip(target.expressions, values.expressions[0].expressions):
        key = _value(value, sql, dialect)
        if key is not None:
            arguments.append((_identifier(column), key))
    conflict = tree.args.get("conflict")
    if conflict is not None:
        for assignment in conflict.expressions or ():
            right = assignment.expression
            if not (isinstance(right, exp.Column) and right.table.lower() == "excluded"):
                if _value(right, sql, dialect) is not None:
                    raise reasons.Refused(reasons.NOT_DERIVED.format(what="a value bound in ON CONFLICT"))
    return ("upsert" if conflict is not None else "create"), arguments


def _assignments(assignments: List[exp.Expression], sql: str, dialect: str) -> List[Tuple[str, Key]]:
    out = []
    for assignment in assignments:
        if not isinstance(assignment, exp.EQ) or not isinstance(assignment.this, exp.Column):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="this SET clause"), _show(assignment, sql, dialect))
        key = _value(assignment.expression, sql, dialect)
        if key is not None:
            out.append((_identifier(assignment.this.this), key))
    return out


def _conditions(tree: exp.Expression, sql: str, dialect: str, with_equality: bool = False) -> list:
    """(keyword, bound value) per bound condition of the WHERE clause, (..., is equality) if asked."""
    where = tree.args.get("where")
    if where is None:
        return []
    out = []
    for condition in where.this.flatten() if isinstance(where.this, exp.And) else [where.this]:
        condition = condition.unnest()
        if isinstance(condition, exp.Or) or condition.find(exp.Or):
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="OR conditions"))
        if isinstance(condition, (exp.Column, exp.Not, exp.Is)) and not condition.find(exp.Placeholder, exp.Parameter):
            continue  # a fixed filter: is_default, NOT archived, x IS NULL
        out.append(_condition(condition, sql, dialect))
    return [c if with_equality else c[:2] for c in out if c is not None]


def _condition(condition: exp.Expression, sql: str, dialect: str) -> Optional[Tuple[str, Key, bool]]:
    if isinstance(condition, exp.In) and isinstance(condition.this, exp.Column):
        values = condition.expressions
        keys = [_value(v, sql, dialect) for v in values]
        if all(k is None for k in keys):
            return None
        if len(values) != 1:
            raise reasons.Refused(reasons.NOT_DERIVED.format(what="IN with several bound values"))
        return f"{_identifier(condition.this.this)}_in", keys[0], False
    kind = type(condition)
    if kind not in _SUFFIX:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="this condition"), _show(condition, sql, dialect))
    left, right = condition.this, condition.expression
    if not isinstance(left, exp.Column) and isinstance(right, exp.Column):
        left, right, kind = right, left, _FLIP.get(kind, kind)
    if not isinstance(left, exp.Column) or value_key(left) is not None:
        raise reasons.Refused(reasons.NOT_DERIVED.format(what="a condition on a computed value"),
                              _show(condition, sql, dialect))
    name = _identifier(left.this)
    if isinstance(right, exp.Any) and kind is exp.EQ:
        key = _value(right.this, sql, dialect)
        return (f"{name}_in", key, False) if key is not None else None
    key = _value(right, sql, dialect)
    return (name + _SUFFIX[kind], key, kind is exp.EQ) if key is not None else None


def _value(node: exp.Expression, sql: str, dialect: str) -> Optional[Key]:
    """The bound value ``node`` is, None for a literal; anything else is refused."""
    key = value_key(node)
    if key is not None:
        return key
    inner = node
    while isinstance(inner, (exp.Cast, exp.Neg, exp.Paren)):
        inner = inner.this
    if isinstance(inner, _LITERALS) or (isinstance(inner, exp.Column) and inner.table.lower() == "excluded"):
        return None
    raise reasons.Refused(reasons.NOT_BOUND.format(expr=_show(_offender(node), sql, dialect)))


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
