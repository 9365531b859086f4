"""Every run says how much of the database access it could judge, so a green run can be weighed."""

from __future__ import annotations

import json

REGISTRY = """
[services.orders]
owns = ["orders.*"]
paths = ["orders/**"]
search_path = ["orders", "public"]

[services.algo]
owns = ["public.strategy"]
paths = ["algo/**"]
"""

ORDERS = '''
from sqlalchemy import ForeignKey


async def reads(db, table, sid):
    await db.execute("SELECT name FROM public.strategy WHERE strategy_id = :id", {"id": sid})
    await db.execute(f"SELECT * FROM public.{table}")
    await db.execute("SELECT FROM WHERE ((( public.strategy JOIN")
    await db.execute("UPDATE orders.orders SET status = 'x'")


strategy_id = ForeignKey("public.strategy.strategy_id")
'''


def project(tmp_path):
    (tmp_path / "boundaries.toml").write_text(REGISTRY)
    (tmp_path / "orders").mkdir()
    (tmp_path / "algo").mkdir()
    (tmp_path / "orders" / "queries.py").write_text(ORDERS)
    (tmp_path / "algo" / "001.sql").write_text("CREATE TABLE public.strategy (strategy_id int);\n")
    return tmp_path


def test_the_text_output_counts_what_was_read_and_how(tmp_path, run_cli):
    result = run_cli("check", "--no-cache", ".", cwd=project(tmp_path))
    coverage = result.out.splitlines()[-2]
    assert coverage == ("coverage: 5 SQL sites read (4 parsed, 1 token-scanned; 1 with a table name built at "
                        "run time), 1 ORM and migration reference")


def test_json_gives_the_counts_for_the_run_and_per_service(tmp_path, run_cli):
    summary = json.loads(run_cli("check", "--no-cache", "--format", "json", ".", cwd=project(tmp_path)).out)["summary"]
    assert summary["coverage"] == {"sql_sites": 5, "parsed": 4, "token_scanned": 1, "dynamic": 1,
                                   "orm_references": 1}
    assert summary["coverage_by_service"] == {
        "algo": {"sql_sites": 1, "parsed": 1, "token_scanned": 0, "dynamic": 0, "orm_references": 0},
        "orders": {"sql_sites": 4, "parsed": 3, "token_scanned": 1, "dynamic": 1, "orm_references": 1}}


def test_a_cached_run_gives_the_same_counts(tmp_path, run_cli, monkeypatch):
    root = project(tmp_path)
    monkeypatch.setenv("BOUNDARY_LINT_CACHE_DIR", str(tmp_path / "cache"))
    first = run_cli("check", ".", cwd=root).out.splitlines()[-2]
    assert run_cli("check", ".", cwd=root).out.splitlines()[-2] == first


def test_statistics_gives_the_counts_per_file(tmp_path, run_cli):
    root = project(tmp_path)
    lines = run_cli("check", "--no-cache", "--statistics", ".", cwd=root).out.splitlines()
    at = lines.index("coverage by file:")
    assert lines[at + 1:at + 3] == [
        "  algo/001.sql: 1 SQL site read (1 parsed, 0 token-scanned; 0 with a table name built at run time), "
        "0 ORM and migration references",
        "  orders/queries.py: 4 SQL sites read (3 parsed, 1 token-scanned; 1 with a table name built at run time), "
        "1 ORM and migration reference"]
    summary = json.loads(run_cli("check", "--no-cache", "--statistics", "--format", "json", ".", cwd=root).out)["summary"]
    assert summary["coverage_by_file"]["orders/queries.py"]["token_scanned"] == 1
    assert "coverage_by_file" not in json.loads(run_cli("check", "--no-cache", "--format", "json", ".", cwd=root).out)["summary"]
