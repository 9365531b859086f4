"""A module's own query helpers are sinks (issue 21, cause 6): a function or method that
passes an argument unchanged to a known sink makes that argument SQL at its calls."""

from __future__ import annotations

from boundary_lint.pipeline import check_python_source
from boundary_lint.adapters.config_file import registry_from_mapping

REGISTRY = registry_from_mapping(
    {"services": {"orders": {"owns": ["orders.*"], "search_path": ["orders", "public"]},
                  "algo": {"owns": ["public.strategy", "public.portfolio"]}}}
)


def found(source: str):
    result = check_python_source("m.py", source, REGISTRY, "orders")
    return [(f.line, f.code, f.table) for f in result.findings], [p.message for p in result.problems]


HELPERS = '''
def q(cur, statement, params=()):
    cur.execute(statement, params)
    return cur.fetchall()


class Dao:
    def _all(self, sql, *params):
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
'''


def test_an_unparsable_text_passed_to_a_helper_is_scanned_like_one_passed_to_execute():
    source = HELPERS + '''
def weights(cur):
    return q(cur, "SELECT p.id FROM public.portfolio p FOR NO KEY SHARE OF p OOPS")
'''
    findings, problems = found(source)
    assert findings == [(14, "BND100", "public.portfolio")]
    assert len(problems) == 1 and "scanned for table names" in problems[0]


def test_a_method_helper_by_keyword_and_a_comment_first():
    source = HELPERS + '''
    def exposure(self):
        return self._all(sql="  /* nightly */ (SELECT strategy_id FROM public.strategy)")
'''
    assert found(source)[0] == [(14, "BND100", "public.strategy")]


def test_a_function_that_only_formats_its_argument_is_no_sink():
    source = '''
def shout(cur, message):
    cur.execute("SELECT pg_notify('c', %s)", (message.upper(),))


def f(cur):
    shout(cur, "(delete from public.strategy where nobody looks)")
'''
    assert found(source)[0] == []


def test_the_documented_known_sinks_are_the_checkers():
    """docs/registry.md lists the known sinks for users writing ``settings.sinks``."""
    import re
    from pathlib import Path

    from boundary_lint.prefilter.triggers import SINK_METHODS
    from boundary_lint.sites.python import SQL_KEYWORDS

    doc = (Path(__file__).parents[2] / "docs" / "registry.md").read_text(encoding="utf-8")
    section = doc.split("### `settings.sinks`", 1)[1].split("\n## ", 1)[0]
    known = section.split("frameworks' own", 1)[1].split("; `sinks` adds yours", 1)[0]
    listed = set(re.findall(r"`(\w+)`", known)) | {"raw"} if "objects.raw" in known else set()
    assert listed == set(SINK_METHODS) | {"raw"}
    keywords = section.split("**The SQL argument**", 1)[1].split("else the first", 1)[0]
    assert set(re.findall(r"`(\w+)=`", keywords)) == set(SQL_KEYWORDS)


def test_a_listed_sink_matches_a_plain_call_and_a_method():
    registry = registry_from_mapping({"settings": {"sinks": ["one"]}, "services": {
        "orders": {"owns": ["orders.*"]}, "algo": {"owns": ["public.strategy"]}}})
    source = 'def f(db):\n    one("(SELECT 1 FROM public.strategy)")\n    db.one(sql="(SELECT 2 FROM public.strategy)")\n'
    result = check_python_source("m.py", source, registry, "orders")
    assert [(f.line, f.code) for f in result.findings] == [(2, "BND100"), (3, "BND100")]
