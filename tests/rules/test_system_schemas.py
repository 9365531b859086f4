"""System catalogs are never findings, with a run-time table name too (issue 21, cause 5)."""

from __future__ import annotations

import pytest

from boundary_lint.adapters.config_file import registry_from_mapping
from expectations import python_findings

REGISTRY = registry_from_mapping(
    {"settings": {"ignore": ["audit"]},
     "services": {"orders": {"owns": ["orders.*"]}, "algo": {"owns": ["public.strategy"]}}}
)


@pytest.mark.parametrize("query", [
    'f"SELECT * FROM pg_catalog.{view}"',
    'f"SELECT * FROM information_schema.{view}"',
    '"SELECT * FROM pg_catalog.pg_stat_%s" % view',
    'f"SELECT * FROM audit.{view}"',  # an ignored schema
])
def test_a_system_schema_with_a_run_time_name_is_no_finding(query):
    assert python_findings(f"def f(cur, view):\n    cur.execute({query})\n", REGISTRY, "orders") == []


def test_a_run_time_schema_or_a_shared_one_is_still_bnd105():
    source = 'def f(cur, s, t):\n    cur.execute(f"SELECT * FROM {s}.pg_class")\n    cur.execute(f"SELECT * FROM public.{t}")\n'
    assert [f[2:] for f in python_findings(source, REGISTRY, "orders")] == [
        ("BND105", "{}.pg_class"), ("BND105", "public.{}")]
