"""A whole run: the files under the paths given, each checked, gathered in a stable order.

The CLI calls :func:`run_paths`; it holds no printing and no argument parsing.
Files of no service are never read; the rest are hashed and looked up in the
cache, and only the misses are checked, in a process pool when there are
enough of them to pay for it. Output is identical whatever ``jobs`` is.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Sequence, Tuple

from boundary_lint.adapters.cache import ResultCache, cache_folder, content_hash, file_hash, registry_key
from boundary_lint.adapters.source_files import check_path, read_source, unreadable
from boundary_lint.adapters.files import (
    default_excludes,
    is_excluded,
    iter_files,
    iter_other_files,
    matches_names_only,
    relative_display,
    walk_excludes,
)
from boundary_lint.languages import HOST_LANGUAGES, MAX_FILE_BYTES, NOT_READ, suffixes_for
from boundary_lint.model import FileResult, Problem, RunResult
from boundary_lint.registry import Registry, glob_to_regex

MIN_FILES_PER_JOB = 8  # below this, starting workers costs more than it saves
WORKERS_START_S = 0.03
"""What a process pool costs before it saves anything (forking, each worker's first task,
sending results back): 18 ms measured for 2 workers, beside checks of 0.03-0.17 s."""
PACE_AFTER_S = 0.005
"""Checking in this process this long, at least, before its pace predicts the rest."""


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
        run.paths.append(file_result.path)
        run.problems.extend(file_result.problems)
        run.orm_unresolved += file_result.orm_unresolved
        for key, count in file_result.coverage.items():
            run.coverage[key] = run.coverage.get(key, 0) + count
            per = run.coverage_by_service.setdefault(file_result.service, {})
            per[key] = per.get(key, 0) + count
        if file_result.coverage:
            run.coverage_by_file[file_result.path] = dict(file_result.coverage)
        run.findings.extend(f for f in file_result.findings if keep(f.code))
        run.suppressed.extend(s for s in file_result.suppressed if keep(s.finding.code))
        for unused in file_result.unused:  # a code this run does not report cannot be judged unused
            codes = tuple(c for c in unused.codes if keep(c) or (not c and keep("BND")))
            if codes:
                run.unused_suppressions.append(replace(unused, codes=codes))
    run.findings.sort()
    run.problems.sort()
    run.suppressed.sort()
    run.unused_suppressions.sort()
    run.paths.sort()
    return run


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_paths(
    paths: Sequence[str],
    registry: Registry,
    service: Optional[str] = None,
    excludes: Sequence[str] = (),
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    jobs: Optional[int] = None,
    use_cache: bool = True,
    progress: Optional[Callable[[int, int], None]] = None,
) -> RunResult:
    """Check every file under ``paths`` against ``registry``.

    ``progress(done, total)`` is called as files finish (for a terminal progress line).
    """
    with fewer_collections():  # reading the caches' JSON makes many objects and no cycles
        return _run_paths(paths, registry, service, excludes, select, ignore, jobs, use_cache, progress)


def _run_paths(paths, registry, service, excludes, select, ignore, jobs, use_cache, progress) -> RunResult:
    skipped: List[str] = []
    files = list(iter_files(paths, list(registry.settings.exclude) + list(excludes),
                            defaults=default_excludes(registry), skipped=skipped,
                            suffixes=suffixes_for(registry.settings.languages)))
    models = _model_index(registry, use_cache, jobs or default_jobs(), _walked_root(registry, paths, excludes, files))
    cache = None
    if use_cache:
        key = registry_key(registry, service, (models.digest() if models.records else "") + parsers_key(files))
        cache = ResultCache(cache_folder(registry), key)
    results: List[FileResult] = []
    todo: List[Tuple[Path, str, str, str]] = []  # path, display, service, digest
    stats = {}  # display -> os.stat_result, recorded with the result
    for path, display in files:
        owner = service or registry.service_for_path(path)
        if owner is None:
            results.append(FileResult(display, None, checked=False))
            continue
        if cache is None:
            todo.append((path, display, owner, ""))
            continue
        try:
            info = stats[display] = os.stat(path)
            hit = cache.get_unchanged(display, info)
            if hit is not None:  # same size and mtime as when checked: not read
                results.append(hit)
                continue
            data = read_source(path)
            digest = content_hash(data) if len(data) <= MAX_FILE_BYTES else file_hash(path)
        except OSError as exc:
            results.append(unreadable(display, owner, exc, path))
            continue
        hit = cache.get(display, digest, info)
        if hit is not None:
            results.append(hit)
        else:
            todo.append((path, display, owner, digest))
    tick = _ticker(progress, len(results), len(files))
    checked = _check_all(todo, registry, jobs or default_jobs(), tick, models)
    results.extend(checked)
    if cache is not None:
        for (_, display, _, digest), result in zip(todo, checked):
            cache.put(display, digest, result, stats.get(display))
        cache.save()
    run = gather(results, code_filter(select, ignore))
    run.excluded_folders = skipped
    run.problems = sorted(run.problems + unmatched_path_problems(registry, paths, [p for p, _ in files]))
    if run.coverage.get(NOT_READ):  # said once, however many files: the gate did not read them
        from boundary_lint.host_files import not_read_problem

        run.problems = sorted(run.problems + [not_read_problem(run.coverage[NOT_READ], registry_display(registry))])
    return run


def parsers_key(files: Sequence[Tuple[Path, str]]) -> str:
    """Which host-language grammars are installed, when the run has host files: part of the
    results cache's key, so a file not read for want of its parser is cached as such, and
    read once the parser is installed (a Python-only run looks for none of them)."""
    suffixes = {path.suffix for path, _ in files}
    languages = [h for h in HOST_LANGUAGES if h.grammar is not None and suffixes.intersection(h.suffixes)]
    if not languages:
        return ""
    from importlib.util import find_spec

    def installed(module: str) -> bool:
        try:
            return find_spec(module) is not None
        except (ImportError, ValueError):
            return False

    if not installed("tree_sitter"):
        return "\0parsers:"
    return "\0parsers:" + ",".join(h.name for h in languages if installed(h.grammar[0]))


def _model_index(registry: Registry, use_cache: bool, jobs: int = 1, files=None):
    """The model index of the registry's folder, built (from its cache: files unchanged since
    are not read) once for this run and made the one every check in this process uses.

    ``--no-cache`` (``use_cache=False``) still reads the index's cache, never writing it: it
    holds no result, only what each file (keyed by its size and
    mtime) says about models, and without it a check of a handful of files would read
    every model file of the project."""
    from boundary_lint.sites import model_index

    if registry.source is None:
        return model_index.EMPTY
    root = registry.root.resolve()
    from boundary_lint.adapters.model_index_store import build_index

    index = build_index(root, walk_excludes(registry), cache_folder(registry), write=use_cache, jobs=jobs,
                        files=files)
    model_index.install(registry, index)
    return index


def _walked_root(registry: Registry, paths: Sequence[str], excludes: Sequence[str],
                 files: Sequence[Tuple[Path, str]]) -> Optional[List[Tuple[Path, str]]]:
    """The run's own walk as the model index's file list (``(path, relative)``), when it is
    the same walk: one path, the registry's folder, and no ``--exclude`` of the command line."""
    if len(paths) != 1 or excludes or registry.source is None:
        return None
    given, root = Path(paths[0]), registry.root.resolve()
    if not given.is_dir() or given.resolve() != root:
        return None
    if os.path.normpath(paths[0]) != str(root) and not all(map(matches_names_only, walk_excludes(registry))):
        return None  # a pattern on whole paths could exclude other folders when the root is spelled otherwise
    defaults = default_excludes(registry)  # the index's walk applies them to files too
    return [(path, relative_display(display, paths[0])) for path, display in files
            if path.suffix == ".py" and not is_excluded(display, defaults)]


def unmatched_path_problems(registry: Registry, paths: Sequence[str], files: Sequence[Path]) -> List[Problem]:
    """A warning per ``services.X.paths`` glob that matches none of the files, when the run
    covers the registry's whole folder (a run on a few files proves nothing)."""
    root = registry.root.resolve()
    if not any(root == Path(p).resolve() or root.is_relative_to(Path(p).resolve()) for p in paths):
        return []
    unmatched = registry.unmatched_paths(files)
    if not unmatched:
        return []
    where = registry_display(registry)
    try:
        text = registry.source.read_text(encoding="utf-8") if registry.source else ""
    except OSError:
        text = ""
    problems = []
    other_files = None
    for service, pattern in unmatched:
        if other_files is None:  # walked only when a glob matched no Python or SQL file
            other_files = list(iter_other_files(str(registry.root),
                                                default_excludes(registry) + tuple(registry.settings.exclude)))
        regex = glob_to_regex(pattern)
        if any(regex.fullmatch(name) for name in other_files):
            continue  # the service's files are Go, TypeScript...: nothing to check there, nothing wrong
        line = next((n for n, row in enumerate(text.splitlines(), 1) if pattern in row), 1)
        problems.append(Problem(where, line, f"services.{service}.paths {pattern!r} matches no file; "
                                "fix the glob (relative to the registry's folder) or remove it", fatal=False))
    return problems


def registry_display(registry: Registry) -> str:
    """The registry file as a user would name it: relative to the working directory when inside it."""
    where = str(registry.source) if registry.source else "registry"
    if registry.source and Path(registry.source).resolve().is_relative_to(Path.cwd()):
        where = str(Path(registry.source).resolve().relative_to(Path.cwd()))
    return where


def no_file_checked_problem(registry: Registry, unowned: int) -> Problem:
    """A run that found files but checked none of them cannot pass: the registry gives no
    service any of them (no ``paths`` at all, or a glob typo such as ``ap/**``)."""
    where = registry_display(registry)
    files = f"{unowned} file{'s' if unowned != 1 else ''} found belong{'s' if unowned == 1 else ''}"
    return Problem(where, 1, f"no file was checked: the {files} to no service of {where} (no "
                   "services.NAME.paths glob matches them, relative to its folder); "
                   "add paths = [...] to a service, or pass --service NAME", usage=True)


def nothing_found_problem(folders: Sequence[str]) -> Problem:
    """A run on folders holding no file it reads cannot pass either: a path typo into an
    empty folder, a tree of other languages, or excludes that leave nothing (as mypy, not
    ruff, which warns and exits 0)."""
    where = ", ".join(folders)
    return Problem(folders[0], 1, f"no file was checked: {where} hold{'s' if len(folders) == 1 else ''} no file "
                   "it reads (Python, SQL or a language of settings.languages) outside the excludes; check the "
                   "path, settings.exclude and --exclude", usage=True)


def _ticker(progress: Optional[Callable[[int, int], None]], done: int, total: int) -> Callable[[], None]:
    """A no-argument callback counting finished files for ``progress``."""
    if progress is None:
        return lambda: None
    count = [done]
    progress(done, total)

    def tick() -> None:
        count[0] += 1
        progress(count[0], total)

    return tick


def _check_all(
    todo: List[Tuple[Path, str, str, str]],
    registry: Registry,
    jobs: int,
    tick: Callable[[], None] = lambda: None,
    models=None,
) -> List[FileResult]:
    if not todo:
        return []  # every file cached: the checker is not even imported
    from boundary_lint.sql import memo

    memo.forget()  # each run analyses its SQL afresh
    return _check_each(todo, registry, jobs, tick, models)


@contextmanager
def fewer_collections(every: int = 20_000) -> Iterator[None]:
    """Python's cycle collector every ``every`` allocations, not 700, during a run:
    a check makes many objects and next to no cycles, and each collection walks the young
    objects again, the file's syntax tree among them (a tenth of a SQL-dense run). Put back
    afterwards."""
    old = gc.get_threshold()
    if old[0] == 0 or old[0] >= every:
        yield
        return
    gc.set_threshold(every, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def pool_pays(elapsed_s: float, done_bytes: int, left_bytes: int, jobs: int) -> bool:
    """Would ``jobs`` workers check the files left sooner than this process, by the pace of
    those it checked so far (bytes a second)? A small tree is checked faster here than
    workers start (procrastinate's 133 files: 28 ms here, 32 ms with 2 workers)."""
    if jobs <= 1 or elapsed_s < PACE_AFTER_S or done_bytes <= 0:
        return False
    left_s = elapsed_s * left_bytes / done_bytes
    return left_s * (1 - 1 / jobs) > WORKERS_START_S


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _check_each(todo, registry: Registry, jobs: int, tick: Callable[[], None], models) -> List[FileResult]:
    """The files checked in order, here until the pace so far says workers would finish the
    rest sooner (:func:`pool_pays`), then the rest in a pool; the same results either way."""
    out: List[FileResult] = []
    if min(jobs, len(todo) // MIN_FILES_PER_JOB) <= 1:
        for item in todo:
            out.append(_check_one(item, registry))
            tick()
        return out
    sizes = [_size(item[0]) for item in todo]
    left_bytes, done_bytes, spent = sum(sizes), 0, 0.0
    for index, item in enumerate(todo):
        if pool_pays(spent, done_bytes, left_bytes, min(jobs, (len(todo) - index) // MIN_FILES_PER_JOB)):
            return out + _check_in_pool(todo[index:], registry, jobs, tick, models)
        modules, start = len(sys.modules), time.perf_counter()
        out.append(_check_one(item, registry))
        left_bytes -= sizes[index]
        if len(sys.modules) == modules:  # a file that imported the parser is no measure of the pace
            spent += time.perf_counter() - start
            done_bytes += sizes[index]
        tick()
    return out


def _check_in_pool(todo, registry: Registry, jobs: int, tick: Callable[[], None], models) -> List[FileResult]:
    jobs = min(jobs, len(todo) // MIN_FILES_PER_JOB)
    out: List[FileResult] = []
    import multiprocessing  # only a parallel run pays for these imports
    from concurrent.futures import ProcessPoolExecutor

    from boundary_lint import pipeline  # noqa: F401 (imported once here, not again in each forked worker)

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    if models is not None:
        models.resolve()  # once here, not once in each worker
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(registry, models)) as pool:
        chunk = max(1, len(todo) // (jobs * 8))
        for result in pool.map(_check_in_worker, todo, chunksize=chunk):
            out.append(result)
            tick()
        return out


def _check_one(item: Tuple[Path, str, str, str], registry: Registry) -> FileResult:
    path, display, owner, _ = item
    return check_path(path, display, registry, owner)


_WORKER_REGISTRY: Optional[Registry] = None


def _init_worker(registry: Registry, models=None) -> None:
    global _WORKER_REGISTRY
    _WORKER_REGISTRY = registry
    if models is not None:
        from boundary_lint.sites import model_index

        model_index.install(registry, models)


def _check_in_worker(item: Tuple[Path, str, str, str]) -> FileResult:
    assert _WORKER_REGISTRY is not None
    return _check_one(item, _WORKER_REGISTRY)
