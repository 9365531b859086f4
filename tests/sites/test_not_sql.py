"""Text that is not SQL of the registry's dialect is not read as SQL (issue 21, cause 2):
"action: object" labels, DuckDB's INSTALL, N1QL keyspaces, Snowflake's USE."""

from __future__ import annotations

import pytest

from boundary_lint.adapters.config_file import registry_from_mapping
from boundary_lint.sql.refs import analyze_sql
from expectations import python_findings

REGISTRY = registry_from_mapping(
    {"services": {"orders": {"owns": ["orders.*"]}, "algo": {"owns": ["public.strategy"]}}}
)


def findings(source: str):
    return python_findings(source, REGISTRY, "orders")


@pytest.mark.parametrize("label", ["update: strategy", "update: task_status_update_many", "delete: strategy",
                                   "select: strategy_list", "with: strategy weights", "drop: legacy_column"])
def test_a_keyword_and_a_colon_is_a_label(label):
    assert findings(f"PERMISSIONS = [{label!r}, 'other']\n") == []


def test_a_statement_is_still_sql():
    assert [f[2:] for f in findings('Q = "SELECT * FROM public.strategy"\n')] == [("BND100", "public.strategy")]
    assert [f[2:] for f in findings('Q = "SELECT :id::int FROM public.strategy"\n')] == [("BND100", "public.strategy")]


@pytest.mark.parametrize("sql", ["INSTALL spatial FROM community", "INSTALL bl_hole_0 FROM community",
                                 "USE bl_hole_0", "USE warehouse_db", "LOAD httpfs"])
def test_statements_that_name_no_table(sql):
    assert analyze_sql(sql).refs == ()


@pytest.mark.parametrize("sql", ["SELECT RAW name FROM system:keyspaces",
                                 "SELECT * FROM system:indexes WHERE keyspace_id = $1",
                                 "SELEC name FROM system:keyspaces"])
def test_n1ql_keyspaces_are_not_tables(sql):
    assert analyze_sql(sql).refs == ()


def test_at_a_sink_too():
    source = '''
        def setup(cur, name, db):
            cur.execute(f"INSTALL {name} FROM community")
            cur.execute("USE {}".format(db))
            cur.execute("SELECT name FROM system:keyspaces")
            cur.execute("SELECT * FROM public.strategy")
    '''
    assert [f[2:] for f in findings(source)] == [("BND100", "public.strategy")]
