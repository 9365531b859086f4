"""Never unparsable, and a second run changes nothing: ``fix`` on a copy of every fixture
tree (``tests/fixtures/platform``, ``tests/corpus``), with a client given to every service
so that as much as possible is rewritten; async and sync clients alternate."""

from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

import pytest

from boundary_lint.codemod.apply import fix_paths
from boundary_lint.registry_schema import registry_from_mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TESTS = Path(__file__).resolve().parents[1]
TREES = [p for p in (TESTS / "fixtures" / "platform", TESTS / "corpus") if (p / "boundaries.toml").is_file()]


def registry_with_clients(root: Path):
    raw = tomllib.loads((root / "boundaries.toml").read_text(encoding="utf-8"))
    for number, (name, service) in enumerate(sorted(raw.get("services", {}).items())):
        service.setdefault("client", {"module": f"clients.{name}", "factory": f"get_{name}_client",
                                      "awaitable": number % 2 == 0})
    return registry_from_mapping(raw, source=root / "boundaries.toml", root=root)


def python_files(root: Path):
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("tree", TREES, ids=[p.name for p in TREES])
def test_fix_twice_on_every_fixture_file(tree, tmp_path):
    copy = tmp_path / tree.name
    shutil.copytree(tree, copy, ignore=shutil.ignore_patterns("__pycache__"))
    registry = registry_with_clients(copy)
    original = {p: p.read_bytes() for p in python_files(copy)}

    first = fix_paths([str(copy)], registry, assume_clients=True)
    rewritten = {Path(f.path) for f in first.files if f.written}
    # the platform fixture's calls all return their rows to the caller or cannot be derived (each is
    # refused, see test_codemod_refusals); the corpus has rewritable ones
    assert first.changed or tree.name == "platform", "nothing was rewritten: the test would prove nothing"
    for path, data in original.items():
        now = path.read_bytes()
        if path not in rewritten:
            assert now == data, f"{path} changed without a rewrite"
            continue
        text = now.decode("utf-8")
        ast.parse(text)
        compile(text, str(path), "exec")
        import libcst

        libcst.parse_module(text)

    stamps = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in python_files(copy)}
    second = fix_paths([str(copy)], registry, assume_clients=True)
    assert not second.changed, [f.path for f in second.changed]
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in python_files(copy)} == stamps
    assert sum(len(f.left) for f in second.files) == sum(len(f.left) for f in first.files)
