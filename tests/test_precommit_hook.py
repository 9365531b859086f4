"""The pre-commit hook, for real: the `pre-commit` tool runs this repository's hook in a sample git repo.

The sample repo's ``.pre-commit-config.yaml`` names this repository by path at
its HEAD commit -- the config ``pre-commit try-repo REPO boundary-lint --ref HEAD``
generates -- and runs ``pre-commit run --files`` twice. (try-repo itself builds
the hook environment in a new throwaway store on every call, ~20 s each; one
config with a shared ``PRE_COMMIT_HOME`` builds it once.)

pre-commit clones the repository at that commit, so this tests the *committed*
hook definition and code: uncommitted edits are not seen. In CI's fresh clone
HEAD is the submission. pre-commit builds the hook's environment with pip, so
the package index (PyPI) must be reachable; without it the test fails with
pre-commit's output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from project import APP, make_project

REPO = Path(__file__).resolve().parent.parent
CLEAN = 'def positions(cur):\n    cur.execute("SELECT * FROM orders.positions")\n'
CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: boundary-lint
"""


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    return env


def test_hook_fails_on_a_violation_and_passes_on_clean_code(tmp_path):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
    assert head.returncode == 0, f"this test needs the project as a git checkout: {head.stderr}"
    sample = tmp_path / "sample"
    sample.mkdir()
    make_project(sample, {"orders/bad.py": APP, "orders/good.py": CLEAN,
                          "orders/migrations/001.sql": "SELECT 1 FROM orders.positions;\n"})
    (sample / ".pre-commit-config.yaml").write_text(CONFIG.format(repo=REPO, rev=head.stdout.strip()))
    env = _env(tmp_path / "pre-commit-home")
    subprocess.run(["git", "init", "-q"], cwd=sample, check=True, env=env)
    subprocess.run(["git", "add", "."], cwd=sample, check=True, env=env)

    def pre_commit_run(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "boundary-lint", "--files", *files],
            cwd=sample, env=env, capture_output=True, text=True, timeout=600,
        )

    failing = pre_commit_run("orders/bad.py", "orders/good.py")
    out = failing.stdout + failing.stderr
    assert failing.returncode == 1, out
    assert "boundary-lint" in out and "Failed" in out, out
    assert "orders/bad.py:3:35: BND100 orders reads public.strategy, owned by algo" in out
    assert "orders/bad.py:8:25: BND101 orders writes public.portfolio, owned by algo" in out
    assert "good.py:" not in out
    # one run, one summary: not a partial summary per batch of files
    summaries = [line for line in out.splitlines() if re.match(r"\d+ findings? ", line)]
    assert summaries == ["2 findings in 1 file (2 files checked); BND100: 1, BND101: 1"], out

    passing = pre_commit_run("orders/good.py", "orders/migrations/001.sql")
    out = passing.stdout + passing.stderr
    assert passing.returncode == 0, out
    assert "Passed" in out, out
