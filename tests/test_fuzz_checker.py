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
from fuzz_strategies import mutated_file, python_with_sql, sql_text
from hypothesis import given, settings
from hypothesis import strategies as st

from boundary_lint.checker import INTERNAL_ERROR, FileResult, check_bytes
from boundary_lint.config import registry_from_mapping
from boundary_lint.sql_refs import analyze_sql

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
    return check_bytes(data, Path(display), display, REGISTRY, "orders", prefilter=prefilter)


def assert_sound(data: bytes, suffix: str) -> FileResult:
    """Every property the checker keeps on any input; returns the first result."""
    started = time.monotonic()
    first = check(data, suffix)
    elapsed = time.monotonic() - started
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
@given(sql=sql_text(80))
def test_sql_files(sql):
    assert_sound(sql.encode("utf-8"), ".sql")


@settings(max_examples=SCALE)
@given(sql=sql_text(60), fallback=st.booleans())
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
