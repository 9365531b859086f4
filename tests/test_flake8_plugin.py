"""The flake8 plugin gives the same findings as the CLI, with ``--jobs`` too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from boundary_lint.codes import RULES

from conftest import FIXTURES, PLATFORM
from expectations import expected_under

LINE = re.compile(r"^(?:\./)?(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>BND\d+) (?P<message>.*)$")


def flake8(*args: str, cwd: Path = PLATFORM) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "BND", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def parse(output: str, notices: bool = False) -> set:
    """flake8's BND lines; the BND9xx notices (about the check, not a table) only with ``notices``."""
    return {
        (m["path"], int(m["line"]), int(m["col"]), m["code"], m["message"])
        for m in map(LINE.match, output.splitlines()) if m and notices == m["code"].startswith("BND9")
    }


def cli_python_findings(run_cli, *args: str) -> set:
    findings = run_cli("check", "--format", "json", *args).json["findings"]
    return {
        (f["path"], f["line"], f["column"], f["code"], f["message"])
        for f in findings if f["path"].endswith(".py")
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_flake8_matches_cli_on_the_fixture_platform(run_cli, jobs):
    proc = flake8("--jobs", jobs, "--exclude", "broken.py", ".")
    assert proc.returncode == 1, proc.stderr
    assert parse(proc.stdout) == cli_python_findings(run_cli, "--exclude", "broken.py", ".")


def test_flake8_reports_statements_and_transactions_across_owners_as_the_cli_does(run_cli):
    split = FIXTURES / "split"
    proc = flake8(".", cwd=split)
    found = parse(proc.stdout)
    labelled = {(path, line, code) for path, line, code, _ in expected_under(split, split)
                if code in ("BND107", "BND108") and path.endswith(".py")}
    assert {(p[0], p[1], p[3]) for p in found if p[3] in ("BND107", "BND108")} == labelled, proc.stderr
    assert ("order_service/reports.py", 6, "BND107") in labelled and any(c == "BND108" for *_, c in labelled)
    cli = run_cli("check", "--format", "json", ".", cwd=split).json["findings"]
    assert found == {(f["path"], f["line"], f["column"], f["code"], f["message"])
                     for f in cli if f["path"].endswith(".py")}
    assert flake8("--select", "BND107", ".", cwd=split).returncode == 1
    assert flake8("--select", "BND108", ".", cwd=split).returncode == 1


def test_flake8_noqa_works(run_cli):
    proc = flake8("order_service/app/suppressed.py")
    assert [(p[1], p[3]) for p in sorted(parse(proc.stdout))] == [(4, "BND101")]


def test_flake8_options_config_and_service(tmp_path):
    (tmp_path / "registry.toml").write_text(
        '[services.orders]\nowns = ["orders.*"]\n[services.algo]\nowns = ["public.strategy"]\n'
    )
    (tmp_path / "x.py").write_text('Q = "SELECT * FROM public.strategy"\n')
    proc = flake8("--boundary-config", "registry.toml", "--boundary-service", "orders", "x.py", cwd=tmp_path)
    assert parse(proc.stdout) == {
        ("x.py", 1, 20, "BND100", "orders reads public.strategy, owned by algo")
    }, proc.stderr
    proc = flake8("--boundary-config", "registry.toml", "x.py", cwd=tmp_path)
    assert proc.stdout == ""  # x.py belongs to no service: not checked


def test_flake8_reports_a_bad_registry(tmp_path):
    (tmp_path / "boundaries.toml").write_text("[services.orders]\nown = []\n")
    (tmp_path / "x.py").write_text("x = 1\n")
    for jobs in ("1", "2"):
        proc = flake8("--boundary-service", "orders", "--jobs", jobs, "x.py", "x.py", cwd=tmp_path)
        assert proc.returncode != 0
        output = proc.stderr + proc.stdout
        assert "boundary-lint: " in output and "did you mean 'owns'" in output
        assert "Traceback" not in output and len(output.strip().splitlines()) <= 2, output


def test_flake8_rejects_an_unknown_bnd_code(tmp_path):
    (tmp_path / "boundaries.toml").write_text('[services.orders]\nowns = ["orders.*"]\n')
    (tmp_path / "x.py").write_text("x = 1\n")
    proc = flake8("--extend-select", "BND999", "x.py", cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" not in proc.stdout + proc.stderr
    assert f"unknown code BND999; codes are {min(RULES)}-{max(RULES)}" in proc.stdout + proc.stderr


def test_flake8_where_a_project_has_no_registry_runs_as_before(tmp_path):
    """The plugin merely installed (flake8's own codes only): no BND output, no notice."""
    (tmp_path / "x.py").write_text('Q = "SELECT * FROM public.strategy"\n')
    proc = subprocess.run([sys.executable, "-m", "flake8", "x.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout == "" and "boundary-lint" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("asked", [("--select", "BND"), ("--extend-select", "BND100"), ("--boundary-service", "x")])
def test_flake8_asked_for_bnd_without_a_registry_fails_and_says_why(tmp_path, asked):
    """A gate that selected the BND checks must not pass having checked nothing."""
    (tmp_path / "x.py").write_text('Q = "SELECT * FROM public.strategy"\n')
    (tmp_path / "y.py").write_text('Q = "SELECT * FROM public.portfolio"\n')
    proc = subprocess.run([sys.executable, "-m", "flake8", "--jobs", "2", *asked, "x.py", "y.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0, proc
    assert "no boundaries.toml was found" in proc.stderr + proc.stdout and "boundary-lint init" in proc.stderr + proc.stdout


def test_flake8_reports_what_the_cli_warns_about_as_notices(run_cli, tmp_path):
    (tmp_path / "boundaries.toml").write_text(
        '[services.orders]\nowns = ["orders.*"]\npaths = ["orders/**"]\n'
        '[services.algo]\nowns = ["public.strategy"]\npaths = ["algo/**"]\n')
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "app.py").write_text(
        "def f(cur):\n"
        '    cur.execute("SELECT name FROM public.strategy WHERE ((id = 1")  # unbalanced: token-scanned\n'
        "\n\n"
        "def g(cur):\n"
        '    cur.execute("SELECT 1")  # boundary: allow BND100 -- nothing to suppress here\n'
    )
    proc = flake8("--select", "BND", ".", cwd=tmp_path)
    notices = {(p[1], p[3]) for p in parse(proc.stdout, notices=True)}
    assert notices == {(2, "BND900"), (6, "BND902")}, proc.stdout
    assert {(p[1], p[3]) for p in parse(proc.stdout)} == {(2, "BND100")}  # the finding still stands
    cli = run_cli("check", ".", cwd=tmp_path)
    assert "orders/app.py:2: warning:" in cli.err and "orders/app.py:6: warning: unused suppression" in cli.err
    quiet = flake8("--select", "BND", "--extend-ignore", "BND900,BND902", ".", cwd=tmp_path)
    assert parse(quiet.stdout, notices=True) == set() and quiet.returncode == 1, quiet.stderr


def test_flake8_reports_an_internal_error_as_bnd901(tmp_path):
    (tmp_path / "boundaries.toml").write_text('[services.orders]\nowns = ["orders.*"]\npaths = ["orders/**"]\n')
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "app.py").write_text('def f(cur):\n    cur.execute("SELECT * FROM public.strategy")\n')
    (tmp_path / "break_rules.py").write_text(  # a bug of ours, simulated inside the flake8 process
        "import boundary_lint.pipeline as p\n"
        "def boom(*a, **k):\n    raise RuntimeError('simulated bug')\n"
        "p.findings_for = boom\n")
    runner = "import sys, break_rules; from flake8.main.cli import main; sys.exit(main(['--select', 'BND', 'orders']))"
    path = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-c", runner], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": path})
    found = parse(proc.stdout, notices=True)
    assert [(p[1], p[3]) for p in found] == [(1, "BND901")], proc.stdout + proc.stderr
    assert "internal error (RuntimeError: simulated bug)" in next(iter(found))[4]


def test_flake8_and_the_cli_share_one_check_even_where_the_prefilter_finds_nothing(run_cli, tmp_path):
    """A file without SQL is skipped by the pre-filter in both faces, and a suppression left
    behind there is reported by both (flake8 once had its own early exit, which missed it)."""
    (tmp_path / "boundaries.toml").write_text('[services.orders]\nowns = ["orders.*"]\npaths = ["orders/**"]\n')
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "plain.py").write_text("def f():\n    return 1  # boundary: allow BND100 -- was SQL once\n")
    notices = {(p[1], p[3]) for p in parse(flake8("--select", "BND", ".", cwd=tmp_path).stdout, notices=True)}
    assert notices == {(2, "BND902")}
    assert "orders/plain.py:2: warning: unused suppression" in run_cli("check", ".", cwd=tmp_path).err
