"""A module's own query helpers, found as sinks (issue 21, cause 6).

``def one(sql, params=None): cur.execute(sql, params)`` and the method
``def _q(self, statement, *params): cur.execute(statement, params)`` pass an argument
straight to a known sink: a call of theirs carries SQL as that argument, and is a sink
without the user listing it in ``settings.sinks``. Only functions of the module itself
(and methods of its classes) are read, the first time a call of theirs is met: a helper
imported from another module still needs ``settings.sinks``.

>>> import ast
>>> q = ast.parse("def q(cur, statement, params=()):\\n    cur.execute(statement, params)\\n").body[0]
>>> helper_of(q, frozenset({"execute"}), lambda call: call.args[0] if call.args else None)
(1, 'statement')
"""

from __future__ import annotations

import ast
from typing import Callable, Optional, Tuple

MAX_HELPER_STATEMENTS = 12
"""A wrapper is a few lines; a longer function that happens to run its argument is read as it is."""

Helper = Tuple[int, str]  # (position of the SQL parameter among the call's arguments, its name)


def helper_of(node: ast.AST, sinks: frozenset,
              sql_argument: Callable[[ast.Call], Optional[ast.expr]]) -> Optional[Helper]:
    """The SQL parameter of the function ``node`` when it is a query helper, else None."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name in sinks:
        return None
    if len(node.body) > MAX_HELPER_STATEMENTS:
        return None
    return _helper_parameter(node, sinks, sql_argument)


def _helper_parameter(node, sinks: frozenset, sql_argument) -> Optional[Helper]:
    params = [a.arg for a in node.args.posonlyargs + node.args.args]
    skip = 1 if params and params[0] in ("self", "cls") else 0
    names = params[skip:]
    for child in ast.walk(node):
        if not isinstance(child, ast.Call):
            continue
        func = child.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in sinks:
            continue
        argument = sql_argument(child)
        if isinstance(argument, ast.Name) and argument.id in names:
            return names.index(argument.id), argument.id
    return None


def helper_argument(call: ast.Call, helper: Helper) -> Optional[ast.expr]:
    """The SQL a call of a helper passes: its argument at the parameter's place or name."""
    index, name = helper
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
        return call.args[index]
    return None
