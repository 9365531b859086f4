"""Statements without ``;`` between them, and CTE names in the token scan (issue 21, cause 3).

A ``.sql`` file of saved queries often has no semicolons: the statements merge, the
parse fails, and the token scan took each CTE name for a table. Such text splits at a
statement keyword that starts a line after a blank one; the scan knows ``WITH name AS (``.
"""

from __future__ import annotations

import pytest

from boundary_lint.sql.refs import analyze_sql
from boundary_lint.sql.scan import scan_tables
from boundary_lint.sql.split import mask

SAVED = """-- tile one
WITH monthly AS (SELECT date_trunc('month', at) AS m, count(*) AS n FROM o.fills GROUP BY 1)
SELECT m, n FROM monthly

-- tile two
WITH a AS (SELECT id FROM o.accounts), ranked AS (SELECT id, rank() OVER (ORDER BY id) FROM a)
SELECT * FROM ranked JOIN o.orders x ON x.id = ranked.id

SELECT * FROM o.quotes
"""


def tables(sql):
    return [(r.table.qualified(), r.operation.label) for r in analyze_sql(sql).refs]


def test_blocks_without_semicolons_are_statements_of_their_own():
    a = analyze_sql(SAVED)
    assert [r.table.qualified() for r in a.refs] == ["o.fills", "o.accounts", "o.orders", "o.quotes"]
    assert len({r.statement_offset for r in a.refs}) == 3  # o.accounts and o.orders: one statement
    assert a.notices == ()
    assert [SAVED[r.offset:r.offset + 8] for r in a.refs] == ["o.fills ", "o.accoun", "o.orders", "o.quotes"]


def test_a_blank_line_inside_parentheses_does_not_split():
    sql = "SELECT * FROM (\n\nSELECT id FROM o.t\n) x JOIN o.u ON true WHERE bl_hole_0 ( AND"
    assert sorted(t for t, _ in tables(sql)) == ["o.t", "o.u"]


@pytest.mark.parametrize("sql", [
    "WITH recent AS (SELECT * FROM o.t) SELEC * FROM recent",
    "WITH RECURSIVE tree (id, p) AS (SELECT id, p FROM o.t UNION ALL SELECT 1, 2) SELEC * FROM tree",
    "WITH a AS (SELECT 1 FROM o.t), b AS MATERIALIZED (SELECT * FROM a) SELEC * FROM b",
    "WITH a AS NOT MATERIALIZED (SELECT 1 FROM o.t) UPDATE o.t SET x = 1 FROM a",
])
def test_the_token_scan_does_not_take_cte_names_for_tables(sql):
    found = {t.qualified() for _, t, _ in scan_tables(sql, mask(sql))}
    assert found == {"o.t"}


def test_a_qualified_name_like_a_cte_is_still_a_table():
    sql = "WITH recent AS (SELECT 1) SELEC * FROM o.recent JOIN recent ON true"
    assert [t.qualified() for _, t, _ in scan_tables(sql, mask(sql))] == ["o.recent"]
