"""A whole run: the files under the paths given, each checked, gathered in a stable order.

The CLI calls :func:`run_paths`; it holds no printing and no argument parsing,
so parallel workers and the cache plug in here without touching the adapters.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from .checker import FileResult, check_file
from .discovery import iter_files
from .registry import Registry
from .reporters import RunResult


def code_filter(select: Sequence[str], ignore: Sequence[str]):
    """``--select``/``--ignore`` as a predicate on codes (prefixes match, like flake8)."""
    select_t, ignore_t = tuple(select), tuple(ignore)

    def keep(code: str) -> bool:
        return (not select_t or code.startswith(select_t)) and not (ignore_t and code.startswith(ignore_t))

    return keep


def gather(results: Iterable[FileResult], keep=lambda code: True) -> RunResult:
    """Fold per-file results into one run result, sorted for deterministic output."""
    run = RunResult()
    for file_result in results:
        if not file_result.checked:
            run.unowned_files += 1
            continue
        run.files += 1
        run.problems.extend(file_result.problems)
        run.findings.extend(f for f in file_result.findings if keep(f.code))
    run.findings.sort()
    run.problems.sort()
    return run


def run_paths(
    paths: Sequence[str],
    registry: Registry,
    service: Optional[str] = None,
    excludes: Sequence[str] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> RunResult:
    """Check every file under ``paths`` against ``registry``."""
    files = iter_files(paths, list(registry.settings.exclude) + list(excludes))
    results = (check_file(path, display, registry, service) for path, display in files)
    return gather(results, code_filter(select, ignore))
