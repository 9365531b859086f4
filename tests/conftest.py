"""Shared helpers for the project's tests: run the CLI in-process and capture its output."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import List, NamedTuple

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from boundary_lint.cli import main  # noqa: E402

collect_ignore_glob = ["fixtures/*", "corpus/*"]

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
