"""Expected findings written beside the code: ``# expect: LINE CODE TABLE`` (``--`` in SQL)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Iterable, List, Set, Tuple

EXPECT = re.compile(r"^\s*(?:#|--)\s*expect:\s*(\d+)\s+(BND\d+)\s+(\S+)\s*$")
SUFFIXES = (".py", ".sql")


def expected_in(path: Path) -> Set[Tuple[int, str, str]]:
    """``{(line, code, table)}`` declared in one fixture file."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            found.add((int(match.group(1)), match.group(2), match.group(3)))
    return found


def fixture_files(root: Path) -> List[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES)


def expected_under(root: Path, base: Path) -> Set[Tuple[str, int, str, str]]:
    """``{(relative path, line, code, table)}`` for every fixture file under ``root``."""
    return {
        (path.relative_to(base).as_posix(), line, code, table)
        for path in fixture_files(root)
        for line, code, table in expected_in(path)
    }


def as_tuples(findings: Iterable[dict]) -> Set[Tuple[str, int, str, str]]:
    return {(f["path"], f["line"], f["code"], f["table"]) for f in findings}


def at(source: str, needle: str, nth: int = 0) -> Tuple[int, int]:
    """(line, column) of the nth occurrence of needle in the dedented source, 1-based."""
    text = textwrap.dedent(source)
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def python_findings(source: str, registry, service: str) -> List[Tuple[int, int, str, str]]:
    """``(line, column, code, table)`` of the dedented source checked as one module of ``service``."""
    from boundary_lint.pipeline import check_python_source

    result = check_python_source("m.py", textwrap.dedent(source), registry, service)
    assert not result.problems, result.problems
    return [(f.line, f.column, f.code, f.table) for f in result.findings]
