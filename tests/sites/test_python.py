"""Where SQL comes from in Python: sinks, literals, composition, and what is prose."""

from __future__ import annotations


import pytest

from boundary_lint.pipeline import check_python_source
from boundary_lint.adapters.config_file import registry_from_mapping
from expectations import at, python_findings

REGISTRY = registry_from_mapping(
    {
        "settings": {"sinks": ["run_query"]},
        "services": {
            "orders": {"owns": ["orders.*"], "search_path": ["orders", "public"]},
            "algo": {"owns": ["public.strategy", "public.portfolio"]},
            "users": {"owns": ["users.*"]},
        },
    }
)


def findings(source: str, service: str = "orders"):
    return python_findings(source, REGISTRY, service)


@pytest.mark.parametrize(
    "call",
    [
        'cur.execute("SELECT * FROM public.strategy")',
        'cur.executemany("SELECT * FROM public.strategy", rows)',
        'await conn.fetchval("SELECT * FROM public.strategy")',
        'await conn.fetchrow("SELECT * FROM public.strategy")',
        'conn.exec_driver_sql("SELECT * FROM public.strategy")',
        'pd.read_sql("SELECT * FROM public.strategy", engine)',
        'pd.read_sql_query(sql="SELECT * FROM public.strategy", con=engine)',
        'op.execute("SELECT * FROM public.strategy")',
        'session.execute(text("SELECT * FROM public.strategy"))',
        'run_query("SELECT * FROM public.strategy")',  # a sink added in settings
        'db.execute(query="SELECT * FROM public.strategy")',
    ],
)
def test_every_sink_is_checked(call):
    assert [f[2:] for f in findings(f"async def f():\n    {call}\n")] == [("BND100", "public.strategy")]


def test_sql_looking_literals_anywhere_are_checked():
    source = '''
    QUERY = "SELECT * FROM public.strategy"

    class Repo:
        SQL = "delete from public.portfolio where id = %s"

        def f(self, sql="UPDATE public.strategy SET x = 1"):
            pass
    '''
    assert findings(source) == [
        (*at(source, "public.strategy"), "BND100", "public.strategy"),
        (*at(source, "public.portfolio"), "BND101", "public.portfolio"),
        (*at(source, "public.strategy", 1), "BND101", "public.strategy"),
    ]


@pytest.mark.parametrize(
    "source",
    [
        'def f():\n    """SELECT * FROM public.strategy"""\n',
        '"""Replaces: SELECT * FROM public.strategy"""\n',
        'log.info("SELECT * FROM public.strategy took %s", t)\n',
        'logger.exception(f"INSERT INTO public.portfolio failed for {x}")\n',
        'print("SELECT * FROM public.strategy")\n',
        'warnings.warn("DELETE FROM public.portfolio is deprecated")\n',
        'raise ValueError("SELECT * FROM public.strategy returned nothing")\n',
        'raise DataError(f"UPDATE public.strategy failed: {e}")\n',
        'assert x, "SELECT * FROM public.strategy"\n',
        'HELP = "Select the strategy from public.strategy to continue"\n',
        'HELP = "Update public.portfolio before you start"\n',
        'x = "Copy the portfolio from public.portfolio"\n',
        '# SELECT * FROM public.strategy\n',
        'PATTERN = re.compile(r"SELECT\\s+.*\\s+FROM\\s+(\\w+)")\n',
        '"SELECT * FROM public.strategy"  # a bare string statement is never executed\n',
    ],
)
def test_prose_and_context_are_not_sql(source):
    assert findings(source) == []


def test_a_constant_reached_twice_is_one_finding_in_the_literal():
    source = '''
    SQL = """
        SELECT *
        FROM public.strategy
    """

    def f(cur):
        cur.execute(SQL)
        cur.execute(SQL)
    '''
    assert findings(source) == [(*at(source, "public.strategy"), "BND100", "public.strategy")]


def test_local_variable_bound_once_is_followed():
    source = '''
    def f(cur, sid):
        query = "SELECT * FROM public.strategy WHERE id = %s"
        cur.execute(query, (sid,))
    '''
    assert findings(source) == [(*at(source, "public.strategy"), "BND100", "public.strategy")]


def test_implicit_concatenation_and_plus_keep_exact_positions():
    source = '''
    def f(cur):
        cur.execute(
            "SELECT s.id "
            "FROM public.strategy s "
            + "JOIN public.portfolio p ON p.id = s.pid"
        )
    '''
    assert findings(source) == [
        (*at(source, "public.strategy"), "BND100", "public.strategy"),
        (*at(source, "public.portfolio"), "BND100", "public.portfolio"),
    ]


def test_percent_and_format_holes():
    source = '''
    def f(cur, t, n):
        cur.execute("SELECT * FROM public.%s WHERE x LIKE 'a%%'" % t)
        cur.execute("SELECT * FROM orders.{} WHERE id = {}".format(t, n))
        cur.execute("SELECT '{{x}}' FROM public.strategy WHERE id = {}".format(n))
    '''
    assert findings(source) == [
        (*at(source, "public.%s"), "BND105", "public.{}"),
        (*at(source, "public.strategy"), "BND100", "public.strategy"),
    ]


def test_fstring_fragment_holes_still_parse():
    source = '''
    def f(cur, where, order):
        cur.execute(f"SELECT * FROM public.strategy WHERE {where} ORDER BY {order}")
        cur.execute(f"UPDATE orders.orders SET state = 'x' WHERE {where}")
    '''
    assert findings(source) == [(*at(source, "public.strategy"), "BND100", "public.strategy")]


def test_dynamic_names_are_bnd105_only_when_ownership_is_unknown():
    source = '''
    def f(cur, schema, t):
        cur.execute(f"SELECT * FROM orders.{t}")
        cur.execute(f"SELECT * FROM {schema}.orders")
        cur.execute(f"SELECT * FROM users.{t}")
        cur.execute(f"SELECT * FROM {t}")
        cur.execute("SELECT * FROM %s" % t)
    '''
    assert findings(source) == [
        (*at(source, "{schema}.orders"), "BND105", "{}.orders"),
        (*at(source, "users.{t}"), "BND100", "users.{}"),  # users.* has one owner: a cross-service read
        (*at(source, "{t}\")", 2), "BND105", "{}"),
        (*at(source, "%s\""), "BND105", "{}"),
    ]


def test_one_finding_per_table_per_statement_with_the_strongest_operation():
    source = '''
    SQL = """
    UPDATE public.strategy s SET n = 1
    FROM (SELECT id FROM public.strategy) x, public.portfolio p
    WHERE s.id = x.id
    """
    '''
    assert findings(source) == [
        (*at(source, "public.strategy"), "BND101", "public.strategy"),
        (*at(source, "public.portfolio"), "BND100", "public.portfolio"),
    ]


def test_each_statement_of_a_multi_statement_string_counts():
    source = 'SQL = "SELECT * FROM public.strategy; SELECT 1 FROM public.strategy"\n'
    assert [f[2] for f in findings(source)] == ["BND100", "BND100"]


def test_the_owner_is_never_flagged():
    source = 'def f(cur):\n    cur.execute("DELETE FROM public.strategy")\n'
    assert findings(source, service="algo") == []


def test_syntax_error_is_a_problem_with_its_line():
    result = check_python_source("m.py", "x = 1\ndef f(:\n", REGISTRY, "orders")
    assert result.findings == []
    assert [(p.line, p.fatal) for p in result.problems] == [(2, True)]
    assert "cannot parse as Python" in result.problems[0].message
