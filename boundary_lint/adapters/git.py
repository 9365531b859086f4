"""Running git for ``--diff-base REF``: the lines changed since a ref, and repository paths.

What the output means is pure and lives in :mod:`boundary_lint.filters.changed_lines`.
"""

from __future__ import annotations

import os
import subprocess
from typing import Callable

from boundary_lint.filters.changed_lines import ALL_LINES, Changed, DiffError, parse_unified_diff


def _git(args, cwd: str) -> str:
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args],
            cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="surrogateescape",
            timeout=120,
        )
    except FileNotFoundError:
        raise DiffError("git is not installed (needed by --diff-base)") from None
    except subprocess.TimeoutExpired:
        raise DiffError(f"git {' '.join(args)} took longer than 120 s") from None
    if proc.returncode != 0:
        message = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        raise DiffError(f"git {args[0]} failed: {message}")
    return proc.stdout


def repo_root(cwd: str = ".") -> str:
    return _git(["rev-parse", "--show-toplevel"], cwd).strip()


def git_changed_lines(ref: str, cwd: str = ".") -> Changed:
    """Lines changed in the working tree since ``ref`` forked, keyed by repo-relative path.

    The diff is taken from the merge base of ``ref`` and ``HEAD`` (what a pull
    request changed), uncommitted edits included. Untracked files (not
    ignored) count as changed on every line.
    """
    if ref.startswith("-"):
        raise DiffError(f"{ref!r} is not a git ref")
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except DiffError:
        raise DiffError(f"unknown git ref {ref!r} (in CI, fetch it first: fetch-depth: 0)") from None
    try:  # a pull request's own changes: since it forked from REF, not REF's later commits
        base = _git(["merge-base", ref, "HEAD"], cwd).strip()
    except DiffError:  # no common history (shallow clone): the best we have is REF itself
        base = ref
    diff = _git(
        ["diff", "-U0", "--no-color", "--no-ext-diff", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/",
         base, "--"],
        cwd,
    )
    changed: Changed = dict(parse_unified_diff(diff))
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--full-name", "-z"], cwd)
    for path in filter(None, untracked.split("\0")):
        changed[path] = ALL_LINES
    return changed


def repo_relative(root: str) -> Callable[[str], str]:
    """Map a finding's path (relative to the cwd, or absolute) to the repo-relative form git uses."""
    real_root = os.path.realpath(root)

    def path_of(path: str) -> str:
        rel = os.path.relpath(os.path.realpath(path), real_root)
        return rel.replace(os.sep, "/")

    return path_of
