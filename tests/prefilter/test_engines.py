"""The byte pre-filter's two engines -- RE2 (``boundary-lint[fast]``) and pure Python --
find the same lines, and neither loses a SQL-looking literal the checker would read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzz_strategies import literal_shapes, sql_literal_modules
from hypothesis import given, settings

from boundary_lint.prefilter import lines as prefilter
from boundary_lint.pipeline import check_source
from boundary_lint.registry_schema import registry_from_mapping
from project import repository_python_files

FILES = repository_python_files()
needs_re2 = pytest.mark.skipif(prefilter.fast is None, reason="google-re2 (boundary-lint[fast]) not installed")
REGISTRY = registry_from_mapping({"services": {
    "orders": {"owns": ["order_service.*"], "paths": ["**"]},
    "algo": {"owns": ["public.strategy", "public.portfolio"]},
}})


def python_engine_lines(data: bytes):
    found, orm, literals = prefilter._python_triggers(data, ())
    return prefilter._lines_of(data, found), prefilter._lines_of(data, orm), sorted(set(literals))


def re2_engine_lines(data: bytes):
    found, orm, literals = prefilter.fast.triggers(data, ())
    return prefilter._lines_of(data, found), prefilter._lines_of(data, orm), sorted(set(literals))


def test_the_engine_is_the_one_this_run_expects():
    """CI's second stage installs boundary-lint[fast] and sets BOUNDARY_LINT_EXPECT_COMPILED."""
    expected = "re2" if os.environ.get("BOUNDARY_LINT_EXPECT_COMPILED") == "1" else prefilter.engine()
    assert prefilter.engine() == expected


@needs_re2
def test_engines_agree_on_every_file_of_the_repository():
    assert len(FILES) > 100
    for path in FILES:
        data = path.read_bytes()
        assert re2_engine_lines(data) == python_engine_lines(data), path


@needs_re2
@settings(max_examples=300)
@given(text=literal_shapes())
def test_engines_agree_on_literal_shapes(text):
    data = text.encode("utf-8")
    assert re2_engine_lines(data) == python_engine_lines(data)


@settings(max_examples=300)
@given(source=sql_literal_modules())
def test_no_sql_literal_shape_is_skipped(source):
    """Every generated module holds a cross-service read: found with and without the filter."""
    data = source.encode("utf-8")
    compile(data, "m.py", "exec")  # the strategy makes valid Python
    path = Path("svc/m.py")
    filtered = check_source(data, path, "m.py", REGISTRY, "orders", prefilter=True)
    unfiltered = check_source(data, path, "m.py", REGISTRY, "orders", prefilter=False)
    assert filtered.findings == unfiltered.findings
    assert unfiltered.findings, source


@needs_re2
def test_engines_decide_alike_on_every_file_of_the_repository(monkeypatch):
    """The RE2 walk to the first SQL literal gives the Python lexer's answer."""
    with_re2 = [prefilter.trigger_lines(path.read_bytes()) for path in FILES]
    monkeypatch.setattr(prefilter, "fast", None)
    assert [prefilter.trigger_lines(path.read_bytes()) for path in FILES] == with_re2


@needs_re2
@settings(max_examples=300)
@given(text=literal_shapes())
def test_engines_decide_alike_on_literal_shapes(text):
    data = text.encode("utf-8")
    with_re2 = prefilter.trigger_lines(data)
    saved, prefilter.fast = prefilter.fast, None
    try:
        assert prefilter.trigger_lines(data) == with_re2
    finally:
        prefilter.fast = saved


@needs_re2
@pytest.mark.parametrize("direct", [True, False])
def test_match_spans_are_the_wrappers_finditer_spans(direct, monkeypatch):
    """The RE2 matcher called directly (or, in a wrapper release without it, its finditer)
    gives every match's spans as ``finditer`` does, on every repository file."""
    from boundary_lint.prefilter import re2_engine

    if not direct:
        monkeypatch.setattr(re2_engine, "_UNANCHORED", None)
    pattern = re2_engine._pattern(())
    compared = 0
    for path in FILES[:400]:
        data = path.read_bytes()
        expected = [[m.span(g) for g in range(pattern.groups + 1)] for m in pattern.finditer(data)]
        assert [list(map(tuple, spans)) for spans in re2_engine.match_spans(pattern, data)] == expected, path
        compared += len(expected)
    assert compared > 1000
