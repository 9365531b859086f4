"""Reading a call in the ``ast``: the name it calls, and one of its arguments. One copy for every site finder."""

from __future__ import annotations

import ast
from typing import Optional


def callee_name(func: ast.expr) -> str:
    """``cur.execute`` -> ``execute``, ``text`` -> ``text``; anything else (a call's result, a subscript) -> ``""``.

    >>> callee_name(ast.parse("cur.execute(q)").body[0].value.func), callee_name(ast.parse("f()()").body[0].value.func)
    ('execute', '')
    """
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def argument(call: ast.Call, index: int, *keywords: str) -> Optional[ast.expr]:
    """Positional argument ``index`` or the first of ``keywords`` given (never guessed past a ``*args``)."""
    for keyword in call.keywords:
        if keyword.arg in keywords:
            return keyword.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if len(positional) == len(call.args) and index < len(positional):
        return positional[index]
    return None
