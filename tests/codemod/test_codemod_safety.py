"""``fix`` never loses code: on fuzzed and mutated corpus files the result parses and
compiles, a second run changes nothing, and a file with nothing to rewrite keeps its
bytes; a write that fails or is killed between the temporary file and the rename
leaves the original intact."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fuzz_strategies import TESTS, mutated_file, python_with_sql
from hypothesis import event, given, settings
from hypothesis import strategies as st

from boundary_lint.codemod import apply
from boundary_lint.codemod.apply import fix_paths
from boundary_lint.registry_schema import registry_from_mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CORPUS = TESTS / "corpus"
SCALE = max(4, settings.default.max_examples // 4)  # each example runs libcst: keep CI short

APP = textwrap.dedent('''\
    from sqlalchemy import text


    async def strategy(session, strategy_id):
        result = await session.execute(text("SELECT * FROM public.strategy WHERE strategy_id = :id"),
                                       {"id": strategy_id})
        return result.mappings().first()
''')
REGISTRY_TOML = '''
[services.orders]
owns = ["orders.*"]
paths = ["orders/**"]
[services.algo]
owns = ["public.strategy"]
client = { module = "clients.algo", factory = "get_algo_client", awaitable = true }
'''


def corpus_registry(root: Path):
    """The corpus registry with a client for every service, so that much is rewritten."""
    raw = tomllib.loads((CORPUS / "boundaries.toml").read_text(encoding="utf-8"))
    for number, (name, service) in enumerate(sorted(raw["services"].items())):
        service.setdefault("client", {"module": f"clients.{name}", "factory": f"get_{name}_client",
                                      "awaitable": number % 2 == 0})
    return registry_from_mapping(raw, source=root / "boundaries.toml", root=root)


def assert_fix_is_safe(root: Path, path: Path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    registry = corpus_registry(root)
    first = fix_paths([str(root)], registry, assume_clients=True)
    assert not [p for p in first.problems if p.message.startswith("not rewritten:")], first.problems
    written = any(f.written for f in first.files)
    event("rewritten" if written else "nothing rewritten")
    after = path.read_bytes()
    if not written:
        assert after == data, "changed without a rewrite"
        return
    text = after.decode("utf-8")
    ast.parse(text)
    compile(text, str(path), "exec", dont_inherit=True)
    second = fix_paths([str(root)], registry, assume_clients=True)
    assert not second.changed and path.read_bytes() == after
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


@settings(max_examples=SCALE)
@given(file=mutated_file(".py"))
def test_fix_on_mutated_corpus_files(tmp_path_factory, file):
    source, data = file
    root = tmp_path_factory.mktemp("fix")
    relative = source.relative_to(CORPUS) if CORPUS in source.parents else Path("psycopg/orders") / source.name
    assert_fix_is_safe(root, root / relative, data)


@settings(max_examples=SCALE)
@given(source=st.one_of(python_with_sql(), python_with_sql(rewritable=True)))
def test_fix_on_random_sql_in_sinks(tmp_path_factory, source):
    root = tmp_path_factory.mktemp("fix")
    assert_fix_is_safe(root, root / "psycopg/orders/fuzzed.py", source.encode("utf-8"))


# -- interrupted writes -------------------------------------------------------------------


def project(tmp_path: Path) -> Path:
    (tmp_path / "boundaries.toml").write_text(REGISTRY_TOML)
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders/app.py").write_text(APP)
    (tmp_path / "orders/other.py").write_text(APP.replace("def strategy", "def other"))
    return tmp_path


def registry(root: Path):
    return registry_from_mapping(tomllib.loads(REGISTRY_TOML), source=root / "boundaries.toml", root=root)


@pytest.mark.parametrize("failing", ["replace", "fsync", "chmod"])
def test_failed_write_leaves_the_original_and_no_temporary_file(tmp_path, monkeypatch, failing):
    root = project(tmp_path)
    real = getattr(os, failing)

    def fail_on_app(first, *args, **kwargs):
        target = args[0] if failing == "replace" else None
        if failing == "fsync" or (failing == "chmod" and ".app.py." in str(first)) or (
                target is not None and str(target).endswith("app.py") and "other" not in str(target)):
            raise OSError(28, "No space left on device")
        return real(first, *args, **kwargs)

    monkeypatch.setattr(apply.os, failing, fail_on_app)
    run = fix_paths([str(root)], registry(root), assume_clients=True)
    assert (root / "orders/app.py").read_text() == APP
    assert sorted(p.name for p in (root / "orders").iterdir()) == ["app.py", "other.py"]
    assert any(p.path.endswith("app.py") and "No space left on device" in p.message for p in run.problems)
    if failing != "fsync":  # the run went on: the other file was rewritten
        assert "get_algo_client" in (root / "orders/other.py").read_text()


def test_write_killed_between_temporary_file_and_rename(tmp_path):
    """A SIGKILL right before ``os.replace``: the original is intact, the temporary file is
    named ``.app.py.<random>.tmp`` beside it, which no run reads (and the next fix removes)."""
    root = project(tmp_path)
    script = textwrap.dedent(f'''
        import os, signal, sys
        sys.path.insert(0, {str(TESTS.parent)!r})
        from boundary_lint.codemod import apply
        apply.os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        from boundary_lint.cli import main
        os.chdir({str(root)!r})
        main(["fix", "--assume-clients", "orders/app.py"])
    ''')
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert (root / "orders/app.py").read_text() == APP
    leftovers = [p.name for p in (root / "orders").iterdir() if p.name not in ("app.py", "other.py")]
    assert len(leftovers) == 1 and leftovers[0].startswith(".app.py.") and leftovers[0].endswith(".tmp")
    fix_paths([str(root)], registry(root), assume_clients=True)
    assert "get_algo_client" in (root / "orders/app.py").read_text()
    assert sorted(p.name for p in (root / "orders").iterdir()) == ["app.py", "other.py"]


def test_fix_writes_through_a_symlink_and_survives_a_symlink_loop(tmp_path):
    """Bug: a symlink loop anywhere under the registry's folder stopped every rewrite that
    removes a module constant (``Path.resolve()`` raised RuntimeError)."""
    root = project(tmp_path)
    (root / "orders/other.py").write_text(textwrap.dedent('''\
        from sqlalchemy import text

        QUERY = "SELECT * FROM public.strategy WHERE strategy_id = :id"


        async def other(session, strategy_id):
            result = await session.execute(text(QUERY), {"id": strategy_id})
            return result.mappings().first()
    '''))
    (root / "orders/real").mkdir()
    (root / "orders/app.py").rename(root / "orders/real/impl.py")
    os.symlink("real/impl.py", root / "orders/app.py")
    os.symlink("loop_b.py", root / "orders/loop_a.py")
    os.symlink("loop_a.py", root / "orders/loop_b.py")
    run = fix_paths([str(root / "orders")], registry(root), assume_clients=True)
    assert os.path.islink(root / "orders/app.py")
    assert "get_algo_client" in (root / "orders/real/impl.py").read_text()
    assert "get_algo_client" in (root / "orders/other.py").read_text()
    assert not [p for p in run.problems if p.message.startswith("not rewritten")], run.problems
