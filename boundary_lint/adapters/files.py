"""Which files a run checks: walk the paths given, skip the usual non-source folders."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Sequence, Tuple

from boundary_lint.registry import Registry

CHECKED_SUFFIXES = (".py", ".pyi", ".sql")
RUFF_EXCLUDES = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache",
    ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv",
    ".vscode", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages",
    "venv",
)
"""ruff's default ``exclude`` list: the folders users already expect a linter to skip."""
DEFAULT_EXCLUDES = RUFF_EXCLUDES + ("__pycache__", "*.egg-info", ".boundary_lint_cache")
"""Skipped at any depth unless ``settings.exclude`` replaces the list (``env`` is not one:
a folder named env is code like any other)."""
NOT_COUNTED = (".git", ".hg", ".svn", ".bzr", "__pycache__", ".boundary_lint_cache", ".mypy_cache",
               ".pytest_cache", ".ruff_cache", ".pytype", "*.egg-info")
"""Excluded folders the summary does not count: tool caches and VCS data never hold the code."""


def is_excluded(display: str, patterns: Sequence[str]) -> bool:
    """A pattern matches a path's last part or the whole path (``fnmatch`` style).

    >>> is_excluded('app/venv', ['venv']), is_excluded('app/x.py', ['app/*'])
    (True, True)
    >>> is_excluded('services/billing/app/env', DEFAULT_EXCLUDES)
    False
    """
    name = os.path.basename(display.rstrip("/")) or display
    normalized = display.replace(os.sep, "/")
    matcher = _matcher(tuple(patterns))
    return bool(matcher(name) or matcher(normalized))


def matches_names_only(pattern: str) -> bool:
    """Does ``pattern`` match a path exactly when it matches the path's last part, so that
    however the walk's root is spelled (``.`` or absolute) it excludes the same folders? A
    name (``venv``) or ``*`` and a name's end (``*.egg-info``): no ``/`` and no other wildcard.

    >>> matches_names_only('venv'), matches_names_only('*.egg-info'), matches_names_only('test*')
    (True, True, False)
    """
    rest = pattern[1:] if pattern.startswith("*") else pattern
    return bool(rest) and not any(c in rest for c in "/*?[" + os.sep)


@functools.lru_cache(maxsize=32)
def _matcher(patterns: Tuple[str, ...]):
    """All patterns as one compiled regex (``fnmatch`` per pattern per path is slow)."""
    if not patterns:
        return lambda text: None
    return re.compile("|".join(fnmatch.translate(p) for p in patterns)).match


def iter_files(
    paths: Iterable[str], excludes: Sequence[str] = (), defaults: Sequence[str] = DEFAULT_EXCLUDES,
    skipped: Optional[List[str]] = None, suffixes: Tuple[str, ...] = CHECKED_SUFFIXES,
) -> Iterator[Tuple[Path, str]]:
    """``(path, display)`` for every file to check, in a stable order.

    A file named explicitly is always checked; folders are walked without
    following symlinks (so a symlink loop cannot hang the run). Folders matching
    ``defaults`` or ``excludes`` are not entered; ``skipped`` collects them. ``suffixes``:
    the files read in a folder (``settings.languages``; Python and SQL by default).
    """
    patterns = tuple(defaults) + tuple(excludes)
    extra = patterns[len(defaults):]  # the defaults name folders; the walk tests files against the rest
    seen = set()
    for given in paths:
        root = Path(given)
        if root.is_file():
            if root not in seen:
                seen.add(root)
                yield root, given
            continue
        found: List[Tuple[Path, str]] = []
        for display in _walk(given, patterns, suffixes, skipped):
            if not (extra and is_excluded(display, extra)):
                found.append((Path(display), os.path.normpath(display)))
        for path, display in sorted(found, key=lambda item: item[1]):
            if path not in seen:
                seen.add(path)
                yield path, display


def _walk(top: str, patterns: Sequence[str], suffixes: Tuple[str, ...],
          skipped: Optional[List[str]]) -> Iterator[str]:
    """The files under ``top`` whose names end in ``suffixes``, as ``os.walk`` would list
    them (a symlink to a folder is listed among the folders, never entered; an unreadable
    folder is skipped), by one ``scandir`` a folder: ``os.walk`` costs half as much again
    (Django's 3,231 folders: 33 ms against 23). Folders matching ``patterns`` are not
    entered and go to ``skipped``, in the order ``os.walk`` meets them."""
    by_name = _matcher(tuple(p for p in patterns if matches_names_only(p)))  # a name's test is the path's
    by_path = tuple(p for p in patterns if not matches_names_only(p))
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                subfolders.append(entry)
            elif entry.name.endswith(suffixes):
                yield entry.path
        kept = []
        for entry in sorted(subfolders, key=lambda e: e.name):
            if by_name(entry.name) or (by_path and is_excluded(entry.path, by_path)):
                if skipped is not None and not is_excluded(entry.name, NOT_COUNTED):
                    skipped.append(os.path.normpath(entry.path))
            elif not entry.is_symlink():
                kept.append(entry.path)
        folders.extend(reversed(kept))  # the first folder walked first, as os.walk does


def read_at_most(handle, limit: int, size: int) -> bytes:
    """Up to ``limit`` bytes of an open file whose size was ``size`` when it was statted: a
    read of the size, not the limit (a read of 5 MB allocates 5 MB: 27 us against 8 us for a
    small file, on every file of a run), and the rest only when it grew since."""
    data = handle.read(min(size + 1, limit))
    if size < len(data) < limit:  # grown, or a file that reports no size
        data += handle.read(limit - len(data))
    return data


def regular_files(root: str, suffix: str, excludes: Sequence[str] = ()) -> List[Tuple[str, int, int]]:
    """``(path, size, mtime_ns)`` of each regular file under the folder ``root`` whose name
    ends in ``suffix`` (the path normalized, as :func:`iter_files` displays it), sorted by
    path; folders and files matching
    ``excludes`` left out, symlinks never followed, unreadable folders skipped. What the model
    index walks the whole project for on every run, so it costs one ``scandir`` per folder and
    one ``lstat`` per file, and builds no ``Path``.

    The same files as :func:`iter_files` with ``defaults=()`` gives for ``[root]``, those that
    are regular files.
    """
    match = _matcher(tuple(excludes))
    normalize = root == "." or os.path.normpath(root) != root  # "./app/x.py" is displayed "app/x.py"
    found: List[Tuple[str, int, int]] = []
    folders = [root]
    while folders:
        try:
            with os.scandir(folders.pop()) as scan:
                entries = list(scan)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not (match(entry.name) or match(entry.path.replace(os.sep, "/"))):  # is_excluded's test
                        folders.append(entry.path)
                elif entry.name.endswith(suffix) and entry.is_file(follow_symlinks=False):
                    path = os.path.normpath(entry.path) if normalize else entry.path
                    if match(entry.name) or match(path.replace(os.sep, "/")):
                        continue
                    info = entry.stat(follow_symlinks=False)
                    found.append((path, info.st_size, info.st_mtime_ns))
            except OSError:
                continue
    found.sort()
    return found


def relative_display(display: str, given: str) -> str:
    """A display :func:`iter_files` gave for a file under the folder ``given``, relative to
    that folder, with ``/`` (by text: ``Path.relative_to`` costs more than the walk).

    >>> relative_display('app/x.py', '.'), relative_display('/srv/p/app/x.py', '/srv/p/')
    ('app/x.py', 'app/x.py')
    """
    prefix = os.path.normpath(given)
    relative = display if prefix == "." else display[len(prefix):].lstrip(os.sep)
    return relative.replace(os.sep, "/") if os.sep != "/" else relative


def iter_other_files(root: str, patterns: Sequence[str] = DEFAULT_EXCLUDES) -> Iterator[str]:
    """Every file under ``root`` that is not Python or SQL (a Go or TypeScript service's
    sources), relative to ``root`` with ``/``, skipping excluded folders."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not is_excluded(os.path.join(folder, d), patterns)]
        for name in files:
            if not name.endswith(CHECKED_SUFFIXES):
                yield os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")


def default_excludes(registry: Registry) -> Tuple[str, ...]:
    """The folders skipped at any depth: ruff's list, or ``settings.exclude`` when given."""
    configured = registry.settings.default_exclude
    return tuple(DEFAULT_EXCLUDES if configured is None else configured)


def walk_excludes(registry: Registry) -> Tuple[str, ...]:
    """Every folder pattern a walk of the registry's folder leaves out: the defaults (or what
    ``settings.exclude`` replaces them with) and the extensions."""
    return default_excludes(registry) + tuple(registry.settings.exclude)
