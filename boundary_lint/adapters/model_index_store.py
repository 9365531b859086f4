"""Building the project's model index: every Python file under the registry's folder read for
its models (unchanged files from the cache, by size and mtime; many files in a process pool),
and the index of a registry's folder made once per process. The index itself is pure:
:mod:`boundary_lint.sites.model_index`.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from boundary_lint.adapters.cache import cache_folder, code_stamp, write_cache_json
from boundary_lint.adapters.files import read_at_most, regular_files, relative_display, walk_excludes
from boundary_lint.sites.model_index import (
    _PROCESS,
    INDEX_VERSION,
    ModelIndex,
    file_record,
    installed,
    module_name,
    resolved_root,
)

CACHE_FILE = "models.json"
RESOLVED_FILE = "models-resolved.json"


def index_files(root: Path, excludes: Sequence[str] = ()) -> List[Tuple[str, str, int, int]]:
    """``(path, relative, size, mtime_ns)`` of the regular Python files under ``root``, folders
    matching ``excludes`` (the whole list) left out."""
    given = str(root)
    return [(path, relative_display(path, given), size, mtime)
            for path, size, mtime in regular_files(given, ".py", excludes)]


def _stat_each(files: Sequence[Tuple[Path, str]]) -> Iterator[Tuple[str, str, int, int]]:
    """:func:`index_files`'s rows for files the run walked already."""
    for path, relative in files:
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):  # a FIFO or device is never opened (it could block), a symlink never followed
            yield str(path), relative, info.st_size, info.st_mtime_ns


def _record_of_path(item: Tuple[str, str]) -> Optional[dict]:
    path, relative = item
    try:
        with open(path, "rb") as handle:
            data = read_at_most(handle, 5_000_001, os.fstat(handle.fileno()).st_size)
    except OSError:
        return None
    if len(data) > 5_000_000:
        return None
    try:
        return file_record(data, relative)
    except Exception:  # a bug of ours in one file's reading must not stop every run: its models go unknown
        return None


MIN_FILES_PER_JOB = 64


def _records(todo: List[Tuple[str, str]], jobs: int) -> List[Optional[dict]]:
    """The records of files not in the cache, in a process pool when there are many."""
    jobs = min(jobs, len(todo) // MIN_FILES_PER_JOB)
    if jobs <= 1:
        return [_record_of_path(item) for item in todo]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        return list(pool.map(_record_of_path, todo, chunksize=max(1, len(todo) // (jobs * 8))))


def build_index(root: Path, excludes: Sequence[str] = (), cache_dir: Optional[Path] = None,
                write: bool = True, jobs: int = 1, files: Optional[Sequence[Tuple[Path, str]]] = None) -> ModelIndex:
    """The index of every model under ``root``; a file unchanged since the cache was written
    (same size and mtime) is not read again. ``write=False`` reads the cache, never writes it;
    ``jobs`` reads the other files in that many processes; ``files``: the Python files under
    ``root`` as ``(path, relative)``, when the caller walked the folder already (as
    :func:`index_files` would give them)."""
    cache_file = cache_dir / CACHE_FILE if cache_dir is not None else None
    stamp = _stamp(root)
    cached, known_digest = _load_cache(cache_file, stamp)
    entries: Dict[str, list] = {}
    todo: List[Tuple[str, str]] = []
    for path, relative, size, mtime in (index_files(root, excludes) if files is None else _stat_each(files)):
        entry = cached.get(relative)
        if isinstance(entry, list) and len(entry) == 3 and entry[0] == size and entry[1] == mtime:
            entries[relative] = entry
        else:
            entries[relative] = [size, mtime, None]
            todo.append((path, relative))
    for (_, relative), record in zip(todo, _records(todo, jobs)):
        entries[relative][2] = record
    index = ModelIndex.from_records(entry[2] for entry in entries.values() if entry[2] is not None)
    if cache_dir is not None:
        index.resolution_store = ResolutionFile(cache_dir / RESOLVED_FILE, stamp, write)
    index.scanned = frozenset(module_name(relative) for relative in entries)
    if not todo and len(entries) == len(cached):
        index.known_digest = known_digest  # the same records the cache's digest was taken of
    elif write and cache_file is not None:
        write_cache_json(cache_file, {"stamp": stamp, "version": INDEX_VERSION, "digest": index.digest(),
                                      "files": entries})
    return index


class ResolutionFile:
    """The resolved index of a folder's records, kept beside them keyed by their digest: a run
    whose model files did not change (a pre-commit run, the flake8 plugin, an editor) reads
    which class maps which table instead of resolving every class of the project again.
    Picklable: the workers of a run receive it with the index."""

    def __init__(self, path: Path, stamp: str, writable: bool) -> None:
        self.path, self.stamp, self.writable = path, stamp, writable

    def load(self, digest: str) -> Optional[dict]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                stored = json.load(handle)
        except (OSError, ValueError):
            return None
        if isinstance(stored, dict) and stored.get("stamp") == self.stamp and stored.get("digest") == digest:
            return stored.get("resolution")
        return None

    def save(self, digest: str, resolution: dict) -> None:
        if self.writable:
            write_cache_json(self.path, {"stamp": self.stamp, "digest": digest, "resolution": resolution})


def _stamp(root: Path) -> str:
    """The checker's code and the folder indexed: a cache of another version, or of another
    project sharing ``$BOUNDARY_LINT_CACHE_DIR``, is not used."""
    return hashlib.blake2b(f"{code_stamp()}\0{root}".encode(), digest_size=8).hexdigest()


def _load_cache(cache_file: Optional[Path], stamp: str) -> Tuple[Dict[str, list], Optional[str]]:
    """``(relative path -> [size, mtime, record], digest)`` from the cache; empty when it is
    missing, damaged, or of another stamp."""
    if cache_file is None:
        return {}, None
    try:
        with open(cache_file, encoding="utf-8") as handle:
            loaded = json.load(handle)
    except (OSError, ValueError):
        return {}, None
    if not (isinstance(loaded, dict) and loaded.get("stamp") == stamp and isinstance(loaded.get("files"), dict)):
        return {}, None
    digest = loaded.get("digest")
    return loaded["files"], digest if isinstance(digest, str) else None


def for_registry(registry, use_cache: bool = True, write: bool = False) -> ModelIndex:
    """The index of the registry's folder, built once per process (a registry built in memory,
    with no file, has no folder of its own: its index is empty), from the cache ``check`` keeps.
    ``write``: keep what was read in that cache, as ``check`` does (the flake8 plugin and the
    editor: a process per save must not read every model file each time); ``fix`` writes
    nothing into the project."""
    index = installed(registry, use_cache)
    if index is None:
        index = build_index(resolved_root(registry), walk_excludes(registry),
                            cache_folder(registry) if use_cache else None, write=write and use_cache)
        _PROCESS[f"{resolved_root(registry)}\0{use_cache}"] = index
    return index
