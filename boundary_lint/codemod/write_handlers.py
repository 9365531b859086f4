"""``fix --write-owner-handlers DIR``: per owning service, a FastAPI router module that
implements each operation of the contract by running the statement it replaces.

The statements run through SQLAlchemy ``text()`` on an ``AsyncSession``: the consumer
code ran them that way (so the same ``:name`` binds and the same driver types come back),
and the owner wires its own engine by overriding the ``get_session`` dependency. A
derived method's statement is built from its arguments by the conventions of docs/fix.md
(only columns the tree's ``.sql`` files create are accepted, as quoted identifiers; every
value is a bound parameter); an explicit one runs the registry's SQL as written.

FastAPI, pydantic and SQLAlchemy are imported by the generated modules, never by
boundary-lint.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

from boundary_lint.codemod import shapes
from boundary_lint.codemod.openapi import camel
from boundary_lint.codemod.operations import VALUE_SHAPES, Operation

HEADER = '''"""Owner-side handlers of {service}, written by ``boundary-lint fix --write-owner-handlers``.

One route per operation of the contract; each runs the statement the consumer used to run
(SQLAlchemy ``text()``, bound parameters, on an AsyncSession). Mount it with
``app.include_router(router)`` and provide the session:
``app.dependency_overrides[get_session] = <a dependency yielding an AsyncSession>``.
"""

from datetime import date, datetime  # noqa: F401 (the models' types)
from decimal import Decimal  # noqa: F401
from typing import Any, AsyncIterator, Dict, List, Optional
from uuid import UUID  # noqa: F401

from fastapi import APIRouter, Body, Depends, HTTPException, Query  # noqa: F401
from pydantic import BaseModel  # noqa: F401
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

router = APIRouter(tags=[{service!r}])


async def get_session() -> AsyncIterator[AsyncSession]:
    """The owner's database session: override it (app.dependency_overrides[get_session])."""
    raise HTTPException(500, "get_session is not wired: override it with the owner's AsyncSession")
    yield  # pragma: no cover


# The columns of the tables the derived operations read or write (from the .sql migrations):
# only these are accepted as column names.
COLUMNS: Dict[str, List[str]] = {columns}

_SUFFIXES = (("_is_null", "IS NULL"), ("_ilike", "ILIKE"), ("_like", "LIKE"), ("_lte", "<="), ("_gte", ">="),
             ("_ne", "<>"), ("_lt", "<"), ("_gt", ">"), ("_in", "= ANY"))


def _column(table: str, name: str) -> str:
    if name not in COLUMNS[table]:
        raise HTTPException(400, f"{{table}} has no column {{name!r}}")
    return '"' + name + '"'


def _where(table: str, conditions: Dict[str, Any], binds: Dict[str, Any]) -> str:
    """The WHERE clause the conditions say (docs/fix.md), every value bound."""
    terms = []
    for key, value in conditions.items():
        column, operator = key, "="
        for suffix, said in _SUFFIXES:
            if key.endswith(suffix) and key[: -len(suffix)] in COLUMNS[table]:
                column, operator = key[: -len(suffix)], said
                break
        quoted = _column(table, column)
        if operator == "IS NULL":
            terms.append(f"{{quoted}} IS NULL" if value else f"{{quoted}} IS NOT NULL")
            continue
        name = f"p{{len(binds)}}"
        if operator == "= ANY":
            binds[name] = list(value)
            terms.append(f"{{quoted}} = ANY(:{{name}})")
        else:
            binds[name] = value
            terms.append(f"{{quoted}} {{operator}} :{{name}}")
    return (" WHERE " + " AND ".join(terms)) if terms else ""


def _select(table: str, conditions: Dict[str, Any], fields: Optional[List[str]], order_by: Optional[List[str]],
            limit: Optional[int], offset: Optional[int]) -> tuple:
    binds: Dict[str, Any] = {{}}
    projection = ", ".join(_column(table, f) for f in (fields or COLUMNS[table]))
    sql = f"SELECT {{projection}} FROM {{table}}" + _where(table, conditions, binds)
    if order_by:
        sql += " ORDER BY " + ", ".join(
            _column(table, o[1:]) + " DESC" if o.startswith("-") else _column(table, o) for o in order_by)
    if limit is not None:
        binds["limit"] = limit
        sql += " LIMIT :limit"
    if offset is not None:
        binds["offset"] = offset
        sql += " OFFSET :offset"
    return sql, binds


def _insert(table: str, values: Dict[str, Any], returning: str = "", on_conflict: Optional[List[str]] = None,
            update: Optional[List[str]] = None) -> tuple:
    binds = {{f"v{{i}}": value for i, value in enumerate(values.values())}}
    sql = (f"INSERT INTO {{table}} (" + ", ".join(_column(table, c) for c in values) + ") VALUES ("
           + ", ".join(f":v{{i}}" for i in range(len(values))) + ")")
    if on_conflict is not None:
        sql += " ON CONFLICT (" + ", ".join(_column(table, c) for c in on_conflict) + ")"
        sql += (" DO UPDATE SET " + ", ".join(f"{{_column(table, c)}} = EXCLUDED.{{_column(table, c)}}"
                                              for c in update)) if update else " DO NOTHING"
    if returning:
        sql += f" RETURNING {{_column(table, returning)}}"
    return sql, binds


def _update(table: str, where: Dict[str, Any], values: Dict[str, Any]) -> tuple:
    binds = {{f"v{{i}}": value for i, value in enumerate(values.values())}}
    sets = ", ".join(f"{{_column(table, c)}} = :v{{i}}" for i, c in enumerate(values))
    return f"UPDATE {{table}} SET {{sets}}" + _where(table, where, binds), binds


def _delete(table: str, conditions: Dict[str, Any]) -> tuple:
    binds: Dict[str, Any] = {{}}
    return f"DELETE FROM {{table}}" + _where(table, conditions, binds), binds


_OPTIONS = ("fields", "order_by", "limit", "offset", "on_conflict", "update")  # not conditions


def _no_row() -> HTTPException:
    return HTTPException(404, "no row")
'''


def _py(p) -> str:
    base = p.python.replace("Any", "str") if p.role in ("value", "list") and not p.known else p.python
    return base


def _model(name: str, fields: Sequence[Tuple[str, object]], optional_all: bool) -> str:
    lines = [f"class {name}(BaseModel):"]
    if not fields:
        lines.append("    pass")
    for field_name, column in fields:
        kind = column.python if column is not None and column.known else "Any"
        if optional_all or (column is not None and column.nullable):
            lines.append(f"    {field_name}: Optional[{kind}] = None")
        else:
            lines.append(f"    {field_name}: {kind}")
    return "\n".join(lines) + "\n"


def _response_model(op: Operation, row: str) -> str:
    if op.returns_row:
        return row
    if op.shape == shapes.ROWS:
        return f"List[{row}]"
    column = op.fields[0][1] if op.fields else None
    value = column.python if column is not None and column.known else "Any"
    if op.shape in VALUE_SHAPES:
        return f"Optional[{value}]"
    if op.shape == shapes.VALUES:
        return f"List[Optional[{value}]]"
    return "int"


def route_text(op: Operation) -> Tuple[str, List[str]]:
    """The route's code and the models it needs."""
    row = camel(op.name) + "Row"
    models: List[str] = []
    if op.returns_row or op.shape == shapes.ROWS:
        models.append(_model(row, op.fields, optional_all=True))
    args: List[str] = []
    body_params = [p for p in op.params if p.where == "body"]
    body_model = camel(op.name) + "Body"
    for p in op.params:
        if p.where == "path":
            args.append(f"{p.name}: {_py(p)}")
        elif p.where == "query":
            default = "..." if p.required else "None"
            kind = _py(p) if p.required else f"Optional[{_py(p)}]"
            args.append(f"{p.name}: {kind} = Query({default})")
    if body_params:
        lines = [f"class {body_model}(BaseModel):"]
        for p in body_params:
            lines.append(f"    {p.name}: {_py(p)}" if p.required else f"    {p.name}: Optional[{_py(p)}] = None")
        models.append("\n".join(lines) + "\n")
        args.append(f"body: {body_model} = Body(...)")
    args.append("session: AsyncSession = Depends(get_session)")
    response = _response_model(op, row)
    options = [repr(op.path), f"response_model={response}",
               f"response_model_exclude_unset={bool(op.returns_row or op.shape == shapes.ROWS)}",
               f"operation_id={op.service + '.' + op.name!r}"]
    lines = [f"@router.{op.http.lower()}(", *(f"    {o}," for o in options), ")",
             f"async def {op.name}(", *(f"    {a}," for a in args), ") -> Any:",
             f'    """{op.method.name}: {" / ".join(op.method.returns)}; '
             f'replaces {len(op.method.sql)} statement(s)."""']
    values = [p for p in op.params]
    lines.append("    given: Dict[str, Any] = {}")
    for p in values:
        source = f"body.{p.name}" if p.where == "body" else p.name
        if p.required:
            lines.append(f"    given[{p.name!r}] = {source}")
        else:
            lines += [f"    if {source} is not None:", f"        given[{p.name!r}] = {source}"]
    lines += _statement(op)
    lines += _answer(op)
    return "\n".join(lines) + "\n", models


def _statement(op: Operation) -> List[str]:
    table = op.method.table
    if op.method.explicit:
        chunks = _chunks(_one_line(op.sql))
        return ["    sql = (", *(f"        {c!r}" for c in chunks), "    )", "    binds = given"]
    verb = op.derived_verb
    conditions = "{k: v for k, v in given.items() if k not in _OPTIONS}"
    if verb in ("get", "list"):
        fields = f"[{op.value_column!r}]" if op.value_column else "given.get('fields')"
        return [f"    conditions = {conditions}",
                f"    sql, binds = _select({table!r}, conditions, {fields}, given.get('order_by'),",
                "                         given.get('limit'), given.get('offset'))"]
    if verb in ("create", "upsert"):
        extra = ", given.get('on_conflict', []), given.get('update', [])" if verb == "upsert" else ""
        return [f"    values = {conditions}",
                f"    sql, binds = _insert({table!r}, values, {op.value_column!r}{extra})"]
    if verb == "update":
        return [f"    sql, binds = _update({table!r}, given['where'], given['values'])"]
    return [f"    conditions = {conditions}", f"    sql, binds = _delete({table!r}, conditions)"]


def _chunks(text: str, width: int = 80) -> List[str]:
    """``text`` in pieces of about ``width`` characters, cut after a space (joined, the same text)."""
    out, start = [], 0
    while len(text) - start > width:
        cut = text.rfind(" ", start, start + width)
        cut = cut + 1 if cut > start else start + width
        out.append(text[start:cut])
        start = cut
    return out + [text[start:]]


def _one_line(sql: str) -> str:
    return " ".join(sql.split())


def _answer(op: Operation) -> List[str]:
    lines = ["    result = await session.execute(text(sql), binds)"]
    commit = ["    await session.commit()"] if op.writes else []
    if op.returns_row:
        read = "one_or_none()" if op.shape == shapes.UNIQUE_ROW_OR_NULL else "first()"
        lines += [f"    row = result.mappings().{read}", *commit, "    if row is None:", "        raise _no_row()",
                  "    return dict(row)"]
    elif op.shape == shapes.ROWS:
        lines += ["    rows = [dict(r) for r in result.mappings().all()]", *commit, "    return rows"]
    elif op.shape in VALUE_SHAPES:
        read = "one_or_none()" if op.shape == shapes.UNIQUE_VALUE_OR_NULL else "first()"
        lines += [f"    row = result.{read}", *commit, "    if row is None:", "        raise _no_row()",
                  "    return row[0]"]
    elif op.shape == shapes.VALUES:
        lines += ["    values = list(result.scalars().all())", *commit, "    return values"]
    else:
        lines += ["    count = result.rowcount", *commit, "    return count"]
    return lines


def router_text(service: str, ops: Sequence[Operation], columns: Dict[str, List[str]]) -> str:
    import textwrap

    body = "".join(
        f"    {table!r}: [\n"
        + textwrap.fill(", ".join(repr(c) for c in names) + ",", 96, initial_indent=" " * 8, subsequent_indent=" " * 8)
        + "\n    ],\n" for table, names in columns.items())
    parts = [HEADER.format(service=service, columns="{\n" + body + "}" if body else "{}")]
    for op in ops:
        route, models = route_text(op)
        parts += [m for m in models]
        parts.append(route)
    return "\n\n".join(p.rstrip("\n") + "\n" for p in parts)
