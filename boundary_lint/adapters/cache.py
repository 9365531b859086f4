"""Results cache: a file's findings, keyed by its content hash, the registry and the version.

A file whose size and modification time are those recorded with its entry is not read
at all (as ruff and mypy do); only when they differ is its content hashed and compared.
The time is trusted only for a file last changed well before the run that recorded it
(a change within the file system's time granularity could keep both the same).

One JSON file per registry+version in ``.boundary_lint_cache/`` beside the
registry (like ruff's cache). Loaded once, written once at the end of a run by
an atomic replace, so concurrent runs never see a torn file (the last writer
wins; a lost entry only costs a re-check). Entries of files that are gone or
changed are pruned on write, and caches of other registries or versions are
removed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Dict, Optional

from boundary_lint import __version__
from boundary_lint.model import FileResult
from boundary_lint.model import Finding, Problem, SuppressedFinding, UnusedSuppression
from boundary_lint.registry import Registry

CACHE_DIR = ".boundary_lint_cache"


RACY_NS = 2_000_000_000
"""A file changed less than this before the run: its size and time are not trusted next run."""


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_hash(path: Path, block: int = 1 << 20) -> str:
    """``content_hash`` of a whole file, read a block at a time (a large ``.sql`` dump)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for data in iter(lambda: handle.read(block), b""):
            digest.update(data)
    return digest.hexdigest()


def stat_stamp(info: os.stat_result) -> list:
    """What says a file is unchanged without reading it: its size and mtime."""
    return [info.st_size, info.st_mtime_ns]


@functools.lru_cache(maxsize=1)
def code_stamp() -> str:
    """Size and mtime of the package's own modules, so a changed checker never reuses results
    (read once a process: the results cache and the model index's both ask)."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts = []
    for folder, subfolders, names in os.walk(package):
        subfolders.sort()
        relative = os.path.relpath(folder, package)
        for name in names:
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                parts.append((os.path.normpath(os.path.join(relative, name)), stat.st_size, stat.st_mtime_ns))
    return "|".join(f"{name}:{size}:{mtime}" for name, size, mtime in sorted(parts))


def registry_key(registry: Registry, service: Optional[str], extra: str = "") -> str:
    """Everything besides a file's content that can change its result."""
    text = ""
    if registry.source is not None:
        try:
            text = Path(registry.source).read_text(encoding="utf-8")
        except OSError:
            text = repr(registry.services)
    else:
        text = repr(registry.services) + repr(registry.settings)
    material = "\0".join(
        [__version__, code_stamp(), text, str(registry.root.resolve()), service or "", extra]
    )
    return hashlib.blake2b(material.encode(), digest_size=12).hexdigest()


def result_to_json(result: FileResult) -> dict:
    return {
        "service": result.service,
        "checked": result.checked,
        "findings": [asdict(f) for f in result.findings],
        "problems": [asdict(p) for p in result.problems],
        "suppressed": [
            {"finding": asdict(s.finding), "reason": s.reason, "comment_line": s.comment_line, "kind": s.kind,
             "ticket": s.ticket, "until": s.until}
            for s in result.suppressed
        ],
        "orm_unresolved": result.orm_unresolved,
        "coverage": dict(result.coverage),
        "unused": [asdict(u) for u in result.unused],
    }


def result_from_json(display: str, data: dict) -> FileResult:
    return FileResult(
        path=display,
        service=data["service"],
        findings=[_finding(f) for f in data["findings"]],
        problems=[Problem(**p) for p in data["problems"]],
        checked=data["checked"],
        suppressed=[
            SuppressedFinding(_finding(s["finding"]), s["reason"], s["comment_line"], s["kind"],
                              s.get("ticket", ""), s.get("until", ""))
            for s in data.get("suppressed", ())
        ],
        orm_unresolved=int(data.get("orm_unresolved", 0) or 0),
        coverage={k: int(v) for k, v in (data.get("coverage") or {}).items() if isinstance(v, int)},
        unused=[UnusedSuppression(**dict(u, codes=tuple(u["codes"]))) for u in data.get("unused", ())],
    )


def _finding(data: dict) -> Finding:
    return Finding(**dict(data, owners=tuple(data.get("owners", ()))))


class ResultCache:
    """``(display path, content hash) -> FileResult`` for one registry and version."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.file = folder / f"results-{key}.json"
        self.entries: Dict[str, dict] = {}
        self.seen: Dict[str, str] = {}
        self.dirty = False
        self.started_ns = time.time_ns()
        try:
            with open(self.file, encoding="utf-8") as handle:
                loaded = json.load(handle)
            if isinstance(loaded, dict) and loaded.get("version") == __version__:
                entries = loaded.get("entries")
                if isinstance(entries, dict):  # a damaged cache is ignored, never trusted
                    self.entries = {k: v for k, v in entries.items() if isinstance(v, dict)}
        except (OSError, ValueError):
            self.entries = {}

    def get_unchanged(self, display: str, info: os.stat_result) -> Optional[FileResult]:
        """The entry of a file whose size and mtime are those recorded: read nothing."""
        entry = self.entries.get(display)
        if entry is None or entry.get("stat") != stat_stamp(info) or not isinstance(entry.get("hash"), str):
            return None
        result = self._result(display, entry)
        if result is not None:
            self.seen[display] = entry["hash"]
        return result

    def get(self, display: str, digest: str, info: Optional[os.stat_result] = None) -> Optional[FileResult]:
        """The entry of a file of this content; ``info``: its stat, recorded on a hit."""
        self.seen[display] = digest
        entry = self.entries.get(display)
        if entry is None or entry.get("hash") != digest:
            return None
        result = self._result(display, entry)
        if result is not None and info is not None and self._trusted(info) and entry.get("stat") != stat_stamp(info):
            entry["stat"] = stat_stamp(info)  # touched, not changed: next run need not read it
            self.dirty = True
        return result

    def _trusted(self, info: os.stat_result) -> bool:
        return info.st_mtime_ns + RACY_NS < self.started_ns

    def _result(self, display: str, entry: dict) -> Optional[FileResult]:
        try:
            result = result_from_json(display, entry["result"])
        except (KeyError, TypeError, AttributeError, ValueError):  # a damaged entry: check the file again
            return None
        numbers = [n for f in result.findings for n in (f.line, f.column)] + [p.line for p in result.problems]
        return result if all(type(n) is int for n in numbers) else None

    def put(self, display: str, digest: str, result: FileResult, info: Optional[os.stat_result] = None) -> None:
        self.seen[display] = digest
        self.entries[display] = {"hash": digest, "result": result_to_json(result)}
        if info is not None and self._trusted(info):
            self.entries[display]["stat"] = stat_stamp(info)
        self.dirty = True

    def save(self) -> None:
        """Write atomically, keeping entries of files that still exist; drop other caches."""
        kept = {
            display: entry
            for display, entry in self.entries.items()
            if self.seen.get(display, entry.get("hash")) == entry.get("hash")
            and (display in self.seen or os.path.exists(display))
        }
        if not self.dirty and len(kept) == len(self.entries):
            return
        if not write_cache_json(self.file, {"version": __version__, "entries": kept}):
            return
        for other in self.folder.glob("results-*.json"):
            if other != self.file:
                other.unlink(missing_ok=True)


def write_cache_json(file: Path, content: dict) -> bool:
    """Write a cache file of the cache folder by an atomic replace (a concurrent run never reads
    half of it), the folder git-ignored; False when it cannot be written (that only costs time)."""
    folder = file.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        gitignore = folder / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        import tempfile  # a warm run writes nothing

        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(content, handle)
        os.replace(tmp, file)
    except OSError:
        return False
    return True


CACHE_ENV = "BOUNDARY_LINT_CACHE_DIR"


def cache_folder(registry: Registry) -> Path:
    """``.boundary_lint_cache/`` beside the registry, or ``$BOUNDARY_LINT_CACHE_DIR`` when set
    (a read-only checkout, or tests that must leave the repository as it was)."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else registry.root / CACHE_DIR
