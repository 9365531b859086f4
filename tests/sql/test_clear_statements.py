"""A literal outside any sink that sqlglot cannot parse, but that is clearly a statement,
is token-scanned like the same text at ``execute`` (issue 21, cause 6); prose is not."""

from __future__ import annotations

import pytest

from boundary_lint.pipeline import check_python_source
from boundary_lint.sql.clear_statement import is_clear_statement
from boundary_lint.adapters.config_file import registry_from_mapping

REGISTRY = registry_from_mapping(
    {"services": {"orders": {"owns": ["orders.*"], "search_path": ["orders", "public"]},
                  "algo": {"owns": ["public.strategy", "public.portfolio"]}}}
)

UNPARSABLE = [
    "SELECT p.id, sum(p.weight, 0) FROM public.portfolio p GROUP BY 1",
    "CREATE TEMP TABLE ids ON COMMIT DROP AS SELECT id FROM public.strategy WHERE x = sum(a, b)",
    "UPDATE public.strategy SET w = sum(w, 1) WHERE id = %s",
]


@pytest.mark.parametrize("sql", UNPARSABLE)
def test_an_unparsable_statement_outside_sinks_is_scanned_with_a_warning(sql):
    result = check_python_source("m.py", f"Q = {sql!r}\n", REGISTRY, "orders")
    assert [(f.line, f.code) for f in result.findings] == [(1, "BND101" if sql.startswith("UPDATE") else "BND100")]
    # sqlglot fails on sum(a, b) (a warning) or reads ON COMMIT DROP as an opaque command
    assert all(not p.fatal and "scanned for table names" in p.message for p in result.problems)


@pytest.mark.parametrize("text", [
    "delete from public.strategy where you no longer need them",
    "select the rows you want from public.strategy below",
    "UPDATE of public.strategy is not allowed from billing",
    "INSERT INTO public.strategy failed: the database is down",
    "update the docs: select from public.strategy",
    "with the strategy from public.strategy",
])
def test_prose_is_not_a_clear_statement(text):
    assert not is_clear_statement(text)
    assert check_python_source("m.py", f"Q = {text!r}\n", REGISTRY, "orders").findings == []


@pytest.mark.parametrize("text", UNPARSABLE + [
    "WITH a AS (SELECT 1) SELECT * FROM a",
    "INSERT INTO public.strategy (id) VALUES (1)",
    "DELETE FROM public.strategy WHERE id = 1",
    'COPY "public"."strategy" (id, w) FROM STDIN',
])
def test_statements_are(text):
    assert is_clear_statement(text)
