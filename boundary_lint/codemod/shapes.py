"""Result shapes: what a call site read from a statement, and what a client method returns.

One vocabulary for the plan, the registry's ``returns``, client annotations and
the contract (``docs/fix.md``). A rewrite is made only when the two agree.

>>> shape_of_annotation("Optional[Dict[str, Any]]")
'row or null'
>>> shape_of_annotation("List[int]")
'values'
>>> shape_of_annotation("Decimal")
'value'
"""

from __future__ import annotations

import ast
from typing import Optional

ROW_OR_NULL, ROW, ROWS = "row or null", "row", "rows"
VALUE_OR_NULL, VALUE, VALUES = "value or null", "value", "values"
COUNT, NOTHING = "count", "nothing"
UNIQUE_ROW_OR_NULL, UNIQUE_VALUE_OR_NULL = "unique row or null", "unique value or null"
"""``one_or_none()``: null for no row, an error for a second one."""
SHAPES = (ROW_OR_NULL, ROW, ROWS, VALUE_OR_NULL, VALUE, VALUES, COUNT, NOTHING, UNIQUE_ROW_OR_NULL,
          UNIQUE_VALUE_OR_NULL)

ROW_SHAPES = frozenset({ROW_OR_NULL, ROW, UNIQUE_ROW_OR_NULL})
VALUE_SHAPES = frozenset({VALUE_OR_NULL, VALUE, UNIQUE_VALUE_OR_NULL})

# What the original code held, for row shapes: how its rows can be read.
SA_ROW = "Row"  # SQLAlchemy Row: index, attribute, unpacking, ._mapping
MAPPING = "mapping"  # RowMapping, a dict: key access; unpacking gives keys
RECORD = "Record"  # asyncpg Record: index and key, iteration gives values
CURSOR_ROW = "cursor row"  # DB-API cursor row: a tuple unless the cursor's row factory says otherwise

_ROW_TYPES = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "TypedDict", "RowMapping"})
_VALUE_TYPES = frozenset({"int", "str", "float", "bool", "bytes", "Decimal", "datetime", "date", "time",
                          "timedelta", "UUID"})
_LIST_TYPES = frozenset({"list", "List", "Sequence", "tuple", "Tuple", "Iterable"})


def shape_of_annotation(text: str, classes: frozenset = frozenset()) -> Optional[str]:
    """The shape a return annotation promises (``classes``: names of row-like classes the
    client module defines: dataclasses, TypedDicts, pydantic models), or None if unknown."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    return _shape(node, classes)


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript):
        return _name(node.value)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ""


def _inner(node: ast.expr) -> Optional[ast.expr]:
    if not isinstance(node, ast.Subscript):
        return None
    inner = node.slice
    return inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner


def _shape(node: ast.expr, classes: frozenset) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return shape_of_annotation(node.value, classes)
    if isinstance(node, ast.Constant) and node.value is None:
        return NOTHING
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | None
        sides = [node.left, node.right]
        others = [s for s in sides if not (isinstance(s, ast.Constant) and s.value is None)]
        if len(others) == 1:
            return _nullable(_shape(others[0], classes))
        return None
    name = _name(node)
    if name == "Optional":
        inner = _inner(node)
        return _nullable(_shape(inner, classes)) if inner is not None else None
    if name in _LIST_TYPES:
        inner = _inner(node)
        if inner is None:
            return None
        item = _shape(inner, classes)
        return {ROW: ROWS, VALUE: VALUES}.get(item or "")
    if name in _ROW_TYPES or name in classes:
        return ROW
    if name in _VALUE_TYPES:
        return VALUE
    if name == "None":
        return NOTHING
    return None


def _nullable(shape: Optional[str]) -> Optional[str]:
    return {ROW: ROW_OR_NULL, VALUE: VALUE_OR_NULL}.get(shape or "", None)


def agrees(read: str, offered: str) -> bool:
    """Whether a method of shape ``offered`` can stand where the code read ``read``.

    A count or any answer may stand where the result was discarded; otherwise they must
    be the same shape (a method that raises where the code read null is not the same).
    """
    if read == NOTHING:
        return True
    return read == offered
