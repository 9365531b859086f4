"""SQL inside SQL strings (issue 21, cause 9): a call's literal argument that is a
statement is analysed; text selected as a value and dynamic format strings are not."""

from __future__ import annotations

import pytest

from boundary_lint.sql.refs import analyze_sql


def tables(sql):
    return sorted((r.table.qualified(), r.operation.label, sql[r.offset:r.offset + len(r.table.name) + 2])
                  for r in analyze_sql(sql).refs)


@pytest.mark.parametrize("sql,expected", [
    ("SELECT * FROM crosstab('SELECT a, b, count(*) FROM o.t GROUP BY 1, 2') AS ct(a int, b int)",
     [("o.t", "read", "o.t")]),
    ("SELECT results_eq($q$SELECT count(*) FROM o.t WHERE x = 1$q$, $q$VALUES (1)$q$, 'ok')",
     [("o.t", "read", "o.t")]),
    ("SELECT throws_ok($$DELETE FROM o.t WHERE x = 1$$, '42501')", [("o.t", "write", "o.t")]),
    ("SELECT cron.schedule('n', '0 3 * * *', $$DELETE FROM o.t WHERE at < now()$$)", [("o.t", "write", "o.t")]),
    ("SELECT is_empty('SELECT 1 FROM o.t WHERE name = ''x''')", [("o.t", "read", "o.t")]),
])
def test_a_statement_passed_to_a_function_is_read(sql, expected):
    assert tables(sql) == expected


@pytest.mark.parametrize("sql", [
    "SELECT 'SELECT * FROM o.t' AS example",
    "SELECT 'a', 'DELETE FROM o.t WHERE x = 1'",
    "SELECT has_table('o', 't', 'select from o.t')",
])
def test_text_that_is_only_a_value_is_not(sql):
    assert analyze_sql(sql).refs == ()


def test_execute_format_with_constant_names_is_read_and_with_identifier_fields_is_not():
    sql = ("DO $$ BEGIN "
           "EXECUTE format('DELETE FROM o.t WHERE k = %L', 1); "
           "EXECUTE format('DELETE FROM o.%I WHERE k = %L', 'u', 1); "
           "EXECUTE format('TRUNCATE %I.%I', 'o', 'v'); END $$")
    assert [r.table.qualified() for r in analyze_sql(sql).refs] == ["o.t"]
