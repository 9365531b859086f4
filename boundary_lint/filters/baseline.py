"""The baseline: findings a team has accepted for now, so CI fails only on new ones.

An entry is keyed by file, code, table and the fingerprint of the statement
(its text with whitespace collapsed, lower-cased), never by line number, so it
survives edits elsewhere in the file. Entries carry a count: two identical
statements in one file are two findings, and a third one is new. An entry no
longer matched by any finding is *stale* -- the violation was fixed -- and
``--prune-baseline`` drops it, so the baseline only ever shrinks.

Everything here is pure except :func:`load` and :func:`save` at the bottom.

>>> f = Finding("app/x.py", 3, 9, "BND100", "public.strategy", fingerprint="ab12")
>>> entries = entries_for([f, f])
>>> entries
[BaselineEntry(path='app/x.py', code='BND100', table='public.strategy', fingerprint='ab12', count=2)]
>>> moved = Finding("app/x.py", 40, 9, "BND100", "public.strategy", fingerprint="ab12")
>>> m = match([moved], entries, checked_paths={"app/x.py"})
>>> len(m.new), len(m.known), m.stale[0].count
(0, 1, 1)
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
import datetime
from dataclasses import field, replace
from pathlib import Path, PurePath
from typing import Callable, Collection, Dict, Iterable, List, Optional, Tuple

from boundary_lint.value_classes import value_class
from boundary_lint.codes import RULES, unknown_code_message
from boundary_lint.model import Finding

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
LEGACY = "v1:"
"""Prefix of a fingerprint read from a version-1 file. Version 1 hashed ORM and migration
constructs without lower-casing them; version 2 has one fingerprint for everything
(:func:`boundary_lint.model.fingerprint`). A legacy entry accepts a finding whose
fingerprint it spells, else one of the same file, code and table: an old baseline keeps
accepting what it accepted, and the next ``--write-baseline`` writes today's keys."""
Key = Tuple[str, str, str, str]  # path, code, table, fingerprint


class BaselineError(Exception):
    """A baseline file that cannot be read; the message says which file and what to do."""


@value_class(order=True)
class BaselineEntry:
    """``count`` accepted findings of ``code`` on ``table`` in one statement shape of one file.

    An entry may carry a ``ticket``, a ``reason`` and an ``until`` date (ISO, inclusive),
    written by hand in the file: after that date its findings are reported again.
    """

    path: str
    code: str
    table: str
    fingerprint: str
    count: int = 1
    ticket: str = field(default="", repr=False, compare=False)
    until: str = field(default="", repr=False, compare=False)
    reason: str = field(default="", repr=False, compare=False)

    @property
    def key(self) -> Key:
        return (self.path, self.code, self.table, self.fingerprint)

    @property
    def is_exception(self) -> bool:
        """Does the entry say who tracks it or when it ends (listed with --show-suppressed)?"""
        return bool(self.ticket or self.until)

    def as_json(self) -> dict:
        document = {
            "path": self.path,
            "code": self.code,
            "table": self.table,
            "fingerprint": self.fingerprint,
            "count": self.count,
        }
        for name in ("ticket", "until", "reason"):
            if getattr(self, name):
                document[name] = getattr(self, name)
        return document


@value_class
class BaselineMatch:
    """Findings split by the baseline, and the entries nothing matched any more."""

    new: List[Finding]
    known: List[Finding]
    stale: List[BaselineEntry]
    expired: List[Tuple[Finding, BaselineEntry]] = field(default_factory=list)  # in ``new`` too
    excepted: List[Tuple[Finding, BaselineEntry]] = field(default_factory=list)  # known, by a dated/ticketed entry


def identity(path: str) -> str:
    return path


def finding_key(finding: Finding, path_of: Callable[[str], str] = identity) -> Key:
    return (path_of(finding.path), finding.code, finding.table, finding.fingerprint)


def entries_for(findings: Iterable[Finding], path_of: Callable[[str], str] = identity) -> List[BaselineEntry]:
    """The baseline that accepts exactly ``findings``."""
    counts = Counter(finding_key(f, path_of) for f in findings)
    return sorted(BaselineEntry(*key, count=n) for key, n in counts.items())


def match(
    findings: Iterable[Finding],
    entries: Iterable[BaselineEntry],
    checked_paths: Collection[str],
    path_of: Callable[[str], str] = identity,
    keep: Callable[[str], bool] = lambda code: True,
    today: Optional[datetime.date] = None,
) -> BaselineMatch:
    """Split findings into new and known; entries of checked files left unmatched are stale.

    Args:
        findings: this run's findings (already filtered by --select/--ignore).
        entries: the baseline.
        checked_paths: the files this run checked, as ``path_of`` gives them:
            an entry for a file not checked this time is never stale.
        path_of: maps a finding's path to the baseline's spelling of it.
        keep: the run's code filter; entries of codes not reported are never stale.

        today: the run's date; an entry ``until`` an earlier day accepts nothing: its
            findings are new (and listed in ``expired``), and it is not stale.

    When a key has more findings than its count, the first ones (by line) are
    known and the later ones new.
    """
    budget: Dict[Key, int] = Counter()
    about: Dict[Key, BaselineEntry] = {}
    for entry in entries:
        budget[entry.key] += entry.count
        if entry.is_exception or entry.reason:
            about.setdefault(entry.key, entry)
    new: List[Finding] = []
    known: List[Finding] = []
    expired: List[Tuple[Finding, BaselineEntry]] = []
    excepted: List[Tuple[Finding, BaselineEntry]] = []
    for finding, key in _draw(sorted(findings), budget, path_of):
        entry = about.get(key) if key is not None else None
        if key is None:
            new.append(finding)
        elif entry is not None and today is not None and entry.until \
                and datetime.date.fromisoformat(entry.until) < today:
            new.append(finding)
            expired.append((finding, entry))
        else:
            known.append(finding)
            if entry is not None and entry.is_exception:
                excepted.append((finding, entry))
    checked = set(checked_paths)
    stale = sorted(
        BaselineEntry(*key, count=left)
        for key, left in budget.items()
        if left > 0 and key[0] in checked and keep(key[1])
    )
    return BaselineMatch(new, known, stale, expired, excepted)


def _draw(findings: List[Finding], budget: Dict[Key, int], path_of) -> List[Tuple[Finding, Optional[Key]]]:
    """The entry each finding draws on (None: new), taking the counts off ``budget``.

    First its own key, or a version-1 entry spelling its fingerprint; then, for what is
    left, any version-1 entry of its file, code and table (ORM fingerprints changed).
    """
    keys = [finding_key(f, path_of) for f in findings]
    drawn: List[Optional[Key]] = []
    for key in keys:
        spelled = key[:3] + (LEGACY + key[3],)
        got = next((k for k in (key, spelled) if budget.get(k, 0) > 0), None)
        if got is not None:
            budget[got] -= 1
        drawn.append(got)
    legacy: Dict[Tuple[str, str, str], List[Key]] = defaultdict(list)
    for key in sorted(k for k in budget if k[3].startswith(LEGACY)):
        legacy[key[:3]].append(key)
    for i, key in enumerate(keys):
        if drawn[i] is None:
            got = next((k for k in legacy.get(key[:3], ()) if budget[k] > 0), None)
            if got is not None:
                budget[got] -= 1
                drawn[i] = got
    return list(zip(findings, drawn))


def without_stale(entries: Iterable[BaselineEntry], stale: Iterable[BaselineEntry]) -> List[BaselineEntry]:
    """The baseline with stale counts taken off (entries that reach zero are dropped)."""
    drop: Dict[Key, int] = Counter()
    for entry in stale:
        drop[entry.key] += entry.count
    merged = _merge_counts(entries)
    out = []
    for entry in merged:
        left = entry.count - drop.get(entry.key, 0)
        if left > 0:
            out.append(replace(entry, count=left))
    return sorted(out)


def rewritten(
    old: Iterable[BaselineEntry], current: Iterable[BaselineEntry], checked_paths: Collection[str]
) -> List[BaselineEntry]:
    """A new baseline: this run's entries for the files it checked, the old ones for the rest.

    So ``--write-baseline`` on a few files never forgets the others.
    A ticket, reason or end date written on an old entry stays on the entry of the same key.
    """
    checked = set(checked_paths)
    old = list(old)
    kept = [e for e in old if e.path not in checked]
    return _merge_counts(list(kept) + list(current), about=old)


def _merge_counts(entries: Iterable[BaselineEntry], about: Iterable[BaselineEntry] = ()) -> List[BaselineEntry]:
    """One entry per key, counts summed; the first ticket/until/reason of a key is kept."""
    entries = list(entries)
    totals: Dict[Key, int] = defaultdict(int)
    facts: Dict[Key, BaselineEntry] = {}
    for entry in list(entries) + list(about):
        if entry.ticket or entry.until or entry.reason:
            facts.setdefault(entry.key, entry)
    for entry in entries:
        totals[entry.key] += entry.count
    merged = []
    for key, n in totals.items():
        fact = facts.get(key)
        extra = {"ticket": fact.ticket, "until": fact.until, "reason": fact.reason} if fact else {}
        merged.append(BaselineEntry(*key, count=n, **extra))
    return sorted(merged)


def relative_to(folder: Path) -> Callable[[str], str]:
    """Spell finding paths relative to the baseline's folder, with ``/``, whatever the cwd.

    >>> relative_to(Path("/repo"))("/repo/app/x.py")
    'app/x.py'
    """
    base = os.path.abspath(folder)

    def path_of(path: str) -> str:
        absolute = os.path.abspath(path)
        try:
            rel = os.path.relpath(absolute, base)
        except ValueError:  # another drive on Windows
            return PurePath(absolute).as_posix()
        return PurePath(rel).as_posix()

    return path_of


# -- the file: the only I/O of this module ------------------------------------------------


def load(path: Path) -> List[BaselineEntry]:
    """Read a baseline file; raise :class:`BaselineError` naming the file and the fix."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: no such baseline file; create it with `boundary-lint check --write-baseline {path}`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline ({exc})") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: not valid JSON ({exc}); regenerate it with --write-baseline") from None
    entries_raw = raw.get("entries") if isinstance(raw, dict) else None
    if not isinstance(raw, dict) or raw.get("version") not in READABLE_VERSIONS or not isinstance(entries_raw, list):
        raise BaselineError(
            f"{path}: not a boundary-lint baseline of version {FORMAT_VERSION}; "
            "regenerate it with --write-baseline"
        )
    prefix = LEGACY if raw["version"] == 1 else ""
    entries = []
    for index, item in enumerate(raw["entries"]):
        try:
            entry = BaselineEntry(
                str(item["path"]), str(item["code"]), str(item["table"]), prefix + str(item.get("fingerprint", "")),
                int(item.get("count", 1)),
            )
            extra = {name: str(item.get(name) or "") for name in ("ticket", "until", "reason")}
            entry = replace(entry, **extra)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BaselineError(f"{path}: entry {index + 1} needs path, code and table") from None
        if entry.until and not _is_iso_date(entry.until):
            raise BaselineError(f"{path}: entry {index + 1}: until {entry.until!r} is no date; "
                                "write YYYY-MM-DD (the entry holds to the end of that day)")
        if entry.code not in RULES:  # a typo would accept nothing and go stale unnoticed
            raise BaselineError(f"{path}: entry {index + 1}: {unknown_code_message(entry.code)}; "
                                "fix it or regenerate the baseline with --write-baseline")
        if entry.count > 0:
            entries.append(entry)
    return _merge_counts(entries)


def _is_iso_date(text: str) -> bool:
    try:
        return len(text) == 10 and bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


def dumps(entries: Iterable[BaselineEntry]) -> str:
    """The file's text: stable order and indentation, so it diffs well in review."""
    document = {
        "version": FORMAT_VERSION,
        "tool": "boundary-lint",
        "about": "Findings accepted for now: `boundary-lint check` reports only findings not listed here. "
        "Keyed by path, code, table and statement fingerprint (not line). Shrink it with --prune-baseline. "
        "An entry may add \"ticket\", \"reason\" and \"until\": \"YYYY-MM-DD\" (reported again after that day).",
        "entries": [e.as_json() for e in _merge_counts(entries)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def save(path: Path, entries: Iterable[BaselineEntry]) -> None:
    """Write the baseline atomically (a half-written baseline would accept nothing)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dumps(entries), encoding="utf-8")
    os.replace(tmp, path)


def findings_count(entries: Iterable[BaselineEntry]) -> int:
    return sum(e.count for e in entries)


def describe_stale(entry: BaselineEntry, pruned: bool = False) -> str:
    """One line for a stale entry, as printed on stderr.

    >>> print(describe_stale(BaselineEntry("app/x.py", "BND100", "public.strategy", "ab12", 2)))
    app/x.py: stale baseline entry: BND100 public.strategy (2 accepted findings no longer found);
    drop it with --prune-baseline
    """
    plural = "s" if entry.count != 1 else ""
    return (
        f"{entry.path}: stale baseline entry: {entry.code} {entry.table} "
        f"({entry.count} accepted finding{plural} no longer found); "
        + ("dropped from the baseline" if pruned else "drop it with --prune-baseline")
    )
