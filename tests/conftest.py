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


# Tests that need more than Python: `-m "not postgres"` runs the rest on a machine without
# PostgreSQL's initdb/pg_ctl, `-m "not postgres and not network"` without the package index too.
NEEDS_POSTGRES = (
    "tests/db_audit/test_catalog_pg.py",
    "tests/test_example_migrations_pg.py",
    # runs the reference service's own tests, which use a throwaway cluster
    "tests/codemod/test_codemod_golden.py::test_the_services_tests_pass_with_fake_owning_services",
    "tests/codemod/test_owner_run_both.py",  # a throwaway cluster for the before/after runs
    "tests/codemod/test_behaviour_generated_owner.py",
)
POSTGRES_FIXTURES = {"legacy_database", "sandbox"}  # tests/test_example_migrations_pg.py, test_db_audit_pg.py
NEEDS_NETWORK = ("tests/test_precommit_hook.py",)  # pre-commit builds the hook's environment with pip


def pytest_collection_modifyitems(config, items):
    for item in items:
        node = item.nodeid.replace("\\", "/")
        if node.startswith(NEEDS_POSTGRES) or POSTGRES_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
        if node.startswith(NEEDS_NETWORK):
            item.add_marker(pytest.mark.network)


@pytest.fixture(autouse=True)
def _results_cache_outside_the_repository(tmp_path_factory, monkeypatch):
    """``check``'s results cache goes to a temporary folder, never into examples/ or tests/fixtures/
    (subprocesses inherit it); tests of the cache's own place unset it."""
    monkeypatch.setenv("BOUNDARY_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("results-cache")))


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
