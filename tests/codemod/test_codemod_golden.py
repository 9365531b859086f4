"""``fix`` on a copy of the reference order service (the real one is never touched).

The result is the checked-in golden tree (``tests/golden/order_service_fixed``:
the changed files as ``*.py.expected``, the summary and the contract); ``check``
on it finds exactly the findings the summary says were left; and the service's
own tests pass on the rewritten code, with its clients served by fake owning
services (``fake_owning_services.py``), every rewritten endpoint being called.

Regenerate the golden tree after a deliberate change with
``python tests/codemod/test_codemod_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "order_service"
GOLDEN = ROOT / "tests" / "golden" / "order_service_fixed"
HERE = Path(__file__).resolve().parent
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".boundary_lint_cache")


def fix_a_copy(target: Path) -> dict:
    """Copy the example to ``target`` and run ``fix`` there; returns what it printed and cost."""
    shutil.copytree(EXAMPLE, target, ignore=IGNORE)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "boundary_lint.cli", "fix", "--contract", "CONTRACT.md", "."],
        cwd=target, capture_output=True, text=True, timeout=300,
    )
    return {"code": proc.returncode, "out": proc.stdout, "err": proc.stderr,
            "seconds": time.perf_counter() - started}


def source_files(folder: Path):
    return sorted(p.relative_to(folder) for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.name != "CONTRACT.md")


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    before = {p: (EXAMPLE / p).stat().st_mtime_ns for p in source_files(EXAMPLE)}
    copy = tmp_path_factory.mktemp("fix") / "order_service"
    result = fix_a_copy(copy)
    assert {p: (EXAMPLE / p).stat().st_mtime_ns for p in source_files(EXAMPLE)} == before, "the example was touched"
    assert result["code"] == 0, result["err"]
    return copy, result


def test_fix_gives_the_golden_files(fixed):
    copy, _ = fixed
    expected_files = {p.with_suffix("") for p in source_files(GOLDEN) if p.suffix == ".expected"}
    assert expected_files, "no golden files"
    for relative in source_files(copy):
        golden = GOLDEN / (str(relative) + ".expected")
        expected = golden.read_bytes() if golden.exists() else (EXAMPLE / relative).read_bytes()
        assert (copy / relative).read_bytes() == expected, relative
    assert expected_files <= set(source_files(copy))


def test_summary_and_contract_are_golden(fixed):
    copy, result = fixed
    assert result["err"] == (GOLDEN / "fix_summary.txt").read_text()
    assert result["out"] == (GOLDEN / "fix_written.txt").read_text()
    assert (copy / "CONTRACT.md").read_text() == (GOLDEN / "CONTRACT.md").read_text()


def test_check_finds_exactly_what_the_summary_left(fixed, run_cli):
    copy, result = fixed
    left = sorted(re.findall(r"^(\S+?):(\d+): left (BND\d+) (\S+): ", result["err"], re.M))
    found = run_cli("check", "--no-cache", "--format", "json", ".", cwd=copy).json["findings"]
    assert sorted((f["path"], str(f["line"]), f["code"], f["table"]) for f in found) == left
    total = re.search(r"^left +(\d+) findings$", result["err"], re.M)
    assert int(total.group(1)) == len(found) == 24


def test_a_second_run_changes_nothing(fixed, run_cli):
    copy, _ = fixed
    assert run_cli("fix", "--diff", ".", cwd=copy).code == 0


def test_the_services_tests_pass_with_fake_owning_services(fixed, tmp_path):
    copy, _ = fixed
    log = tmp_path / "calls.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
               FAKE_OWNING_SERVICES_LOG=str(log))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider", "--import-mode=importlib",
         "-p", "fake_owning_services", "--rootdir", str(copy)],
        cwd=copy, capture_output=True, text=True, timeout=600, env=env,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert re.search(r"\b50 passed\b", proc.stdout), proc.stdout[-2000:]
    calls = {re.sub(r"/\d+", "/{id}", re.sub(r"^(\S+ \S+ /accounts)/[^/]+", r"\1/{id}", c))
             for c in json.loads(log.read_text())}
    assert calls == ENDPOINTS_OF_THE_REWRITTEN_CALLS


ENDPOINTS_OF_THE_REWRITTEN_CALLS = {
    # one per client method the rewritten code calls (see CONTRACT.md): each is exercised. The other
    # crossings are left with their reasons (fix_summary.txt): writes that share a transaction, client
    # methods whose answer is not what the code reads, methods the clients lack.
    "algo_engine GET /strategies/default/{id}",  # get_default_strategy
    "algo_engine POST /strategies/default",  # create_default_strategy
}


def regenerate() -> None:  # pragma: no cover - a maintenance entry point
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "order_service"
        result = fix_a_copy(copy)
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        GOLDEN.mkdir(parents=True)
        for relative in source_files(copy):
            if (copy / relative).read_bytes() != (EXAMPLE / relative).read_bytes():
                target = GOLDEN / (str(relative) + ".expected")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes((copy / relative).read_bytes())
        (GOLDEN / "fix_summary.txt").write_text(result["err"])
        (GOLDEN / "fix_written.txt").write_text(result["out"])
        shutil.copy(copy / "CONTRACT.md", GOLDEN / "CONTRACT.md")
        print(f"wrote {GOLDEN} ({result['seconds']:.2f} s)")


if __name__ == "__main__":  # pragma: no cover
    regenerate()
