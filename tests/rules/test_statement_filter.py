"""Statements proved finding-free are not parsed (sql_skip): the findings stay the same.

Each file of every corpus is checked as each service of its registry (not only its
owner: more registry shapes per statement), with the proof and with every statement
parsed; then random statements under registries of every ownership shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boundary_lint.pipeline import check_python_source, check_sql_source, decode_source
from boundary_lint.adapters.config_file import load_registry
from boundary_lint.registry import Registry, Service, Settings
from conftest import FIXTURES
from fuzz_strategies import sql_statement, sql_text_or_statements

TESTS = Path(__file__).parents[1]
ROOT = TESTS.parent
CORPORA = [FIXTURES / "platform", FIXTURES / "orm_project", FIXTURES / "split", TESTS / "corpus",
           TESTS / "corpus_holdout", ROOT / "examples" / "order_service"]


def outcome(result):
    """What a user sees of a file's result, problems aside (a statement proved finding-free
    is not parsed, so sqlglot's complaint about it is no longer heard)."""
    return result.findings, result.suppressed, result.unused


def both(path: Path, text: str, registry: Registry, service: str):
    check = check_sql_source if path.suffix == ".sql" else check_python_source
    display = str(path)
    return [outcome(check(display, text, registry, service, prove=prove)) for prove in (True, False)]


@pytest.mark.parametrize("root", [r for r in CORPORA if (r / "boundaries.toml").exists()], ids=lambda p: p.name)
def test_the_proof_loses_no_finding_on_the_corpora_as_any_service(root):
    registry = load_registry(root / "boundaries.toml")
    compared = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".sql") or ".boundary_lint_cache" in path.parts:
            continue
        text, problem = decode_source(path.read_bytes(), str(path), path.suffix == ".py")
        if problem is not None:
            continue
        for service in registry.services:
            proved, parsed = both(path, text, registry, service)
            assert proved == parsed, (path, service)
            compared += bool(parsed[0])
    assert compared > 0  # some file gives findings: the comparison saw them


def _registries():
    """One service ``app`` under test beside others, in each ownership shape the rules know."""
    others = {
        "strategies": Service("strategies", owns=("public.strategy", "public.portfolio", '"Public"."Strategy"')),
        "accounts": Service("accounts", owns=("accounts.*", "users"), search_path=("accounts",)),
        "orders": Service("orders", owns=("orders.*", "tradingdb.accou*")),
    }
    shapes = [
        Service("app", owns=("app.*",), search_path=("app",)),  # a whole schema, searched first
        Service("app", owns=("public.*",)),  # the shared public schema (other entries more specific)
        Service("app", owns=("backtests", "market.quotes"), search_path=("market", "public"),
                may_read=("public.strategy",)),
        Service("app", owns=("bl_hole_*", "x"), search_path=("public",)),
    ]
    settings = [Settings(), Settings(ignore=("public.portfolio", "audit"), isolation="database")]
    return [Registry({"app": app, **others}, s) for app in shapes for s in settings]


REGISTRIES = _registries()


@given(st.lists(st.one_of(sql_text_or_statements(), sql_statement()), min_size=1, max_size=4),
       st.sampled_from(range(len(REGISTRIES))))
def test_the_proof_loses_no_finding_on_random_statements(statements, which):
    text = ";\n".join(statements)
    proved, parsed = both(Path("m.sql"), text, REGISTRIES[which], "app")
    assert proved == parsed


@given(sql_statement(), st.sampled_from(range(len(REGISTRIES))))
def test_the_proof_loses_no_finding_in_python_sinks(statement, which):
    source = f"def f(cur, value):\n    cur.execute({statement!r})\n    cur.execute(f'SELECT * FROM {{value}}')\n"
    proved, parsed = both(Path("m.py"), source, REGISTRIES[which], "app")
    assert proved == parsed


NAMES = st.sampled_from(["o", "billing", "public", "app", "accounts", "orders", "users", "excluded", "new"])
TABLE = st.builds(lambda s, t: f"{s}.{t}" if s else t, st.sampled_from(["", "public", "app", "accounts", "billing"]),
                  st.sampled_from(["strategy", "orders", "users", "invoices", "portfolio"]))
ALIAS_TEMPLATES = [
    "SELECT {a}.{c}, {b}.{c} FROM {t} {a} JOIN {t2} {b} ON {b}.{c} = {a}.{c} WHERE {a}.{c} > 1",
    "SELECT {a}.{c} FROM {t} {a}, {a}.{c}",
    "SELECT {a}.{c} FROM {t} AS {a} WHERE {a}.{c} IN (SELECT {b}.{c} FROM {t2} {b})",
    "UPDATE {t} {a} SET {c} = {b}.{c} FROM {t2} {b} WHERE {a}.{c} = {b}.{c} RETURNING {a}.{c}",
    "INSERT INTO {t} ({c}) SELECT {b}.{c} FROM {t2} {b} ON CONFLICT ({c}) DO UPDATE SET {c} = {a}.{c}",
    "DELETE FROM {t} {a} USING {t2} {b} WHERE {a}.{c} = {b}.{c}",
    "SELECT count({a}.{c}) FROM {t} {a} GROUP BY {a}.{c} HAVING max({b}.{c}) > 0 ORDER BY {a}.{c}",
    "SELECT {a}.{c} FROM {t} {a} LEFT JOIN LATERAL (SELECT * FROM {a}.{c}) {b} ON true",
    "SELECT (SELECT {b}.{c} FROM {t2} {b} WHERE {b}.{c} = {a}.{c}) FROM {t} {a}",
    "SELECT * FROM {t} {a} WHERE EXISTS (SELECT 1 FROM {a}.{c} WHERE {a}.{c} = 1)",
    "CREATE INDEX i ON {a}.{c} ({c})",
    "GRANT SELECT ON {a}.{c} TO {b}",
    "SELECT {a}.{c} FROM {t} {a} UNION TABLE {b}.{c}",
    "SELECT {a}.{c} FROM ({t} {a} JOIN {b}.{c} x ON x.{c} = {a}.{c})",
    "SELECT * FROM {t} {a} WHERE NOT EXISTS (SELECT 1 FROM {t2} {b} WHERE {b}.{c} = {a}.{c}) AND {a}.{c} = 1",
    "DROP TABLE IF EXISTS {a}.{c}",
    "CREATE TABLE IF NOT EXISTS {a}.{c} (id int REFERENCES {b}.{c} (id))",
    "INSERT INTO {t} ({c}) VALUES ({a}.{c}), ((SELECT {c} FROM {a}.{c}))",
    "MERGE INTO {t} {a} USING {t2} {b} ON {a}.{c} = {b}.{c} WHEN MATCHED THEN UPDATE SET {c} = {b}.{c} "
    "WHEN NOT MATCHED THEN INSERT ({c}) VALUES ({b}.{c})",
    "CREATE TRIGGER tr AFTER INSERT ON {a}.{c} FOR EACH ROW WHEN (new.{c} = 1) EXECUTE PROCEDURE f()",
    "SELECT CASE WHEN {a}.{c} = 1 THEN {b}.{c} ELSE 0 END FROM {t} {a}, {t2} {b}",
    "SELECT {a}.{c} FROM {t} {a} FOR UPDATE OF {a}",
    "SELECT {a}.{c}, lock, {b}.{c} FROM {t} {a}, {t2} {b}",
    "LOCK TABLE {a}.{c} IN SHARE MODE",
]


@st.composite
def aliased_statement(draw) -> str:
    """Aliases that are also schema names, dotted names in every clause: where ``o.id`` is a
    column and where it is a table."""
    template = draw(st.sampled_from(ALIAS_TEMPLATES))
    fields = {"a": NAMES, "b": NAMES, "t": TABLE, "t2": TABLE,
              "c": st.sampled_from(["id", "strategy", "orders", "invoices", "users"])}
    return template.format(**{k: draw(v) for k, v in fields.items()})


@given(st.lists(aliased_statement(), min_size=1, max_size=3), st.sampled_from(range(len(REGISTRIES))))
def test_the_proof_loses_no_finding_where_aliases_look_like_schemas(statements, which):
    text = ";\n".join(statements)
    proved, parsed = both(Path("m.sql"), text, REGISTRIES[which], "app")
    assert proved == parsed


def test_a_dump_past_the_parse_budget_is_read_to_its_end():
    """12,000 INSERTs of the service's own tables used to spend the file's budget of
    10,000 parses: the statement crossing the boundary after them was only scanned, with
    a warning. Proved finding-free, they cost no parse; the last statement is parsed."""
    rows = "".join(f"INSERT INTO app.orders (id, note) VALUES ({n}, 'it''s; n{n}');\n" for n in range(12_000))
    text = rows + "SELECT o.id FROM app.orders o JOIN billing.invoices i ON i.id = o.id;\n"
    registry = Registry({"app": Service("app", owns=("app.*",), search_path=("app",)),
                         "billing": Service("billing", owns=("billing.*",))})
    result = check_sql_source("dump.sql", text, registry, "app")
    found = [(f.line, f.column, f.code, f.table) for f in result.findings]
    assert found == [(12_001, 36, "BND100", "billing.invoices")]
    assert result.problems == []
    assert result.coverage["parsed"] == 1


PLACEHOLDERS = st.sampled_from(["%s", "%(key)s", "$1", ":key", "?"])
PLACEHOLDER_TEMPLATES = [
    "SELECT {p}::varchar, a FROM {t} WHERE ({p}::text IS NULL OR a = {p}) AND b IN {p} ORDER BY {p} LIMIT {p}",
    "SELECT * FROM {p}",
    "SELECT * FROM {t} JOIN {p} ON true",
    "SELECT * FROM {t}, {p} WHERE a = {p}",
    "SELECT * FROM {t} WHERE a IN (SELECT b FROM {p})",
    "SELECT * FROM {t} WHERE EXISTS (SELECT 1 FROM {p} WHERE c = {p})",
    "INSERT INTO {p} (a) VALUES ({p})",
    "INSERT INTO {t} (a) VALUES ({p}) ON CONFLICT (a) DO UPDATE SET a = {p} RETURNING {p}",
    "UPDATE {t} SET a = {p} FROM {p} WHERE b = {p}",
    "UPDATE {p} SET a = {p}",
    "DELETE FROM {t} USING {p} WHERE a = ANY({p})",
    "DELETE FROM {p} WHERE a = {p}",
    "SELECT CASE WHEN a = {p} THEN {p} ELSE {p} END FROM {t} GROUP BY a HAVING count(*) > {p}",
    "SELECT * FROM generate_series(1, {p}) AS g, {t}",
    "TRUNCATE {p}",
    "LOCK TABLE {p}",
    "COPY {p} FROM stdin",
    "DROP TABLE IF EXISTS {p}",
    "CREATE TABLE {p} (id int REFERENCES {p} (id))",
    "SELECT a FROM {t} UNION SELECT b FROM {p}",
    "WITH w AS (SELECT * FROM {p}) SELECT * FROM w WHERE a = {p}",
    "SELECT extract(epoch FROM {p}), a FROM {t}",
]


@st.composite
def placeholder_statement(draw) -> str:
    """Bind parameters in every clause: a value in an expression, a run-time name in a table's place."""
    template = draw(st.sampled_from(PLACEHOLDER_TEMPLATES))
    return template.format(p=draw(PLACEHOLDERS), t=draw(TABLE))


@given(st.lists(placeholder_statement(), min_size=1, max_size=3), st.sampled_from(range(len(REGISTRIES))))
def test_the_proof_loses_no_finding_where_bind_parameters_stand(statements, which):
    text = ";\n".join(statements)
    proved, parsed = both(Path("m.sql"), text, REGISTRIES[which], "app")
    assert proved == parsed


@pytest.mark.parametrize("template", PLACEHOLDER_TEMPLATES)
def test_the_proof_loses_no_finding_with_each_bind_parameter_in_each_place(template):
    for placeholder in ("%s", "%(key)s", "$1", ":key", "?"):
        text = template.format(p=placeholder, t="app.orders")
        for registry in REGISTRIES:
            proved, parsed = both(Path("m.sql"), text, registry, "app")
            assert proved == parsed, (text, registry.services["app"])


def test_a_bind_parameter_in_an_expression_is_a_value_not_parsed_for():
    """procrastinate's queries.sql: ``%(queue)s::varchar IS NULL`` had its statements parsed,
    a bind parameter being a possible run-time table name wherever it stood."""
    from boundary_lint.rules.statement_filter import StatementFilter

    proof = StatementFilter(Registry({"app": Service("app", owns=("app.*",), search_path=("app", "public")),
                                      "billing": Service("billing", owns=("public.*",))}), "app")
    assert proof.may_find("SELECT * FROM %(table)s")  # a run-time table: its owner cannot be known
    assert not proof.may_find("SELECT id FROM jobs WHERE (%(queue)s::varchar IS NULL OR queue = %(queue)s)")
    assert not proof.may_find("UPDATE jobs SET status = $1 WHERE id = $2 RETURNING id")
    assert proof.may_find("UPDATE jobs SET status = $1 FROM $2 WHERE id = 1")


def test_a_column_named_lock_leaves_the_select_list_an_expression():
    from boundary_lint.rules.statement_filter import StatementFilter

    proof = StatementFilter(Registry({"app": Service("app", owns=("app.*",), search_path=("app", "public")),
                                      "billing": Service("billing", owns=("public.*",))}), "app")
    assert not proof.may_find("SELECT job.id, lock, max(event.at) FROM jobs job JOIN events event ON true")
    assert proof.may_find("LOCK TABLE event.at")
    assert proof.may_find("SELECT id, lock FROM event.at")


@given(st.lists(st.one_of(sql_text_or_statements(), sql_statement()), min_size=1, max_size=4),
       st.sampled_from(range(len(REGISTRIES))))
def test_the_proof_loses_no_finding_in_a_transaction_writing_elsewhere(statements, which):
    """A file whose transaction writes another owner's table is read a second time with the
    statements that may write parsed too (the service's own writes count for BND108)."""
    text = "BEGIN;\n" + ";\n".join(statements) + ";\nUPDATE public.strategy SET w = 0;\nCOMMIT;\n"
    proved, parsed = both(Path("m.sql"), text, REGISTRIES[which], "app")
    assert proved == parsed


def test_a_transaction_s_second_reading_parses_its_writes_not_its_reads(monkeypatch):
    """A test module's transaction writing two owners: its own write is parsed again (BND108
    names it), its forty SELECTs of its own tables are not."""
    from boundary_lint.sql import tree_refs

    parsed = []
    real = tree_refs.statement_refs
    monkeypatch.setattr(tree_refs, "statement_refs", lambda dialect, text, *rest: parsed.append(text) or real(
        dialect, text, *rest))
    reads = "".join(f"    cur.execute('SELECT id FROM app.orders WHERE id = {n}')\n" for n in range(40))
    source = ("def f(conn):\n    with conn.transaction():\n        cur = conn.cursor()\n"
              "        cur.execute('INSERT INTO app.orders (id) VALUES (1)')\n"
              "        cur.execute('UPDATE public.strategy SET w = 0')\n" + reads.replace("    cur", "        cur"))
    registry = REGISTRIES[0]
    result = check_python_source("m.py", source, registry, "app")
    assert not any(text.startswith("SELECT") for text in parsed), parsed
    assert any(text.startswith("INSERT INTO app.orders") for text in parsed)
    assert [f.code for f in result.findings if f.code == "BND108"] == ["BND108"]
    assert outcome(result) == outcome(check_python_source("m.py", source, registry, "app", prove=False))
