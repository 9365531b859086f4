"""Fuzzing the checker: random and mutated Python and SQL files, random SQL in sinks.

Whatever the input, the checker returns (an exception of ours would show as an
"internal error" problem, a failed SQL analysis as "SQL analysis failed"), gives the
same result twice, points inside the file, finds the same with and without its
pre-filter, and stays within a bounded time. The "ci" hypothesis profile keeps this
to about a minute; ``BOUNDARY_LINT_FUZZ=long`` runs far more examples (README).
"""

from __future__ import annotations

import time
from pathlib import Path

import hypothesmith
from fuzz_strategies import mutated_file, python_with_sql, sql_text, sql_text_or_statements
from hypothesis import event, given, settings
from hypothesis import strategies as st

from boundary_lint.model import INTERNAL_ERROR, FileResult
from boundary_lint.pipeline import check_source
from boundary_lint.registry_schema import registry_from_mapping
from boundary_lint.sql.refs import analyze_sql

REGISTRY = registry_from_mapping({
    "settings": {"ignore": ["audit"]},
    "services": {
        "orders": {"owns": ["order_service.*", "orders"], "search_path": ["order_service", "public"],
                   "may_read": ["user_service.v_trading_accounts"]},
        "algo": {"owns": ["public.strategy", "public.portfolio", "strategy"]},
        "users": {"owns": ["user_service.*", '"Public"."Strategy"']},
    },
})
SECONDS_PER_FILE = 60  # far above any real input; a hang or an exponential blow-up is what it catches
SCALE = settings.default.max_examples
BUGS = (INTERNAL_ERROR, "SQL analysis failed")


def check(data: bytes, suffix: str, prefilter: bool = True) -> FileResult:
    display = "svc/module" + suffix
    return check_source(data, Path(display), display, REGISTRY, "orders", prefilter=prefilter)


def assert_sound(data: bytes, suffix: str) -> FileResult:
    """Every property the checker keeps on any input; returns the first result."""
    started = time.monotonic()
    first = check(data, suffix)
    elapsed = time.monotonic() - started
    event(f"{len(first.findings) and 'findings'} {first.problems and 'problems'}")
    assert elapsed < SECONDS_PER_FILE, f"{elapsed:.1f} s on one file"
    bugs = [p.message for p in first.problems if p.message.startswith(BUGS) or BUGS[1] in p.message]
    assert not bugs, bugs
    second = check(data, suffix)
    assert (first.findings, first.problems, first.suppressed) == (second.findings, second.problems, second.suppressed)
    unfiltered = check(data, suffix, prefilter=False)
    assert unfiltered.findings == first.findings
    lines = max(1, data.count(b"\n") + 1)
    for finding in first.findings:
        assert 1 <= finding.line <= lines and finding.column >= 1, finding
    for problem in first.problems:
        assert 1 <= problem.line <= lines, problem
    return first


@settings(max_examples=SCALE)
@given(source=python_with_sql())
def test_sql_in_sinks(source):
    assert_sound(source.encode("utf-8"), ".py")


@settings(max_examples=SCALE)
@given(sql=st.one_of(sql_text(80), sql_text_or_statements()))
def test_sql_files(sql):
    assert_sound(sql.encode("utf-8"), ".sql")


@settings(max_examples=SCALE)
@given(sql=st.one_of(sql_text(60), sql_text_or_statements()), fallback=st.booleans())
def test_analyze_sql_never_fails_and_points_inside_the_text(sql, fallback):
    analysis = analyze_sql(sql, fallback_scan=fallback)
    assert not [n for n in analysis.notices if n.startswith("SQL analysis failed")], analysis.notices
    for ref in analysis.refs:
        assert 0 <= ref.offset < len(sql) and 0 <= ref.statement_offset <= ref.offset, ref
    assert analyze_sql(sql, fallback_scan=fallback) == analysis


@settings(max_examples=SCALE)
@given(file=mutated_file())
def test_mutated_fixture_and_corpus_files(file):
    path, data = file
    assert_sound(data, path.suffix)


@settings(max_examples=max(5, SCALE // 2))
@given(source=hypothesmith.from_grammar())
def test_random_python_from_the_grammar(source):
    assert_sound(source.encode("utf-8", "surrogatepass"), ".py")


@settings(max_examples=SCALE)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".py", ".sql"]))
def test_random_bytes(data, suffix):
    assert_sound(data, suffix)


PATHOLOGICAL = [
    lambda n: "SELECT " + "(" * n + "1" + ")" * n + " FROM public.strategy",
    lambda n: "SELECT * FROM public.strategy WHERE x IN (" + ",".join(["1"] * n) + ")",
    lambda n: "SELECT 1 FROM public.strategy;\n" * n,
    lambda n: "SELECT * FROM public." + "x" * (n * 10),
    lambda n: "DO $$ BEGIN " + "DELETE FROM public.strategy; " * n,
    lambda n: "SELECT " + "CASE WHEN x THEN " * n + "1" + " END" * n,
    lambda n: "SELECT * FROM " + "(SELECT * FROM " * n + "public.strategy" + ") x" * n,
    lambda n: "/* " * n + "SELECT 1",
    lambda n: "SELECT a\nFROM public.strategy\n" + "WHERE x = 1\n" * n,
]
PYTHON_SHAPES = [
    lambda sql, n: f"cur.execute({sql!r})\n",
    lambda sql, n: f"cur.execute({sql!r} + " + " + ".join(["x"] * n) + ")\n",
    lambda sql, n: "cur.execute(" + " + ".join([repr(sql)] + ["' AND 1 = 1'"] * n) + ")\n",
    lambda sql, n: f"x = {sql!r}\n" + "y = " + " + ".join(["1"] * n) + "\n",
    lambda sql, n: "".join(" " * i + "if x:\n" for i in range(min(n, 99)))
    + " " * min(n, 99) + f"cur.execute({sql!r})\n",
]


@settings(max_examples=max(5, SCALE // 4))
@given(sql_shape=st.sampled_from(PATHOLOGICAL), python_shape=st.sampled_from(PYTHON_SHAPES),
       n=st.integers(1, 3000), as_file=st.booleans())
def test_pathological_sizes(sql_shape, python_shape, n, as_file):
    sql = sql_shape(n)
    if as_file:
        assert_sound(sql.encode("utf-8"), ".sql")
    else:
        assert_sound(python_shape(sql, n).encode("utf-8"), ".py")
