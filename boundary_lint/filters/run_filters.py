"""What a run's findings go through after checking and before printing.

In this order (the CLI applies them): suppressions whose date has passed come
back (:func:`expire`), so do suppressions without a reason (``--require-reason``)
or without a ticket (``settings.require_ticket``), the baseline takes off
accepted findings and names the stale entries, ``--diff-base`` keeps only
findings on changed lines, and comments that suppressed nothing become
warnings (errors with ``--strict-suppressions``). Each step is a pure function
from one :class:`~boundary_lint.model.RunResult` to another; today's date,
reading the baseline and running git happen in the CLI.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Callable, Collection, Dict, Iterable, List, Optional, Tuple

from boundary_lint.filters import baseline
from boundary_lint.filters.changed_lines import Changed, is_changed
from boundary_lint.model import Finding, Problem, SuppressedFinding, UnusedSuppression
from boundary_lint.model import UNUSED, RunResult


TODAY_ENV = "BOUNDARY_LINT_TODAY"
"""Pins the date exceptions are judged on (``--today`` too), for tests; read by the adapters only."""


def has_expired(until: str, today: datetime.date) -> bool:
    """An exception ``until`` a date holds to the end of that day.

    >>> has_expired("2027-03-31", datetime.date(2027, 3, 31)), has_expired("2027-03-31", datetime.date(2027, 4, 1))
    (False, True)
    """
    return bool(until) and datetime.date.fromisoformat(until) < today


def expired_note(item: SuppressedFinding) -> str:
    """What a finding that is back says about the exception that expired.

    >>> from boundary_lint.model import Finding
    >>> expired_note(SuppressedFinding(Finding("a.py", 3, 1, "BND100", "t"), "read model", 3, "allow",
    ...                                "JIRA-123", "2027-03-31"))
    'exception expired on 2027-03-31: `boundary: allow` on line 3, JIRA-123, read model'
    """
    what = "baseline entry" if item.kind == "baseline" else f"`boundary: allow` on line {item.comment_line}"
    return ", ".join(part for part in (f"exception expired on {item.until}: {what}", item.ticket, item.reason) if part)


def with_note(finding: Finding, note: str) -> Finding:
    return replace(finding, note=note, message=f"{finding.message} ({note})")


def split_expired(
    suppressed: Iterable[SuppressedFinding], today: datetime.date
) -> Tuple[List[Finding], List[SuppressedFinding]]:
    """Findings whose exception has expired (with a note naming it), and the suppressions that hold."""
    back: List[Finding] = []
    holding: List[SuppressedFinding] = []
    for item in suppressed:
        if has_expired(item.until, today):
            back.append(with_note(item.finding, expired_note(item)))
        else:
            holding.append(item)
    return back, holding


def expire(result: RunResult, today: datetime.date) -> RunResult:
    """Suppressions ``until`` a date before ``today`` no longer count: their findings are back."""
    back, holding = split_expired(result.suppressed, today)
    if not back:
        return result
    return replace(result, findings=sorted(result.findings + back), suppressed=holding)


def require_tickets(result: RunResult) -> RunResult:
    """``settings.require_ticket``: a suppression without a ticket does not count (a warning
    on its comment says how to give one)."""
    return _revoke(result, lambda s: bool(s.ticket), lambda marker, listed: (
        "suppression without a ticket does not count: settings.require_ticket is true; "
        f"write `{marker} boundary: allow {listed} -- PROJ-123 why`"))


def _revoke(result: RunResult, counts: Callable[[SuppressedFinding], bool],
            message: Callable[[str, str], str]) -> RunResult:
    """Suppressions for which ``counts`` is false do not count: their findings are reported
    again, and each comment gets one warning, ``message(comment marker, codes)``."""
    revoked = [s for s in result.suppressed if not counts(s)]
    if not revoked:
        return result
    codes: Dict[Tuple[str, int], List[str]] = {}
    for item in revoked:
        codes.setdefault((item.finding.path, item.comment_line), []).append(item.finding.code)
    warnings = [Problem(path, line, message("--" if path.endswith(".sql") else "#", ", ".join(sorted(set(found)))),
                        fatal=False)
                for (path, line), found in sorted(codes.items())]
    return replace(
        result,
        findings=sorted(result.findings + [s.finding for s in revoked]),
        suppressed=[s for s in result.suppressed if counts(s)],
        problems=sorted(result.problems + warnings),
    )


def report_unused(result: RunResult, strict: bool = False) -> RunResult:
    """One warning per comment that suppressed nothing (an error with ``strict``: exit 1)."""
    if not result.unused_suppressions:
        return result
    return replace(result, problems=sorted(result.problems + [unused_problem(u, strict)
                                                              for u in result.unused_suppressions]))


def unused_problem(unused: UnusedSuppression, strict: bool = False) -> Problem:
    """``unused suppression: BND100 (nothing to suppress here); remove it``."""
    named = ", ".join(c for c in unused.codes if c) or "every code"
    comment = "boundary: allow" if unused.kind == "allow" else "noqa"
    return Problem(unused.path, unused.line, f"unused suppression: `{comment}` {named} suppresses no finding "
                   "here any more; remove it (or fix the code it names)", fatal=strict, kind=UNUSED)


def require_reasons(result: RunResult) -> RunResult:
    """Suppressions that give no reason do not count: their findings are reported again.

    Each such comment also gets a warning saying how to give a reason, so the
    finding that reappears is explained. No new code is involved: codes are a
    stable contract, and the finding keeps its own. A ticket says why too.
    """
    return _revoke(result, lambda s: bool(s.reason or s.ticket), lambda marker, listed: (
        "suppression without a reason does not count under --require-reason; "
        f"write `{marker} boundary: allow {listed} -- why` instead"))


def apply_baseline(
    result: RunResult,
    entries: Iterable[baseline.BaselineEntry],
    path_of: Callable[[str], str] = baseline.identity,
    keep: Callable[[str], bool] = lambda code: True,
    gone: Collection[str] = (),
    today: Optional[datetime.date] = None,
) -> RunResult:
    """Report only findings the baseline does not accept; name its stale entries.

    ``gone`` are baseline paths whose file no longer exists: all their entries
    are stale, whatever paths this run was given. An entry ``until`` a day before
    ``today`` accepts nothing: its findings are reported with a note naming it.
    Findings accepted by an entry with a ticket or an end date are listed among
    the suppressed (kind ``baseline``), so ``--show-suppressed`` shows every
    exception and when it ends.
    """
    matched = baseline.match(
        result.findings, entries, {path_of(p) for p in result.paths} | set(gone), path_of, keep, today
    )
    notes = {id(f): baseline_note(e) for f, e in matched.expired}
    excepted = [SuppressedFinding(f, e.reason, 0, "baseline", e.ticket, e.until) for f, e in matched.excepted]
    return replace(
        result,
        findings=sorted(with_note(f, notes[id(f)]) if id(f) in notes else f for f in matched.new),
        baselined=result.baselined + len(matched.known),
        stale_baseline=matched.stale,
        suppressed=sorted(result.suppressed + excepted),
    )


def baseline_note(entry: baseline.BaselineEntry) -> str:
    """``exception expired on 2027-03-31: baseline entry, JIRA-9, why``."""
    return ", ".join(part for part in (f"exception expired on {entry.until}: baseline entry", entry.ticket,
                                       entry.reason) if part)


def only_changed(result: RunResult, changed: Changed, path_of: Callable[[str], str]) -> RunResult:
    """Keep findings whose line, or whose statement's first line, changed."""

    def touched(finding) -> bool:
        return is_changed(changed, path_of(finding.path), (finding.line, finding.statement_line))

    return replace(
        result,
        findings=[f for f in result.findings if touched(f)],
        suppressed=[s for s in result.suppressed if touched(s.finding)],
        unused_suppressions=[u for u in result.unused_suppressions
                             if is_changed(changed, path_of(u.path), (u.line,))],
    )
