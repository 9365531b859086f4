"""Results cache: a file's findings, keyed by its content hash, the registry and the version.

One JSON file per registry+version in ``.boundary_lint_cache/`` beside the
registry (like ruff's cache). Loaded once, written once at the end of a run by
an atomic replace, so concurrent runs never see a torn file (the last writer
wins; a lost entry only costs a re-check). Entries of files that are gone or
changed are pruned on write, and caches of other registries or versions are
removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Dict, Optional

from boundary_lint import __version__
from boundary_lint.pipeline import FileResult
from boundary_lint.model import Finding, Problem, SuppressedFinding, UnusedSuppression
from boundary_lint.registry import Registry

CACHE_DIR = ".boundary_lint_cache"


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def code_stamp() -> str:
    """Size and mtime of the package's own modules, so a changed checker never reuses results."""
    package = Path(__file__).parent
    parts = []
    for module in sorted(package.rglob("*.py")):
        stat = module.stat()
        parts.append(f"{module.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


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
        try:
            with open(self.file, encoding="utf-8") as handle:
                loaded = json.load(handle)
            if isinstance(loaded, dict) and loaded.get("version") == __version__:
                entries = loaded.get("entries")
                if isinstance(entries, dict):  # a damaged cache is ignored, never trusted
                    self.entries = {k: v for k, v in entries.items() if isinstance(v, dict)}
        except (OSError, ValueError):
            self.entries = {}

    def get(self, display: str, digest: str) -> Optional[FileResult]:
        self.seen[display] = digest
        entry = self.entries.get(display)
        if entry is None or entry.get("hash") != digest:
            return None
        try:
            result = result_from_json(display, entry["result"])
        except (KeyError, TypeError, AttributeError, ValueError):  # a damaged entry: check the file again
            return None
        numbers = [n for f in result.findings for n in (f.line, f.column)] + [p.line for p in result.problems]
        return result if all(type(n) is int for n in numbers) else None

    def put(self, display: str, digest: str, result: FileResult) -> None:
        self.seen[display] = digest
        self.entries[display] = {"hash": digest, "result": result_to_json(result)}
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
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": __version__, "entries": kept}, handle)
            os.replace(tmp, self.file)
            for other in self.folder.glob("results-*.json"):
                if other != self.file:
                    other.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written only costs time
