"""The package's layering contract (``[tool.importlinter]`` in pyproject.toml) holds, and can fail.

import-linter reads the package's imports; the same command runs in ``.ci/run``.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))

pytestmark = pytest.mark.skipif(not Path(LINT_IMPORTS).exists(), reason="import-linter is not installed")


def run_contracts(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


def copy_of_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "boundary_lint", tmp_path / "boundary_lint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_keeps_its_layering_contracts():
    proc = run_contracts(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


@pytest.mark.parametrize(
    "module, wrong_import, broken",
    [
        ("model.py", "import boundary_lint.cli", "boundary_lint.model is not allowed to import boundary_lint.cli"),
        ("sites/python.py", "import argparse", "boundary_lint.sites is not allowed to import argparse"),
        ("sql/refs.py", "import boundary_lint.adapters.runner",
         "boundary_lint.sql is not allowed to import boundary_lint.adapters"),
        ("prefilter/lines.py", "import boundary_lint.sites.python",
         "boundary_lint.prefilter is not allowed to import boundary_lint.sites"),
    ],
)
def test_a_wrong_import_breaks_the_contract(tmp_path, module, wrong_import, broken):
    root = copy_of_package(tmp_path)
    with open(root / "boundary_lint" / module, "a") as handle:
        handle.write(f"\n{wrong_import}  # a layering mistake\n")
    proc = run_contracts(root)
    assert proc.returncode == 1, proc.stdout
    assert broken in " ".join(proc.stdout.split())


def test_an_import_cycle_between_siblings_breaks_the_contract(tmp_path):
    root = copy_of_package(tmp_path)
    with open(root / "boundary_lint" / "sites" / "bindings.py", "a") as handle:
        handle.write("\nimport boundary_lint.sites.python  # python imports bindings: a cycle\n")
    proc = run_contracts(root)
    assert proc.returncode == 1, proc.stdout
    assert "No cycles are allowed in boundary_lint.sites" in proc.stdout
