"""Name bindings and the statement walk the ORM and Alembic passes index a module with."""

from __future__ import annotations

import ast
from pathlib import Path

from boundary_lint.sites.bindings import Scopes, walk_statements

ROOT = Path(__file__).resolve().parents[2]
BLOCKS = (ast.stmt, ast.excepthandler) + ((ast.match_case,) if hasattr(ast, "match_case") else ())


def test_the_statement_walk_is_ast_walk_without_expressions():
    """Same statements, same (breadth-first) order: the first class of a name wins alike."""
    files = [p for p in ROOT.rglob("*.py") if ".ci-venv" not in str(p) and "__pycache__" not in p.parts]
    assert len(files) > 100
    for path in files:
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue  # the fixtures of bad input
        expected = [node for node in ast.walk(tree) if isinstance(node, BLOCKS)]
        assert [node for node in walk_statements(tree) if isinstance(node, BLOCKS)] == expected, path


def test_scopes_follow_one_binding_and_refuse_two():
    tree = ast.parse(
        "Q = 'SELECT 1'\n"
        "def f(p):\n    q = 'x'\n    q = 'y'\n    return p\n"
        "def g():\n    r = Q\n"
    )
    scopes = Scopes(tree)
    f, g = tree.body[1], tree.body[2]
    assert isinstance(scopes.lookup("Q", [tree, g]), ast.Constant)
    assert scopes.lookup("q", [tree, f]) is None  # bound twice
    assert scopes.lookup("p", [tree, f]) is None  # a parameter
    assert scopes.function("f", [tree, g]) is f and scopes.chain(f) == (tree, f)
