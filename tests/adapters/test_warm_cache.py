"""A warm run does not read a file whose size and mtime are those its cache entry recorded;
only a file whose stat changed is read, and re-checked only when its content changed."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from boundary_lint import pipeline
from boundary_lint.adapters import source_files
from conftest import PLATFORM

HOUR_AGO = time.time() - 3600


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("BOUNDARY_LINT_CACHE_DIR")
    root = tmp_path / "p"
    shutil.copytree(PLATFORM, root, ignore=shutil.ignore_patterns(".boundary_lint_cache"))
    for path in root.rglob("*"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))  # changed well before the run: its stat can be trusted
    return root


def spy(monkeypatch):
    """The files the run opens to read, and those it checks."""
    opened, checked = [], []
    real_open, real_check = open, pipeline.check_source

    def recording_open(path, *args, **kwargs):
        opened.append(os.path.basename(str(path)))
        return real_open(path, *args, **kwargs)

    def recording_check(data, path, display, *args, **kwargs):
        checked.append(display)
        return real_check(data, path, display, *args, **kwargs)

    monkeypatch.setattr(source_files, "open", recording_open, raising=False)
    monkeypatch.setattr(pipeline, "check_source", recording_check)
    return opened, checked


def check(run_cli, root):
    return run_cli("check", "--jobs", "1", "--format", "json", ".", cwd=root)


def test_unchanged_files_are_not_read(run_cli, project, monkeypatch):
    first = check(run_cli, project)
    opened, checked = spy(monkeypatch)
    second = check(run_cli, project)
    assert opened == [] and checked == []
    assert (second.out, second.err, second.code) == (first.out, first.err, first.code)


def test_a_file_unreadable_since_is_not_read_again(run_cli, project, monkeypatch):
    """The observable the stat shortcut gives: a file the run cannot open any more, unchanged
    in size and mtime, still has its findings from the cache."""
    first = check(run_cli, project)
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith(".py") or str(path).endswith(".sql"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(source_files, "open", deny, raising=False)
    second = check(run_cli, project)
    assert second.out == first.out and "cannot read file" not in second.err


def test_a_touched_file_is_hashed_once_and_not_checked(run_cli, project, monkeypatch):
    check(run_cli, project)
    target = project / "order_service" / "app" / "clean.py"
    os.utime(target, (HOUR_AGO + 60, HOUR_AGO + 60))  # same content, another mtime
    opened, checked = spy(monkeypatch)
    check(run_cli, project)
    assert opened == ["clean.py"] and checked == []
    opened.clear()
    check(run_cli, project)
    assert opened == []  # its new mtime was recorded


def test_same_size_new_content_is_checked_again(run_cli, project, monkeypatch):
    check(run_cli, project)
    target = project / "order_service" / "app" / "clean.py"
    text = target.read_text()
    changed = text[:-1] + "#"  # the last line ends in a comment instead of a line break
    assert len(changed) == len(text) and changed != text
    target.write_text(changed)
    os.utime(target, (HOUR_AGO + 60, HOUR_AGO + 60))
    _, checked = spy(monkeypatch)
    check(run_cli, project)
    assert checked == ["order_service/app/clean.py"]


def test_a_file_changed_just_before_the_run_is_read_next_time(run_cli, project, monkeypatch):
    """Within the file system's time granularity a second edit could keep size and mtime:
    such a file's stat is not trusted, so the next run reads (hashes) it."""
    target = project / "order_service" / "app" / "clean.py"
    target.write_text(target.read_text())  # mtime: now
    check(run_cli, project)
    opened, _ = spy(monkeypatch)
    check(run_cli, project)
    assert opened == ["clean.py"]
