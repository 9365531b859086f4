"""A module helper that names a table is followed to its calls (issue 21, cause 8)."""

from __future__ import annotations

from boundary_lint.adapters.config_file import registry_from_mapping
from expectations import python_findings

REGISTRY = registry_from_mapping(
    {"services": {"orders": {"owns": ["orders.*"], "search_path": ["orders", "public"]},
                  "algo": {"owns": ["public.strategy", "market.*"]}}}
)


def found(source):
    return [(f[0],) + f[2:] for f in python_findings(source, REGISTRY, "orders")]


def test_each_call_of_a_reflecting_helper_maps_its_table():
    source = '''
import sqlalchemy as sa
meta = sa.MetaData()


def table(name):
    """The reflected table."""
    return meta.tables[name]


def f(conn):
    return table("strategy"), table("orders.basket"), table("market.quotes")
'''
    assert found(source) == [(12, "BND106", "public.strategy"), (12, "BND106", "market.quotes")]


def test_a_schema_parameter_is_followed_too_and_the_template_is_no_finding():
    source = '''
import sqlalchemy as sa


def table(name, schema=None):
    return sa.Table(name, sa.MetaData(), schema=schema, autoload_with=ENGINE)


def f():
    return table("quotes", schema="market"), table("basket", "orders")
'''
    assert found(source) == [(10, "BND106", "market.quotes")]


def test_a_function_that_only_uses_its_argument_is_no_helper():
    source = '''
def table(name):
    print(name)
    return name.title()


def f():
    return table("strategy")
'''
    assert found(source) == []
