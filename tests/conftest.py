"""Shared helpers for the project's tests: run the CLI in-process and capture its output."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

# Fuzz tests (tests/test_fuzz_*.py, tests/codemod/test_codemod_safety.py): "ci" keeps them
# to a minute or two; "long" is the deeper run, chosen with --hypothesis-profile=long
# or BOUNDARY_LINT_FUZZ=long (see README, "Robustness").
_FUZZ_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=_FUZZ_HEALTH,
                          derandomize=True, print_blob=True)
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=_FUZZ_HEALTH,
                          print_blob=True)
settings.load_profile(os.environ.get("BOUNDARY_LINT_FUZZ", "ci"))

from boundary_lint.cli import main  # noqa: E402

collect_ignore_glob = ["fixtures/*", "corpus/*", "corpus_holdout/*"]

FIXTURES = Path(__file__).parent / "fixtures"
PLATFORM = FIXTURES / "platform"


class Run(NamedTuple):
    code: int
    out: str
    err: str

    @property
    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run ``boundary-lint`` in-process from a working directory; return exit code and output."""

    def run(*args: str, cwd: Path = PLATFORM) -> Run:
        monkeypatch.chdir(cwd)
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
