"""A CI gate never passes green while checking nothing (issue 14).

Each test is a mistake a new user makes, run through the CLI as they would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from boundary_lint.codes import RULES
from project import APP, make_project

CODE_RANGE = f"codes are {min(RULES)}-{max(RULES)}, see boundary-lint explain"


# -- 1. an unknown code is a usage error, never a filter that matches nothing ---------------


@pytest.mark.parametrize("option, value, bad", [
    ("--select", "BND999", "BND999"),
    ("--select", "BDN100", "BDN100"),
    ("--select", "E501", "E501"),
    ("--select", "BND100,BND1O1", "BND1O1"),
    ("--ignore", "BND99", "BND99"),
])
def test_unknown_code_on_the_command_line_is_exit_2(run_cli, tmp_path, option, value, bad):
    make_project(tmp_path)
    result = run_cli("check", "--no-cache", option, value, ".", cwd=tmp_path)
    assert result.code == 2, result
    assert f"unknown code {bad}; {CODE_RANGE}" in result.err
    assert "0 findings" not in result.out


def test_known_codes_and_prefixes_still_filter(run_cli, tmp_path):
    make_project(tmp_path)
    result = run_cli("check", "--no-cache", "--select", "bnd1,BND10", "--ignore", "BND101", ".", cwd=tmp_path)
    assert result.code == 1, result
    assert "BND100" in result.out and "BND101 " not in result.out


def test_a_rule_code_in_settings_ignore_is_exit_2(run_cli, tmp_path):
    make_project(tmp_path, settings='ignore = ["BND1O4"]')
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 2 and f"unknown code BND1O4; {CODE_RANGE}" in result.err, result
    make_project(tmp_path, settings='ignore = ["BND104"]')
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 2 and "--ignore BND104" in result.err, result


@pytest.mark.parametrize("comment", ["# boundary: allow BND1O1 -- legacy read", "# noqa: BND999"])
def test_unknown_code_in_a_suppression_comment_is_exit_2(run_cli, tmp_path, comment):
    app = APP.replace('WHERE id = %s", (1,))', f'WHERE id = %s", (1,))  {comment}')
    make_project(tmp_path, {"orders/app.py": app})
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 2, result
    bad = "BND1O1" if "1O1" in comment else "BND999"
    assert f"orders/app.py:3: error: suppression comment: unknown code {bad}; {CODE_RANGE}" in result.err
    # the comment suppresses nothing: the finding it sits on is still reported
    assert "orders/app.py:3:" in result.out


def test_other_tools_codes_in_noqa_are_fine(run_cli, tmp_path):
    app = APP.replace('WHERE id = %s", (1,))', 'WHERE id = %s", (1,))  # noqa: E501, BND100')
    make_project(tmp_path, {"orders/app.py": app})
    result = run_cli("check", "--no-cache", ".", cwd=tmp_path)
    assert result.code == 1 and "unknown code" not in result.err, result
    assert "orders/app.py:3:" not in result.out


def test_unknown_code_in_a_baseline_is_exit_2(run_cli, tmp_path):
    make_project(tmp_path)
    (tmp_path / "baseline.json").write_text(json.dumps({"version": 1, "entries": [
        {"path": "orders/app.py", "code": "BND1OO", "table": "public.strategy", "fingerprint": "x"}]}))
    result = run_cli("check", "--no-cache", "--baseline", "baseline.json", ".", cwd=tmp_path)
    assert result.code == 2 and f"unknown code BND1OO; {CODE_RANGE}" in result.err, result


def test_explain_names_the_codes(run_cli):
    result = run_cli("explain", "BND999")
    assert result.code == 2 and f"unknown code BND999; {CODE_RANGE}" in result.err


# -- 6. python -m boundary_lint -----------------------------------------------------------


def test_python_dash_m_runs_the_cli(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "boundary_lint", "--help"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "usage: boundary-lint" in proc.stdout and "check" in proc.stdout
