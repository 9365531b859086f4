"""The contract as one OpenAPI 3.1 document: a tag per owning service, an operation per
client method the rewritten code calls (see :mod:`.operations` for the path scheme),
and, per owner, the reads and writes that were left as SQL with their reasons.

Types come from the tree's ``.sql`` migrations (:mod:`.columns`); a value whose column
is not found says "type unknown" and is listed in ``x-type-unknown``.
"""

from __future__ import annotations

import json
from typing import Dict, List, Sequence, Tuple

from boundary_lint.codemod import shapes
from boundary_lint.codemod.contract import ServiceContract
from boundary_lint.codemod.operations import ROW_SHAPES, VALUE_SHAPES, Operation


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def row_schema(op: Operation) -> dict:
    properties = {}
    for name, column in op.fields:
        properties[name] = column.schema() if column is not None else {
            "description": f"type unknown (no column {name} found)"}
    return {"type": "object", "properties": properties, "required": [n for n, _ in op.fields],
            "additionalProperties": False}


def response_schema(op: Operation, ref: str) -> dict:
    if op.returns_row:
        return {"$ref": ref}
    if op.shape == shapes.ROWS:
        return {"type": "array", "items": {"$ref": ref}}
    value = op.fields[0][1].schema() if op.fields and op.fields[0][1] is not None else {
        "description": "type unknown"}
    if op.shape in VALUE_SHAPES:
        return value
    if op.shape == shapes.VALUES:
        return {"type": "array", "items": value}
    return {"type": "integer", "description": "the number of rows the statement changed"}


def build_document(contracts: Sequence[ServiceContract], ops: Dict[str, List[Operation]]) -> dict:
    paths: Dict[str, dict] = {}
    schemas: Dict[str, dict] = {}
    unknown: List[str] = []
    taken: Dict[Tuple[str, str], str] = {}
    for contract in contracts:
        for op in ops.get(contract.service, []):
            key = (op.path, op.http)
            if key in taken and not op.problem:
                op.problem = f"{op.http} {op.path} is already {taken[key]}'s operation"
            taken.setdefault(key, f"{op.service}.{op.name}")
            if key in taken and taken[key] != f"{op.service}.{op.name}":
                continue
            unknown.extend(f"{op.service}.{u}" for u in op.unknown)
            paths.setdefault(op.path, {})[op.http.lower()] = _operation(op, schemas)
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Operations the rewritten code calls", "version": "1",
                 "description": "Made by `boundary-lint fix`: per owning service (a tag), the operations its "
                                "client must offer, each replacing the SQL named in x-replaces-sql."},
        "tags": [{"name": c.service, "description": f"client: {c.client.module}.{c.client.factory}"}
                 for c in contracts],
        "paths": paths,
        "components": {"schemas": schemas},
        "x-refused": {c.service: [{"path": p, "line": n, "table": t, "reason": r} for p, n, t, r in c.refused]
                      for c in contracts},
        "x-not-generated": {c.service: [{"method": op.name, "reason": op.problem}
                                        for op in ops.get(c.service, []) if op.problem] for c in contracts},
        "x-type-unknown": unknown,
    }
    return document


def _operation(op: Operation, schemas: Dict[str, dict]) -> dict:
    method = op.method
    name = camel(op.name) + "Row"
    ref = f"#/components/schemas/{name}"
    if op.returns_row or op.shape == shapes.ROWS:
        schemas[name] = row_schema(op)
    parameters = [{"name": p.name, "in": p.where, "required": True if p.where == "path" else p.required,
                   "schema": p.schema()} for p in op.params if p.where in ("path", "query")]
    body = [p for p in op.params if p.where == "body"]
    operation: dict = {
        "operationId": f"{op.service}.{op.name}",
        "tags": [op.service],
        "summary": f"{op.name}: {' / '.join(method.returns)}",
        "responses": {"200": {"description": _returns_text(op),
                              "content": {"application/json": {"schema": response_schema(op, ref)}}}},
        "x-kind": "explicit" if method.explicit else "derived",
        "x-returns": method.returns[0] if len(method.returns) == 1 else method.returns,
        "x-replaces-sql": method.sql,
        "x-call-sites": [dict({"path": p, "line": n, "call": c}, **({"note": note} if note else {}))
                         for p, n, c, note in method.call_sites],
    }
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": {p.name: p.schema() for p in body},
            "required": [p.name for p in body if p.required]}}}}
    if op.missing:
        said = ("the client answers None" if op.missing == "null" else "the client raises")
        operation["responses"]["404"] = {"description": f"no row: {said}"}
        operation["x-missing"] = op.missing
    if method.no_longer_atomic:
        operation["x-no-longer-atomic"] = [{"path": p, "line": n, "why": w} for p, n, w in method.no_longer_atomic]
    if op.problem:
        operation["x-not-generated"] = op.problem
    return operation


def _returns_text(op: Operation) -> str:
    if op.returns_row:
        return "the row" + (" (404 when there is none)" if op.missing else "")
    if op.shape == shapes.ROWS:
        return "the rows, in the statement's order (empty when there are none)"
    if op.shape in VALUE_SHAPES:
        return "the value" + (" (404 when there is no row)" if op.missing else "")
    if op.shape == shapes.VALUES:
        return "the first column's values"
    return "the number of rows changed"


def dump(document: dict, yaml_format: bool) -> str:
    if not yaml_format:
        return json.dumps(document, indent=2) + "\n"
    import yaml  # boundary-lint[fix]

    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


ROW_SHAPES = ROW_SHAPES  # re-exported for the writers
