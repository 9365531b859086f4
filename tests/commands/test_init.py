"""boundary-lint init: a reviewable boundaries.toml drafted from the code, never over an existing file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from boundary_lint.adapters.config_file import load_registry
from project import make_project

CODE = {
    "order_service/migrations/001_orders.sql": """\
        CREATE SCHEMA order_service;
        CREATE TABLE order_service.orders (id BIGINT PRIMARY KEY, strategy_id BIGINT REFERENCES public.strategy(id));
        CREATE TABLE order_service.fills (id BIGINT PRIMARY KEY);
        """,
    "order_service/app/reads.py": """\
        def strategies(cur):
            cur.execute("SELECT * FROM public.strategy")
            cur.execute("INSERT INTO order_service.fills (id) VALUES (1)")
        """,
    "algo_engine/migrations/001.sql": """\
        CREATE TABLE public.strategy (id BIGINT PRIMARY KEY, "Label" TEXT);
        CREATE TABLE "Public"."Odd" (id INT);
        """,
    "algo_engine/jobs.py": """\
        def run(cur, name):
            cur.execute("UPDATE public.strategy SET note = 1")
            cur.execute(f"SELECT * FROM {name}")  # built at run time: not drafted
            cur.execute("SELECT * FROM pg_catalog.pg_tables")
        """,
    "manage.py": """\
        def legacy(cur):
            cur.execute("SELECT * FROM legacy_report")
        """,
}


def draft(run_cli, tmp_path, *args):
    for name, text in CODE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = run_cli("init", *args, cwd=tmp_path)
    return result


def test_draft_groups_tables_by_top_level_folder(run_cli, tmp_path):
    result = draft(run_cli, tmp_path)
    assert result.code == 0, result.err
    assert "wrote boundaries.toml: 3 services" in result.err
    registry = load_registry(tmp_path / "boundaries.toml")
    services = registry.services
    assert len(services) == 3 and {"order_service", "algo_engine"} <= set(services)
    assert services["order_service"].paths == ("order_service/**",)
    assert services["order_service"].owns == ("order_service.*",)
    assert set(services["algo_engine"].owns) == {'"Public".*', "public.strategy"}
    root = next(s for s in services.values() if s.paths == ("*",))
    assert root.owns == ("public.legacy_report",)
    text = (tmp_path / "boundaries.toml").read_text()
    assert "#   public.strategy (reads 1, FKs to it 1) -> algo_engine" in text
    assert "pg_tables" not in text and "{}" not in text


def test_the_draft_works_with_check(run_cli, tmp_path):
    assert draft(run_cli, tmp_path).code == 0
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert result.code == 1
    crossings = {(f["service"], f["code"], f["table"], f["owner"]) for f in result.json["findings"]}
    assert ("order_service", "BND100", "public.strategy", "algo_engine") in crossings
    assert ("order_service", "BND102", "public.strategy", "algo_engine") in crossings


def test_init_never_overwrites(run_cli, tmp_path):
    make_project(tmp_path)
    before = (tmp_path / "boundaries.toml").read_text()
    result = run_cli("init", cwd=tmp_path)
    assert result.code == 2 and "already exists" in result.err
    assert (tmp_path / "boundaries.toml").read_text() == before
    other = run_cli("init", "--output", "draft.toml", cwd=tmp_path)
    assert other.code == 0 and (tmp_path / "draft.toml").exists()


@pytest.mark.parametrize("files", [{}, {"pkg/x.py": "print('hello')\n"}])
def test_init_on_code_without_sql_writes_nothing_and_says_why(run_cli, tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = run_cli("init", cwd=tmp_path)
    assert result.code == 2, result
    assert "no SQL or ORM table use found" in result.err and "wrote nothing" in result.err
    assert not (tmp_path / "boundaries.toml").exists()
    assert "boundary-lint init" in run_cli("check", cwd=tmp_path).err  # the no-registry message says how


def test_init_usage_errors(run_cli, tmp_path):
    assert run_cli("init", "missing-dir", cwd=tmp_path).code == 2
    bad = run_cli("init", "--dialect", "no-such-dialect", cwd=tmp_path)
    assert bad.code == 2 and "dialect" in bad.err
    assert not Path(tmp_path / "boundaries.toml").exists()
