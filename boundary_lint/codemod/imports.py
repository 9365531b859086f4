"""Where the client import goes: with the module's own imports, never above what they need.

A module's imports may depend on what runs before them (``sys.path.insert(...)``
in a script, ``from __future__`` first of all), so the new import goes after
the last top-level import or ``sys.path`` change that comes before the first
function or class; into an existing ``from module import ...`` of the same
module when there is one; after the docstring and ``__future__`` imports in a
module without imports.
"""

from __future__ import annotations

from typing import List, Sequence

import libcst as cst

_EMPTY = cst.Module([])


def with_import(body: Sequence[cst.BaseStatement], module: str, name: str) -> List[cst.BaseStatement]:
    """``body`` with ``from module import name`` available at module level."""
    body = list(body)
    leading = _leading(body)
    for index in leading:
        statement = body[index]
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
            continue
        if _EMPTY.code_for_node(small.module) != module or isinstance(small.names, cst.ImportStar):
            continue
        if any(a.asname is None and _EMPTY.code_for_node(a.name) == name for a in small.names):
            return body
        if len(statement.body) == 1 and not small.lpar:
            names = list(small.names)
            names[-1] = names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            names.append(cst.ImportAlias(cst.Name(name)))
            body[index] = statement.with_changes(body=[small.with_changes(names=names)])
            return body
    new = cst.parse_statement(f"from {module} import {name}\n")
    at = _insert_at(body, leading)
    alone = not any(_is_import(body[i]) for i in leading)
    if at < len(body) and alone and not body[at].leading_lines:
        body[at] = body[at].with_changes(leading_lines=[cst.EmptyLine()])  # the import stands apart from the code
    body.insert(at, new)
    return body


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)


def _leading(body: Sequence[cst.BaseStatement]) -> List[int]:
    """Indexes of the top-level statements before the first function or class."""
    out = []
    for index, statement in enumerate(body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            break
        out.append(index)
    return out


def _insert_at(body: Sequence[cst.BaseStatement], leading: Sequence[int]) -> int:
    after = -1
    for index in leading:
        statement = body[index]
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        code = _EMPTY.code_for_node(statement)
        if _is_import(statement) or "sys.path" in code:
            after = index
    if after >= 0:
        return after + 1
    position = 0
    for index in leading:  # after the docstring
        statement = body[index]
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        strings = (cst.SimpleString, cst.ConcatenatedString)
        if index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, strings):
            position = 1
    return position
