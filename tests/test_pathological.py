"""Pathological input, one regression test per bug the fuzzing and probing found: the
checker answers in bounded time, never raises, and says what it could not read."""

from __future__ import annotations

import ast
import os
import time
from pathlib import Path

import pytest

from boundary_lint.sql import refs as sql_refs
from boundary_lint.sites.ast_depth import MAX_EXPRESSION_DEPTH, cut_deep_expressions, max_expression_depth
from boundary_lint.model import INTERNAL_ERROR
from boundary_lint.pipeline import check_source, check_python_source
from boundary_lint.registry_schema import registry_from_mapping
from boundary_lint.registry import Registry, Service
from boundary_lint.sites.python import python_sql_sites
from boundary_lint.sites.literal_positions import source_lines

REGISTRY = registry_from_mapping({"services": {
    "orders": {"owns": ["orders.*"]}, "algo": {"owns": ["public.strategy", "b.*"]}}})
SECONDS = 30  # each case takes well under a few seconds; this only catches a hang


def check(source, suffix=".py"):
    data = source.encode("utf-8") if isinstance(source, str) else source
    started = time.monotonic()
    result = check_source(data, Path("m" + suffix), "m" + suffix, REGISTRY, "orders")
    assert time.monotonic() - started < SECONDS
    assert not [p for p in result.problems if p.message.startswith(INTERNAL_ERROR)], result.problems
    return result


def tables(result):
    return sorted({(f.line, f.table) for f in result.findings})


# -- deep Python ---------------------------------------------------------------------


def test_long_string_concatenation_keeps_all_its_sql():
    """Bugs: a chain of 1,000 ``+`` raised RecursionError (``_is_string_expr``); a query
    concatenated in more than 9 pieces lost its first pieces (the composer's depth cap)."""
    pieces = ['"SELECT a "', '"FROM public.strategy "', '"WHERE y = 2 "'] + ['"AND x = 1 "'] * 997
    result = check("cur.execute(" + " + ".join(pieces) + ")\n")
    assert tables(result) == [(1, "public.strategy")] and not result.problems
    words = ("SELECT a", "FROM public.strategy", "WHERE x = 1") + ("AND y = 2",) * 10
    lines = ["cur.execute("] + [f'    "{w} " +' for w in words] + ['    "")']
    assert tables(check("\n".join(lines) + "\n")) == [(3, "public.strategy")]


def test_concatenation_with_run_time_values_keeps_its_holes():
    """A run of values before the first text is one hole, as before the chain was flattened."""
    tree = ast.parse('cur.execute(a + b + "SELECT * FROM " + t + " WHERE x = 1")')
    sites = python_sql_sites(tree, source_lines(""))
    assert [s.text for s in sites] == ["bl_hole_0SELECT * FROM bl_hole_1 WHERE x = 1"]


def test_operator_chain_too_deep_for_the_walk_is_cut_not_fatal():
    """Bug: ``1 + 1 + ...`` 800 times raised RecursionError in the ast walks."""
    source = 'cur.execute("SELECT 1", ' + " + ".join(["1"] * 800) + ')\ncur.execute("SELECT * FROM b.t")\n'
    result = check(source)
    assert tables(result) == [(2, "b.t")]
    assert [(p.line, p.fatal) for p in result.problems] == [(1, False)]
    assert f"nested over {MAX_EXPRESSION_DEPTH} levels deep was not read" in result.problems[0].message


def test_flake8_tree_is_left_intact_when_cut():
    source = "x = " + " + ".join(["1"] * 800) + '\ncur.execute("SELECT * FROM b.t")\n'
    tree = ast.parse(source)
    depth = max_expression_depth(tree)
    result = check_python_source("m.py", source, REGISTRY, "orders", tree=tree)
    assert tables(result) == [(2, "b.t")]
    assert max_expression_depth(tree) == depth  # the caller's tree was not cut


def test_expression_too_deep_for_python_itself():
    """Bug: ``ast.parse`` raising RecursionError (not SyntaxError) escaped the checker."""
    result = check("x = " + " + ".join(["1"] * 30000) + '\ncur.execute("SELECT * FROM b.t")\n')
    assert [p.message for p in result.problems] == [
        "cannot parse as Python (nested too deeply for Python's parser); fix the syntax or exclude the file"]


@pytest.mark.parametrize("source", [
    "x = " + "-" * 5000 + "1",
    "x = a" + ".b" * 3000,
    "x = f" + "()" * 3000,
    "x = a" + "[0]" * 3000,
    "x = " + "not " * 3000 + "y",
    "x = " + "(" * 190 + "1" + ")" * 190,
    "x = f'{" + "f'{" * 3 + "y" + "}'" * 3 + "}'",
    "x = lambda: " * 500 + "1",
    "".join(" " * i + "if x:\n" for i in range(99)) + " " * 99 + 'cur.execute("SELECT * FROM b.t")\n',
], ids=["unary", "attributes", "calls", "subscripts", "not", "parens", "fstrings", "lambdas", "ifs"])
def test_deep_python_shapes_never_raise(source):
    check(source + '\ncur.execute("SELECT * FROM b.t")\n')


def test_cut_deep_expressions_keeps_positions_and_shallow_code():
    tree = ast.parse("a = 1\nx = " + " + ".join(["1"] * 300) + "\nb = 2\n")
    assert cut_deep_expressions(tree, limit=50) == [2]
    assert max_expression_depth(tree) <= 51
    assert [type(s).__name__ for s in tree.body] == ["Assign"] * 3
    compile(tree, "m.py", "exec")  # still a valid tree


@pytest.mark.parametrize("source", [
    'cur.execute("SELECT 1",  ' + "#" * 60 + '\n    x=1)\n',  # each "#" doubled the time: 26 took 10 s
    'cur.execute("SELECT 1 FROM orders.o",\n' + "".join(f"    a{n},  # comment {n}\n" for n in range(60))
    + "    timeout=5)\n",
    'cur.execute("SELECT 1", ' + ", ".join(['"""x"""'] * 60) + ", k=1)\n",  # a triple quote read as "" and "
    'cur.execute("SELECT 1", ' + " ".join(['""'] * 200) + ", k=1)\n",
])
def test_a_sink_call_whose_arguments_hold_comments_or_quotes_is_read_in_bounded_time(source):
    """Bug (found by fuzzing): the sink-literal finder's pattern could read a comment, or a
    triple quote, in many ways, and ``re`` tried them all when the call was no plain one."""
    result = check(source)
    assert result.coverage == {"sql_sites": 1, "parsed": 1}


# -- pathological SQL -------------------------------------------------------------------


@pytest.mark.parametrize("sql", [
    "SELECT " + "(" * 3000 + "1" + ")" * 3000 + " FROM b.t",
    "SELECT * FROM b.t WHERE x IN (" + ",".join(["1"] * 5000) + ")",
    "SELECT * FROM b." + "x" * 100000,
    "DO $$ BEGIN DELETE FROM b.t; " + "x " * 5000,
    "SELECT $x$ " + "a" * 19000,
    "SELECT " + "CASE WHEN x THEN " * 500 + "1" + " END" * 500 + " FROM b.t",
    "SELECT * FROM " + "(SELECT * FROM " * 300 + "b.t" + ") x" * 300,
    "WITH " + ",".join(f"c{i} AS (SELECT * FROM c{i - 1})" for i in range(1, 300)) + " SELECT * FROM b.t",
    "SELECT '" + "a''" * 6000 + "' FROM b.t",
    "/* " * 3000 + "SELECT * FROM b.t",
    "SELECT \"" + "a" * 30000,
    "E'\\" * 3000,
], ids=["parens", "in-list", "long-identifier", "unbalanced-dollar", "open-dollar", "case", "subqueries",
        "ctes", "quotes", "nested-comments", "open-identifier", "escapes"])
def test_pathological_sql_in_a_sink_and_a_file(sql):
    for result in (check(f"cur.execute({sql!r})\n"), check(sql, ".sql")):
        assert all(p.line >= 1 for p in result.problems)


def test_ten_thousand_line_triple_quoted_string():
    body = "SELECT a\nFROM b.t\n" + "WHERE x = 1\n" * 10000
    result = check(f'cur.execute("""{body}""")\n')
    assert tables(result) == [(2, "b.t")]
    assert "is too long for sqlglot" in result.problems[0].message


def test_sql_budget_caps_the_statements_parsed_per_file(monkeypatch):
    """Bug: 10,000 statements took ~8 s and a 5 MB dump minutes; past the budget,
    statements are token-scanned, with one warning at the first one."""
    monkeypatch.setattr(sql_refs, "MAX_STATEMENTS_PER_FILE", 50)
    monkeypatch.setattr(sql_refs.SqlBudget, "__init__", _budget_init(sql_refs.SqlBudget.__init__, statements=50))
    sql = "".join(f"SELECT * FROM b.t{i};\n" for i in range(200))
    result = check(sql, ".sql")
    assert len(result.findings) == 200  # the scan still finds every table
    assert [(p.line, p.fatal) for p in result.problems] == [(51, False)]
    assert "was not parsed: the file's SQL budget (50 statements" in result.problems[0].message
    assert "on statements; 150 statements left" in result.problems[0].message


def test_sql_budget_deadline_spent_on_time(monkeypatch):
    clock = iter(range(0, 10_000, 10))
    monkeypatch.setattr(sql_refs.time, "monotonic", lambda: next(clock))
    budget = sql_refs.SqlBudget(seconds=25)
    analysis = sql_refs.analyze_sql("SELECT * FROM a.b; SELECT * FROM c.d; DELETE FROM e.f", budget=budget)
    assert [r.table.qualified() for r in analysis.refs] == ["a.b", "c.d", "e.f"]
    assert budget.skipped == 1 and "is spent on time" in budget.why()


def test_sql_budget_is_shared_by_the_sites_of_a_file(monkeypatch):
    monkeypatch.setattr(sql_refs.SqlBudget, "__init__", _budget_init(sql_refs.SqlBudget.__init__, statements=3))
    source = "".join(f'cur.execute("SELECT * FROM b.t{i}")\n' for i in range(6))
    result = check(source)
    assert len(result.findings) == 6
    assert [p.line for p in result.problems] == [4]


def _budget_init(init, **overrides):
    def patched(self, *args, **kwargs):
        init(self, *args, **{**kwargs, **overrides})
    return patched


def test_thousands_of_statements_stay_fast():
    sql = "SELECT * FROM b.t;\n" * 3000
    started = time.monotonic()
    result = check(sql, ".sql")
    assert len(result.findings) == 3000
    assert time.monotonic() - started < SECONDS


# -- files and paths ------------------------------------------------------------------


def test_symlink_loop_has_no_service_lookup_crash(tmp_path):
    """Bug: ``Path.resolve()`` raises RuntimeError on a symlink loop (Python < 3.13), which
    crashed the whole run in ``service_for_path``."""
    os.symlink("b.py", tmp_path / "a.py")
    os.symlink("a.py", tmp_path / "b.py")
    registry = Registry({"s": Service("s", owns=("s.*",), paths=("**",))}, root=tmp_path)
    assert registry.service_for_path(tmp_path / "a.py") == "s"
    assert registry.unmatched_paths([tmp_path / "a.py"]) == []


def test_registry_rewrite_call_that_python_cannot_parse():
    """A ``call`` too deep or with a NUL byte is a ConfigError, not a RecursionError/ValueError."""
    from boundary_lint.registry import ConfigError

    for call in ("get" + "(" * 300 + ")" * 300, "x" + ".y" * 100000 + "()", "get(\0)"):
        with pytest.raises(ConfigError, match="must be a method call"):
            rewrite = {"sql": "SELECT 1", "call": call}
            registry_from_mapping({"services": {"a": {"owns": ["a.t"], "rewrites": [rewrite]}}})


def test_python_warnings_on_the_checked_code_are_not_printed(recwarn):
    """Bug: ``ast.parse`` warned (SyntaxWarning on stderr from Python 3.12) about the
    user's invalid escape sequences, common in SQL regexes (``x ~ '\\d+'``)."""
    result = check('cur.execute("SELECT * FROM b.t WHERE x ~ \'\\d+\'")\n')
    assert tables(result) == [(1, "b.t")]
    assert not [w for w in recwarn if issubclass(w.category, (SyntaxWarning, DeprecationWarning))]
