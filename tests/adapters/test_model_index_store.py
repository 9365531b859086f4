"""The model index costs a run only what changed: a warm run reads and resolves nothing for it,
``--no-cache`` reads its cache without writing it, flake8 and the editor keep it, the run's
own walk is its file list, and the cache belongs to one folder. Observed through what is read, parsed and resolved."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boundary_lint.sites import model_index
from boundary_lint.prefilter import lines as prefilter
from boundary_lint.adapters import runner
from boundary_lint.adapters.config_file import load_registry
from boundary_lint.adapters import model_index_store
from boundary_lint.adapters.files import regular_files
from boundary_lint.adapters.model_index_store import CACHE_FILE, build_index, index_files
from boundary_lint.sites.model_index import ModelIndex
from conftest import FIXTURES
from expectations import as_tuples

PROJECT = FIXTURES / "orm_project"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("BOUNDARY_LINT_CACHE_DIR")  # the cache beside the registry
    copy = tmp_path / "orm_project"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(".boundary_lint_cache"))
    model_index.forget()
    yield copy
    model_index.forget()


def spy(monkeypatch, owner, name):
    """Record the first argument of each call of ``owner.name`` (a file, a record)."""
    calls = []
    original = getattr(owner, name)

    def spying(*args, **kwargs):
        calls.append(args[1] if name == "file_record" else args[0] if args else None)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, spying)
    return calls


def test_a_warm_run_neither_reads_nor_resolves_the_index(project, run_cli, monkeypatch):
    first = run_cli("check", "--format", "json", ".", cwd=project)
    model_index.forget()
    reads = spy(monkeypatch, model_index_store, "file_record")
    resolved = spy(monkeypatch, ModelIndex, "_resolve")
    again = run_cli("check", "--format", "json", ".", cwd=project)
    assert reads == [] and resolved == [] and again.json == first.json
    service = project / "orders" / "service.py"
    service.write_text(service.read_text() + "\n")
    run_cli("check", "--format", "json", ".", cwd=project)
    assert reads == ["orders/service.py"] and len(resolved) == 1  # the one file changed, and checked


def test_no_cache_reads_the_index_cache_writes_nothing_and_sees_edits(project, run_cli, monkeypatch):
    whole = run_cli("check", "--format", "json", ".", cwd=project)
    cache_file = project / ".boundary_lint_cache" / CACHE_FILE
    written = cache_file.stat().st_mtime_ns
    model_index.forget()
    reads = spy(monkeypatch, model_index_store, "file_record")
    named = run_cli("check", "--no-cache", "--format", "json", "orders/service.py", cwd=project)
    assert reads == []
    assert as_tuples(named.json["findings"]) == {f for f in as_tuples(whole.json["findings"])
                                                 if f[0] == "orders/service.py"}
    models = project / "billing" / "models.py"
    models.write_text(models.read_text().replace('billing"."invoices', 'billing"."bills'))
    model_index.forget()
    changed = run_cli("check", "--no-cache", "--format", "json", "orders/service.py", cwd=project)
    assert reads == ["billing/models.py"] and cache_file.stat().st_mtime_ns == written
    assert ("orders/service.py", 13, "BND100", "billing.bills") in as_tuples(changed.json["findings"])


def test_the_run_s_own_walk_is_the_index_s_file_list(project, run_cli, monkeypatch):
    model_index.forget()
    walks = spy(monkeypatch, model_index_store, "index_files")
    run_cli("check", "--no-cache", ".", cwd=project)
    assert walks == []  # the run walked the registry's folder: the index did not walk it again
    registry = load_registry(project / "boundaries.toml")
    monkeypatch.chdir(project)
    for spelled in (".", str(project), str(project) + "/"):
        files = list(runner.iter_files([spelled], registry.settings.exclude,
                                       defaults=runner.default_excludes(registry)))
        shared = runner._walked_root(registry, [spelled], (), files)
        own = index_files(project.resolve(), runner.walk_excludes(registry))
        assert [(os.path.abspath(p), r) for p, r in shared] == [(p, r) for p, r, _size, _mtime in own]
    run_cli("check", "--no-cache", "orders", cwd=project)
    assert len(walks) == 1  # a part of the folder: the index walks the whole of it


def test_a_whole_path_exclude_keeps_the_index_s_own_walk(project, monkeypatch):
    toml = project / "boundaries.toml"
    toml.write_text(toml.read_text().replace("[settings]", '[settings]\nexclude = ["*/legacy*"]')
                    if "[settings]" in toml.read_text() else '[settings]\nexclude = ["*/legacy*"]\n' + toml.read_text())
    registry = load_registry(toml)
    monkeypatch.chdir(project)
    files = list(runner.iter_files(["."], registry.settings.exclude, defaults=runner.default_excludes(registry)))
    assert runner._walked_root(registry, ["."], (), files) is None  # "." and the absolute path differ for it
    assert runner._walked_root(registry, [str(project.resolve())], (), files) is not None


def test_the_cache_belongs_to_the_folder_it_indexed(tmp_path, run_cli, monkeypatch):
    """Two projects sharing $BOUNDARY_LINT_CACHE_DIR, whose model files differ only in a table
    name of the same length (same size and mtime): each gets its own models."""
    monkeypatch.setenv("BOUNDARY_LINT_CACHE_DIR", str(tmp_path / "shared-cache"))
    results = {}
    for name, table in (("one", "invoices"), ("two", "payments")):
        root = tmp_path / name
        shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns(".boundary_lint_cache"))
        models = root / "billing" / "models.py"
        models.write_text(models.read_text().replace('billing"."invoices', f'billing"."{table}'))
        os.utime(models, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
        model_index.forget()
        results[name] = as_tuples(run_cli("check", "--format", "json", "orders/service.py", cwd=root).json["findings"])
    model_index.forget()
    assert ("orders/service.py", 13, "BND100", "billing.invoices") in results["one"]
    assert ("orders/service.py", 13, "BND100", "billing.payments") in results["two"]
    assert ("orders/service.py", 13, "BND100", "billing.invoices") not in results["two"]


def test_a_class_keyword_json_cannot_hold_is_indexed(tmp_path):
    (tmp_path / "models.py").write_text(
        "class Payment(Base, info=b'raw'):\n    __tablename__ = 'payments'\n    __table_args__ = {'schema': 'billing'}\n")
    cache = tmp_path / "cache"
    first = build_index(tmp_path, cache_dir=cache)
    again = build_index(tmp_path, cache_dir=cache)
    assert (cache / CACHE_FILE).exists()
    assert first.models["models.Payment"].table == again.models["models.Payment"].table == "payments"


def test_the_digest_kept_by_the_cache_is_the_digest_of_its_records(project):
    cache = project / "cache"
    written = build_index(project, cache_dir=cache)
    loaded = build_index(project, cache_dir=cache)
    assert loaded.known_digest is not None
    assert loaded.known_digest == written.digest() == ModelIndex.from_records(loaded.records.values()).digest()


WORDS = ("User", "A", "Invoice", "AB", "Us", "\u00c9lan", "U_1", "Invoice2")
PIECES = WORDS + (" ", "_", "\u00e9", "x", "B", "\n", "9", ".", "(")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.sets(st.sampled_from(WORDS), min_size=1))
def test_few_words_are_found_as_the_pass_over_capitalised_words_finds_them(pieces, words):
    text = "".join(pieces)
    for source in (text, text.encode()):
        wanted = frozenset(w.encode() if isinstance(source, bytes) else w for w in words)
        by_pattern = {m.start() for m in prefilter._CAPITALISED[type(source)].finditer(source) if m.group() in wanted}
        assert set(prefilter._whole_word_offsets(source, wanted)) == by_pattern


def test_a_run_whose_models_did_not_change_reads_their_resolution_instead_of_resolving(project, run_cli,
                                                                                         monkeypatch):
    whole = run_cli("check", "--format", "json", ".", cwd=project)
    resolved = project / ".boundary_lint_cache" / model_index_store.RESOLVED_FILE
    assert resolved.exists()
    computed = spy(monkeypatch, ModelIndex, "_compute")
    wanted = {f for f in as_tuples(whole.json["findings"]) if f[0] == "orders/service.py"}
    for damage in (None, "{not json", '{"stamp": 1}'):
        if damage is not None:
            resolved.write_text(damage)
        model_index.forget()
        named = run_cli("check", "--no-cache", "--format", "json", "orders/service.py", cwd=project)
        assert as_tuples(named.json["findings"]) == wanted  # a damaged file costs only the resolution
        assert len(computed) == (0 if damage is None else 1)
        computed.clear()
    models = project / "billing" / "models.py"
    models.write_text(models.read_text().replace('billing"."invoices', 'billing"."bills'))
    model_index.forget()
    changed = run_cli("check", "--no-cache", "--format", "json", "orders/service.py", cwd=project)
    assert len(computed) == 1  # the records changed: the stored resolution is not theirs
    assert ("orders/service.py", 13, "BND100", "billing.bills") in as_tuples(changed.json["findings"])


def test_a_stored_resolution_is_the_resolution(project):
    cache = project / "cache"
    computed = build_index(project, cache_dir=cache)
    computed.resolve()
    loaded = build_index(project, cache_dir=cache)
    loaded.resolve()
    assert "_kinds" not in loaded.__dict__ or loaded._kinds == {}  # nothing was computed
    assert list(loaded.models.items()) == list(computed.models.items())
    assert (loaded.by_label, loaded.user_model, loaded._app_labels) == \
           (computed.by_label, computed.user_model, computed._app_labels)
    assert loaded.model("billing.models.Invoice") == computed.model("billing.models.Invoice") is not None


def test_the_index_walk_gives_the_regular_files_the_run_s_walk_gives(tmp_path, monkeypatch):
    for relative in ("app/models.py", "app/venv/skipped.py", "app/legacy_x.py", "app/sub/deep.py", "top.py",
                     "app/notes.txt", "dir.py/inner.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x = 1\n")
    os.symlink(tmp_path / "top.py", tmp_path / "app" / "link.py")
    os.symlink(tmp_path / "app" / "sub", tmp_path / "linked_dir")
    os.mkfifo(tmp_path / "app" / "pipe.py")
    monkeypatch.chdir(tmp_path)
    for excludes in ((), ("venv",), ("venv", "*/legacy*")):
        for root in (".", str(tmp_path), str(tmp_path) + "/", "app/.."):
            walked = [(p, d) for p, d in runner.iter_files([root], excludes, defaults=())
                      if p.suffix == ".py" and p.is_file() and not p.is_symlink() and not p.is_fifo()]
            own = regular_files(root, ".py", excludes)
            assert [path for path, _size, _mtime in own] == [d for _, d in walked], (root, excludes)
    listed = [p for p, _, _ in regular_files(".", ".py", ("venv",))]
    assert listed == ["app/legacy_x.py", "app/models.py", "app/sub/deep.py", "dir.py/inner.py", "top.py"]


@pytest.mark.parametrize("face", ["flake8", "editor"])
def test_flake8_and_the_editor_keep_the_index_cache_for_the_next_process(project, run_cli, monkeypatch, face):
    """A process per save (flake8 in an editor) would read every model file of the project
    each time if only ``check`` kept the index's cache: the first such process writes it, the
    next reads no model file, and an edited model file is read again and kept."""
    import subprocess
    import sys

    cache_file = project / ".boundary_lint_cache" / CACHE_FILE
    if face == "flake8":
        def one_process():
            proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "BND", "orders/service.py"],
                                  cwd=project, capture_output=True, text=True, timeout=120)
            assert "BND100" in proc.stdout, proc.stderr
    else:
        from boundary_lint.lsp.checking import check_text

        def one_process():
            model_index.forget()
            registry = load_registry(project / "boundaries.toml")
            service = project / "orders" / "service.py"
            result = check_text(service.read_text(), service, registry, "orders")
            assert "BND100" in {finding.code for finding in result.findings}
    one_process()
    assert cache_file.exists()
    model_index.forget()
    reads = spy(monkeypatch, model_index_store, "file_record")
    run_cli("check", "--no-cache", "orders/service.py", cwd=project)
    assert reads == []
    models = project / "billing" / "models.py"
    models.write_text(models.read_text() + "\n")
    one_process()
    model_index.forget()
    reads.clear()  # the editor's own read of it was in this process
    run_cli("check", "--no-cache", "orders/service.py", cwd=project)
    assert reads == []
