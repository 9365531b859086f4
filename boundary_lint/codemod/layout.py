"""Line breaks for a client call that would not fit on its line.

libcst keeps the code around a rewrite as it was; the new call comes from a
template on one line. When the line would be longer than ``MAX_LINE``, the
method's arguments go one per line, one level deeper than the statement, with
a trailing comma (what black would write), and so do the entries of a long
dict argument. Nothing else is reformatted.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

MAX_LINE = 100
INDENT = "    "
_EMPTY = cst.Module([])


def fit(replacement: cst.BaseExpression, method: str, before: int, after: int) -> cst.BaseExpression:
    """``replacement`` as is if ``before + it + after`` characters fit on a line, else with
    the call of ``method`` broken over lines."""
    if before + len(_EMPTY.code_for_node(replacement)) + after <= MAX_LINE:
        return replacement
    call = _find_call(replacement, method)
    if call is None or not call.args:
        return replacement
    return replacement.deep_replace(call, _broken_call(call, 1))


def _find_call(tree: cst.CSTNode, method: str) -> Optional[cst.Call]:
    found = []

    class Find(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            if isinstance(node.func, cst.Attribute) and node.func.attr.value == method and not found:
                found.append(node)

    tree.visit(Find())
    return found[0] if found else None


def _newline(depth: int) -> cst.ParenthesizedWhitespace:
    """A line break, then the block's indentation and ``depth`` levels more."""
    return cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), empty_lines=[], indent=True,
                                       last_line=cst.SimpleWhitespace(INDENT * depth))


def _broken_call(call: cst.Call, depth: int) -> cst.Call:
    args = []
    for number, arg in enumerate(call.args):
        value = arg.value
        if isinstance(value, cst.Dict) and value.elements and (
                len(_EMPTY.code_for_node(arg)) + len(INDENT) * (depth + 1) > MAX_LINE):
            value = _broken_dict(value, depth + 1)
        last = number == len(call.args) - 1
        comma = cst.Comma(whitespace_after=_newline(depth - 1 if last else depth))
        args.append(arg.with_changes(value=value, comma=comma))
    return call.with_changes(args=args, whitespace_before_args=_newline(depth))


def _broken_dict(value: cst.Dict, depth: int) -> cst.Dict:
    elements = []
    for number, element in enumerate(value.elements):
        last = number == len(value.elements) - 1
        elements.append(element.with_changes(comma=cst.Comma(whitespace_after=_newline(depth - 1 if last else depth))))
    return value.with_changes(elements=elements, lbrace=cst.LeftCurlyBrace(whitespace_after=_newline(depth)),
                              rbrace=cst.RightCurlyBrace())
