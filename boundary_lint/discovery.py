"""Which files a run checks: walk the paths given, skip the usual non-source folders."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path
from typing import Iterable, Iterator, List, Sequence, Tuple

CHECKED_SUFFIXES = (".py", ".pyi", ".sql")
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".env", "env",
    "node_modules", "__pycache__", "build", "dist", ".eggs", "*.egg-info",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".boundary_lint_cache", "site-packages",
)


def is_excluded(display: str, patterns: Sequence[str]) -> bool:
    """A pattern matches a path's last part or the whole path (``fnmatch`` style).

    >>> is_excluded('app/venv', ['venv']), is_excluded('app/x.py', ['app/*'])
    (True, True)
    """
    name = os.path.basename(display.rstrip("/")) or display
    normalized = display.replace(os.sep, "/")
    matcher = _matcher(tuple(patterns))
    return bool(matcher(name) or matcher(normalized))


@functools.lru_cache(maxsize=32)
def _matcher(patterns: Tuple[str, ...]):
    """All patterns as one compiled regex (``fnmatch`` per pattern per path is slow)."""
    if not patterns:
        return lambda text: None
    return re.compile("|".join(fnmatch.translate(p) for p in patterns)).match


def iter_files(paths: Iterable[str], excludes: Sequence[str] = ()) -> Iterator[Tuple[Path, str]]:
    """``(path, display)`` for every file to check, in a stable order.

    A file named explicitly is always checked; folders are walked without
    following symlinks (so a symlink loop cannot hang the run).
    """
    patterns = tuple(DEFAULT_EXCLUDES) + tuple(excludes)
    seen = set()
    for given in paths:
        root = Path(given)
        if root.is_file():
            if root not in seen:
                seen.add(root)
                yield root, given
            continue
        found: List[Tuple[Path, str]] = []
        for folder, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not is_excluded(os.path.join(folder, d), patterns))
            for name in files:
                display = os.path.join(folder, name)
                if name.endswith(CHECKED_SUFFIXES) and not is_excluded(display, patterns[len(DEFAULT_EXCLUDES):]):
                    found.append((Path(display), os.path.normpath(display)))
        for path, display in sorted(found, key=lambda item: item[1]):
            if path not in seen:
                seen.add(path)
                yield path, display


def iter_other_files(root: str, excludes: Sequence[str] = ()) -> Iterator[str]:
    """Every file under ``root`` that is not Python or SQL (a Go or TypeScript service's
    sources), relative to ``root`` with ``/``, skipping excluded folders."""
    patterns = tuple(DEFAULT_EXCLUDES) + tuple(excludes)
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not is_excluded(os.path.join(folder, d), patterns)]
        for name in files:
            if not name.endswith(CHECKED_SUFFIXES):
                yield os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
