"""A temporary table is the session's own: neither its creation nor its later use in the
same file is another service's table, though an unqualified name resolves to one."""

from __future__ import annotations

import pytest

from boundary_lint.pipeline import check_python_source, check_sql_source
from boundary_lint.registry_schema import registry_from_mapping

# Unqualified names resolve to public, which the platform owns: without the temporary
# table, each use of `scratch` below would be a finding against platform.
REGISTRY = registry_from_mapping(
    {
        "settings": {"search_path": ["public"]},
        "services": {
            "app": {"owns": ["app.*"]},
            "platform": {"owns": ["public.*"]},
        },
    }
)

SQL_FILE = """\
CREATE TEMP TABLE scratch (id int);
INSERT INTO scratch SELECT id FROM app.orders;
UPDATE scratch SET id = id + 1;
SELECT * FROM scratch JOIN strategy ON strategy.id = scratch.id;
DROP TABLE scratch;
"""

PYTHON_FILE = '''\
def refresh(cur):
    cur.execute("SELECT * FROM scratch")
    cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS scratch AS SELECT id FROM public.strategy")
    cur.execute("SELECT id INTO TEMP snap FROM app.orders")
    cur.execute("DELETE FROM snap")
    cur.execute("DELETE FROM portfolio")
'''


def findings(result):
    assert not result.problems, result.problems
    return [(f.line, f.code, f.table) for f in result.findings]


def test_sql_file_uses_of_its_temporary_table_are_not_findings():
    got = findings(check_sql_source("m.sql", SQL_FILE, REGISTRY, "app"))
    assert got == [(4, "BND100", "public.strategy")]  # the join's real table is still found


def test_python_file_temporary_tables_count_for_the_whole_file():
    got = findings(check_python_source("q.py", PYTHON_FILE, REGISTRY, "app"))
    # the read before the CREATE (text order is not run order) is the temporary table too
    assert got == [(3, "BND100", "public.strategy"), (6, "BND101", "public.portfolio")]


@pytest.mark.parametrize("statement", ["SELECT * FROM public.scratch", "SELECT * FROM other.scratch"])
def test_a_qualified_name_is_never_the_temporary_table(statement):
    registry = registry_from_mapping({"services": {"app": {"owns": ["app.*"]}, "platform": {"owns": ["public.*", "other.*"]}}})
    sql = f"CREATE TEMP TABLE scratch (id int);\n{statement};\n"
    got = findings(check_sql_source("m.sql", sql, registry, "app"))
    assert [(line, code) for line, code, _ in got] == [(2, "BND100")]


def test_a_table_of_the_same_name_in_another_file_is_still_found():
    got = findings(check_sql_source("other.sql", "SELECT * FROM scratch;\n", REGISTRY, "app"))
    assert got == [(1, "BND100", "public.scratch")]
