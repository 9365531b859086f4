"""Expressions nested too deeply for a recursive walk, cut to a depth it can take.

Python's parser takes a chain of a few thousand operators without parentheses
(``1 + 1 + ... + 1``, ``a.b.c...``, ``not not ... x``), but a recursive walk
over the tree (``ast.NodeVisitor``, and ours) spends two or three Python frames
per level and reaches the recursion limit near 300 levels. When that happens
the checker parses the file again and cuts every expression deeper than
:data:`MAX_EXPRESSION_DEPTH` below its statement: the rest of the file is
still read.

>>> tree = ast.parse("x = " + " + ".join(["1"] * 300) + "\\ny = 2")
>>> cut_deep_expressions(tree)
[1]
>>> max_expression_depth(tree) <= MAX_EXPRESSION_DEPTH + 1
True
"""

from __future__ import annotations

import ast
from typing import List

MAX_EXPRESSION_DEPTH = 100
"""Levels below a statement an expression may have once cut (about 300 frames of a walk)."""


def cut_deep_expressions(tree: ast.AST, limit: int = MAX_EXPRESSION_DEPTH) -> List[int]:
    """Replace, in place, each expression more than ``limit`` levels below its statement
    by ``None`` at the same position; return the sorted lines where one was cut.

    Iterative, so it works on any tree ``ast.parse`` returns.
    """
    cut = set()
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        for name, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            for index, child in enumerate(children):
                if not isinstance(child, ast.AST):
                    continue
                child_depth = 0 if isinstance(child, ast.stmt) else depth + 1
                if isinstance(child, ast.expr) and child_depth > limit:
                    stub = ast.copy_location(ast.Constant(value=None), child)
                    if isinstance(value, list):
                        value[index] = stub
                    else:
                        setattr(node, name, stub)
                    cut.add(getattr(child, "lineno", 1))
                    continue
                stack.append((child, child_depth))
    return sorted(cut)


def max_expression_depth(tree: ast.AST) -> int:
    """The deepest expression level below a statement in ``tree`` (iterative)."""
    deepest = 0
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        for child in ast.iter_child_nodes(node):
            stack.append((child, 0 if isinstance(child, ast.stmt) else depth + 1))
    return deepest
