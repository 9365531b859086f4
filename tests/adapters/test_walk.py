"""The folder walk lists what ``os.walk`` lists, faster: the same files, folders skipped in
the same order, symlinks to folders never entered (a loop cannot hang the run)."""

from __future__ import annotations

import os
from pathlib import Path

from boundary_lint.adapters.files import DEFAULT_EXCLUDES, is_excluded, iter_files


def walked_by_os_walk(top: str, excludes, suffixes=(".py", ".sql")):
    """The listing and skipped folders as ``os.walk`` gives them (the walk's reference)."""
    patterns = DEFAULT_EXCLUDES + excludes
    files, skipped = [], []
    for folder, dirs, names in os.walk(top):
        kept = []
        for d in sorted(dirs):
            if is_excluded(os.path.join(folder, d), patterns):
                skipped.append(os.path.normpath(os.path.join(folder, d)))
            else:
                kept.append(d)
        dirs[:] = kept
        files += [os.path.normpath(os.path.join(folder, n)) for n in names
                  if n.endswith(suffixes) and not is_excluded(os.path.join(folder, n), excludes)]
    return sorted(files), skipped


def make_tree(root: Path) -> None:
    for relative in ("a/x.py", "a/b/y.sql", "a/b/c/z.py", "a/notes.txt", "venv/lib/v.py", "build/out.py",
                     "pkg.egg-info/p.py", "src/app/deep/w.py", "src/app/tests/t.py", "zz.py"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("x = 1\n")
    (root / "src" / "loop").symlink_to(root / "src")  # a folder symlink: listed, never entered
    (root / "a" / "link.py").symlink_to(root / "a" / "x.py")  # a file symlink: a file
    (root / "a" / "dangling.py").symlink_to(root / "missing.py")


def test_the_walk_lists_what_os_walk_lists(tmp_path, monkeypatch):
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    for top in (str(tmp_path), ".", "src"):
        for excludes in ((), ("tests",), ("src/app/*",), ("a/b",)):
            skipped = []
            displays = [display for _, display in iter_files([top], excludes, skipped=skipped)]
            expected_files, expected_skipped = walked_by_os_walk(top, excludes)
            assert displays == expected_files, (top, excludes)
            assert skipped == [s for s in expected_skipped if not s.endswith(".egg-info")], (top, excludes)
    skipped = []
    assert [d for _, d in iter_files(["."], skipped=skipped)] == [
        "a/b/c/z.py", "a/b/y.sql", "a/dangling.py", "a/link.py", "a/x.py", "src/app/deep/w.py",
        "src/app/tests/t.py", "zz.py"]  # nothing through src/loop
    assert skipped == ["build", "venv"]  # *.egg-info is skipped, not counted


def test_a_file_is_read_to_its_size_and_to_the_limit_when_it_grew_or_has_no_size(tmp_path):
    from boundary_lint.adapters.files import read_at_most

    path = tmp_path / "q.sql"
    path.write_bytes(b"x" * 100)
    for size, limit, expected in [(100, 1000, 100), (100, 50, 50), (100, 101, 100), (0, 1000, 100),
                                  (10, 1000, 100), (10, 40, 40)]:  # a size of 0 or 10: the file grew since
        with open(path, "rb") as handle:
            assert len(read_at_most(handle, limit, size)) == expected, (size, limit)
