"""``+=`` fragments rebuilt like ``+`` (issue 21, cause 4), and both branches of a
conditional fragment or name as candidates (cause 10)."""

from __future__ import annotations

from boundary_lint.pipeline import check_python_source
from boundary_lint.adapters.config_file import registry_from_mapping

REGISTRY = registry_from_mapping(
    {"services": {"orders": {"owns": ["orders.*"], "search_path": ["orders", "public"]},
                  "algo": {"owns": ["public.strategy", "public.portfolio"]}}}
)


def found(source: str):
    result = check_python_source("m.py", source, REGISTRY, "orders")
    assert not result.problems, result.problems
    return [(f.line, f.code, f.table) for f in result.findings]


def test_an_augmented_fragment_keeps_the_cte_of_the_first():
    source = '''
def report(cur, live):
    q = "WITH recent AS (SELECT id FROM public.strategy) "
    q += "SELECT r.id FROM recent r "
    if live:
        q += "JOIN public.portfolio p ON p.strategy_id = r.id "
    q += "ORDER BY 1"
    cur.execute(q)
'''
    assert found(source) == [(3, "BND100", "public.strategy"), (6, "BND100", "public.portfolio")]


def test_a_parameter_extended_has_no_known_value():
    source = '''
def report(cur, q, n):
    q += " JOIN public.strategy s ON s.id = x.id"
    q *= n
    cur.execute(q)
'''
    assert found(source) == []


def test_both_branches_of_a_conditional_fragment():
    source = '''
def pick(cur, archived, big):
    table = "public.strategy_archive" if archived else "public.strategy"
    cur.execute("SELECT count(*) FROM " + table)
    cur.execute("SELECT * FROM {}".format("public.portfolio" if big else "orders.small"))
    sql = "SELECT 1 FROM public.portfolio" if big else "SELECT 1 FROM orders.basket"
    cur.execute(sql)
'''
    assert found(source) == [(3, "BND104", "public.strategy_archive"), (3, "BND100", "public.strategy"),
                             (5, "BND100", "public.portfolio"), (6, "BND100", "public.portfolio")]


def test_a_table_in_both_branches_is_one_finding():
    source = '''
def f(cur, a):
    cur.execute("SELECT * FROM public.strategy s" + (" WHERE s.live" if a else " WHERE s.id = 1"))
'''
    assert found(source) == [(3, "BND100", "public.strategy")]
