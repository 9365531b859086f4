"""A statement text met again in a run is not lexed or parsed again, and its findings are
those a fresh parse gives; the file's parse budget is still charged for it."""

from __future__ import annotations

from pathlib import Path

import sqlglot

from boundary_lint.adapters.runner import run_paths
from boundary_lint.registry import Registry, Service
from boundary_lint.sql import memo
from boundary_lint.sql.refs import MAX_STATEMENTS_PER_FILE as MAX, SqlBudget, analyze_sql

REGISTRY = Registry({"app": Service("app", owns=("app.*",), search_path=("app",), paths=("**",)),
                     "billing": Service("billing", owns=("billing.*",))})


def _count_parses(monkeypatch) -> list:
    calls = []
    original = sqlglot.Dialect.parse

    def counted(self, sql, **options):
        calls.append(sql)
        return original(self, sql, **options)

    monkeypatch.setattr(sqlglot.Dialect, "parse", counted)
    return calls


def test_a_query_in_many_functions_and_files_is_parsed_once(tmp_path: Path, monkeypatch):
    handler = ('def get_{n}(cur, key):\n'
               '    cur.execute("SELECT i.total FROM billing.invoices i WHERE i.id = %s", (key,))\n')
    for f in range(3):
        (tmp_path / f"views_{f}.py").write_text("".join(handler.format(n=n) for n in range(4)))
    parses = _count_parses(monkeypatch)
    result = run_paths([str(tmp_path)], REGISTRY, service="app", jobs=1, use_cache=False)
    assert len(result.findings) == 12  # each call is its own finding, at its own line
    assert sorted({(f.path, f.line) for f in result.findings}) == sorted(
        (str(tmp_path / f"views_{f}.py"), 2 * n + 2) for f in range(3) for n in range(4))
    assert len(parses) == 1


def test_each_run_starts_afresh(tmp_path: Path, monkeypatch):
    (tmp_path / "views.py").write_text('def f(cur):\n    cur.execute("SELECT * FROM billing.invoices")\n')
    parses = _count_parses(monkeypatch)
    for _ in range(2):
        run_paths([str(tmp_path)], REGISTRY, service="app", jobs=1, use_cache=False)
    assert len(parses) == 2


def test_a_remembered_text_is_charged_to_the_budget():
    memo.forget()
    sql = "SELECT * FROM billing.invoices; SELECT * FROM billing.payments"
    first = analyze_sql(sql, budget=SqlBudget())
    spent = SqlBudget(statements=1)
    again = analyze_sql(sql, budget=spent)  # too little budget left: analysed afresh, one scanned
    assert first.parsed and not again.parsed and spent.skipped == 1
    assert [r.table.qualified() for r in again.refs] == [r.table.qualified() for r in first.refs]
    enough = SqlBudget(statements=2)
    assert analyze_sql(sql, budget=enough) is first and enough.statements == 0



BODY = ("CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        "    UPDATE app.orders SET n = n + 1 WHERE id = NEW.id;\n    PERFORM 1;\n    RETURN NEW;\nEND;\n$$;\n")


def test_a_function_body_met_again_is_not_read_again_and_finds_the_same(tmp_path: Path, monkeypatch):
    """Migrations redefine the same functions: a body that gave nothing is remembered for the
    run (by its text); one that crosses a boundary is read in every file and found in each."""
    crossing = BODY.replace("UPDATE app.orders", "UPDATE billing.invoices")
    for n in range(3):
        (tmp_path / f"{n:04d}_own.sql").write_text(f"-- migration {n}\n" + BODY)
        (tmp_path / f"{n:04d}_cross.sql").write_text(f"-- migration {n}\n\n" + crossing)
    from boundary_lint.sql import split

    bodies_read = []
    original = split.plpgsql_units
    monkeypatch.setattr("boundary_lint.sql.refs.plpgsql_units",
                        lambda text, s, e, lexed=None: bodies_read.append(text[s:e]) or original(text, s, e, lexed))
    result = run_paths([str(tmp_path)], REGISTRY, service="app", jobs=1, use_cache=False)
    assert sorted((Path(f.path).name, f.line, f.code) for f in result.findings) == [
        (f"{n:04d}_cross.sql", 5, "BND101") for n in range(3)]
    assert len(bodies_read) == 4  # the own body once, the crossing one in each of the three files


def test_a_remembered_body_is_charged_to_the_budget():
    """Its parsed statements count against the file's budget as if read again; with too little
    budget left it is read afresh, and what cannot be parsed is said so."""
    memo.forget()
    body = BODY.replace("PERFORM 1;", "PERFORM app.f(x);")  # parsed: the proof below lets it through

    def proof(masked):
        return "app.f" in masked

    first = SqlBudget()
    analyze_sql("SELECT 1; " + body, budget=first, may_find=proof)
    assert MAX - first.statements == 1
    again = SqlBudget()
    analyze_sql("SELECT 2; " + body, budget=again, may_find=proof)  # another text: only the body is met again
    assert MAX - again.statements == 1 and not again.skipped
    spent = SqlBudget(statements=0)
    analyze_sql("SELECT 3; " + body, budget=spent, may_find=proof)
    assert spent.skipped == 1
