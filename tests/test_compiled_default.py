"""The compiled parser is a default dependency only where its wheel exists, so a plain
install never has pip build sqlglotc from source (and fail without a compiler)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
BASE = {"platform_python_implementation": "CPython", "implementation_name": "cpython", "os_name": "posix",
        "platform_release": "", "platform_version": "", "python_full_version": "3.12.0", "extra": ""}


def compiled_requirement() -> Requirement:
    (line,) = [d for d in tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
               if d.startswith("sqlglot[c]")]
    return Requirement(line)


def env(system: str, machine: str, python: str = "3.12", implementation: str = "CPython") -> dict:
    family = {"darwin": "Darwin", "win32": "Windows"}.get(system, "Linux")
    return dict(BASE, sys_platform=system, platform_system=family, platform_machine=machine, python_version=python,
                platform_python_implementation=implementation)


@pytest.mark.parametrize("where", [env("darwin", "arm64"), env("darwin", "x86_64", "3.11"),
                                   env("win32", "AMD64", "3.14")],
                         ids=["macOS arm64", "macOS x86_64 3.11", "Windows AMD64 3.14"])
def test_installed_by_default_where_a_wheel_exists(where):
    assert compiled_requirement().marker.evaluate(where)


@pytest.mark.parametrize("where", [
    env("linux", "x86_64"),  # glibc has wheels, musl has none, and markers cannot tell them apart
    env("linux", "aarch64"),
    env("win32", "ARM64"),
    env("darwin", "arm64", "3.10"),
    env("darwin", "arm64", "3.15"),  # no wheel yet for a Python that is not out
    env("darwin", "arm64", implementation="PyPy"),
], ids=["Linux x86_64", "Linux aarch64", "Windows ARM64", "Python 3.10", "Python 3.15", "PyPy"])
def test_left_to_the_fast_extra_where_a_wheel_may_be_missing(where):
    assert not compiled_requirement().marker.evaluate(where)


def test_the_fast_extra_still_brings_it_everywhere():
    fast = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["fast"]
    assert any(Requirement(d).name == "sqlglot" and "c" in Requirement(d).extras for d in fast)
