"""The reference order service in examples/: the checker's findings are exactly the golden file,
flake8 agrees, and the foreign keys found statically are the ones PostgreSQL holds.

Regenerate the golden file after a deliberate change with
``python -m tests.test_example_order_service`` (from the repository root) and review the diff.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import psycopg

from test_example_migrations_pg import legacy_database, pg_cluster  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/order_service"
GOLDEN = Path(__file__).parent / "golden" / "order_service_findings.json"
KEYS = ("path", "line", "column", "code", "table", "operation", "owner")


def golden_rows(findings):
    return [{k: f[k] for k in KEYS} for f in findings]


def test_check_gives_exactly_the_golden_findings(run_cli):
    result = run_cli("check", "--format", "json", EXAMPLE, cwd=ROOT)
    assert result.code == 1
    assert result.json["errors"] == [] and result.json["warnings"] == []
    assert golden_rows(result.json["findings"]) == json.loads(GOLDEN.read_text())


def test_every_seed_violation_is_found():
    """Each table the seed documents name as another service's is flagged, with its kind."""
    rows = json.loads(GOLDEN.read_text())
    seen = {(r["table"], r["code"]) for r in rows}
    for table in ("public.strategy", "public.portfolio", "public.strategy_portfolio",
                  "public.kite_accounts", "public.holdings", "public.instrument_registry",
                  "public.strategy_pnl_metrics"):
        assert any(t == table for t, _ in seen), table
    assert ("public.portfolio", "BND101") in seen  # INSERT INTO public.portfolio
    assert ("public.kite_accounts", "BND101") in seen  # UPDATE public.kite_accounts
    assert ("public.strategy_pnl_metrics", "BND101") in seen  # the P&L upsert
    assert ("public.strategies", "BND102") in seen  # migration FKs


def test_clean_modules_give_nothing():
    rows = json.loads(GOLDEN.read_text())
    flagged = {Path(r["path"]).name for r in rows}
    for clean in ("order_book_service.py", "gtt_order_service.py", "models.py"):
        assert clean not in flagged
    assert not any("/clients/" in r["path"] for r in rows)


def test_the_split_codes_report_what_the_readme_says(run_cli, tmp_path):
    """No BND108 (the one-session writes are one owner's, or committed by the caller); BND107 only
    once the registry says the services head to separate databases, at the four statements named."""
    copy = tmp_path / "order_service"
    shutil.copytree(ROOT / EXAMPLE, copy, ignore=shutil.ignore_patterns("tests"))
    today = run_cli("check", "--no-cache", "--format", "json", ".", cwd=copy)
    registry = copy / "boundaries.toml"
    registry.write_text(registry.read_text().replace("[settings]\n", '[settings]\nisolation = "database"\n', 1))
    split = run_cli("check", "--no-cache", "--format", "json", ".", cwd=copy)
    assert today.code == split.code == 1
    assert not [f for f in today.json["findings"] + split.json["findings"] if f["code"] == "BND108"]
    assert not [f for f in today.json["findings"] if f["code"] == "BND107"]
    assert {(f["path"], f["line"], f["table"]) for f in split.json["findings"] if f["code"] == "BND107"} == {
        ("app/services/position_service.py", 32, "public.instrument_registry"),
        ("migrations/006_add_strategy_foreign_keys.sql", 9, "public.strategies"),
        ("migrations/006_add_strategy_foreign_keys.sql", 22, "public.strategies"),
        ("migrations/006_add_strategy_foreign_keys.sql", 32, "public.strategies")}
    readme = (ROOT / EXAMPLE / "README.md").read_text()
    assert "BND108 (transactions across owners) reports nothing" in readme and "it reports 4 statements" in readme


def test_flake8_gives_the_same_python_findings():
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "BND", EXAMPLE + "/app"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    flake8_rows = set()
    for line in proc.stdout.splitlines():
        path, lineno, col, rest = line.split(":", 3)
        flake8_rows.add((path, int(lineno), int(col), rest.split()[0]))
    golden = {(r["path"], r["line"], r["column"], r["code"])
              for r in json.loads(GOLDEN.read_text()) if r["path"].endswith(".py")}
    assert flake8_rows == golden, proc.stderr


def test_static_foreign_keys_agree_with_the_database(run_cli, legacy_database):  # noqa: F811
    """After 001-006 the catalog holds the FKs the checker reported; after 007, none (and no finding)."""
    migrations = pg_cluster.migration_paths()
    static = Counter()
    for path in migrations[:6]:
        result = run_cli("check", "--format", "json", "--select", "BND102", str(path), cwd=ROOT)
        static.update(f["table"] for f in result.json["findings"])
    pg_cluster.apply_sql_files(legacy_database, migrations[:6])
    with psycopg.connect(legacy_database) as conn:
        live = Counter(referenced for _, referenced, _ in pg_cluster.cross_schema_foreign_keys(conn))
    assert static == live and sum(live.values()) == 3

    fix = run_cli("check", "--format", "json", str(migrations[6]), cwd=ROOT)
    assert fix.json["findings"] == []
    pg_cluster.apply_sql_files(legacy_database, migrations[6:])
    with psycopg.connect(legacy_database) as conn:
        assert pg_cluster.cross_schema_foreign_keys(conn) == set()


if __name__ == "__main__":  # regenerate the golden file
    out = subprocess.run(
        [sys.executable, "-m", "boundary_lint.cli", "check", "--format", "json", EXAMPLE],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout
    GOLDEN.write_text(json.dumps(golden_rows(json.loads(out)["findings"]), indent=1) + "\n")
    print(f"wrote {GOLDEN}")
