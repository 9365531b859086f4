"""What a run's findings go through after checking and before printing.

In this order (the CLI applies them): suppressions without a reason come back
(``--require-reason``), the baseline takes off accepted findings and names the
stale entries, and ``--diff-base`` keeps only findings on changed lines. Each
step is a pure function from one :class:`~boundary_lint.reporters.RunResult`
to another; reading the baseline and running git happen in the CLI.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Collection, Dict, Iterable, List, Tuple

from . import baseline
from .changed_lines import Changed, is_changed
from .model import Problem, SuppressedFinding
from .reporters import RunResult


def require_reasons(result: RunResult) -> RunResult:
    """Suppressions that give no reason do not count: their findings are reported again.

    Each such comment also gets a warning saying how to give a reason, so the
    finding that reappears is explained. No new code is involved: codes are a
    stable contract, and the finding keeps its own.
    """
    reasonless = [s for s in result.suppressed if not s.reason]
    if not reasonless:
        return result
    return replace(
        result,
        findings=sorted(result.findings + [s.finding for s in reasonless]),
        suppressed=[s for s in result.suppressed if s.reason],
        problems=sorted(result.problems + reason_warnings(reasonless)),
    )


def reason_warnings(reasonless: Iterable[SuppressedFinding]) -> List[Problem]:
    """One warning per comment that suppressed findings without a reason."""
    codes: Dict[Tuple[str, int], List[str]] = {}
    for item in reasonless:
        codes.setdefault((item.finding.path, item.comment_line), []).append(item.finding.code)
    warnings = []
    for (path, line), found in sorted(codes.items()):
        marker = "--" if path.endswith(".sql") else "#"
        listed = ", ".join(sorted(set(found)))
        warnings.append(
            Problem(
                path,
                line,
                f"suppression without a reason does not count under --require-reason; "
                f"write `{marker} boundary: allow {listed} -- why` instead",
                fatal=False,
            )
        )
    return warnings


def apply_baseline(
    result: RunResult,
    entries: Iterable[baseline.BaselineEntry],
    path_of: Callable[[str], str] = baseline.identity,
    keep: Callable[[str], bool] = lambda code: True,
    gone: Collection[str] = (),
) -> RunResult:
    """Report only findings the baseline does not accept; name its stale entries.

    ``gone`` are baseline paths whose file no longer exists: all their entries
    are stale, whatever paths this run was given.
    """
    matched = baseline.match(
        result.findings, entries, {path_of(p) for p in result.paths} | set(gone), path_of, keep
    )
    return replace(
        result,
        findings=matched.new,
        baselined=result.baselined + len(matched.known),
        stale_baseline=matched.stale,
    )


def only_changed(result: RunResult, changed: Changed, path_of: Callable[[str], str]) -> RunResult:
    """Keep findings whose line, or whose statement's first line, changed."""

    def touched(finding) -> bool:
        return is_changed(changed, path_of(finding.path), (finding.line, finding.statement_line))

    return replace(
        result,
        findings=[f for f in result.findings if touched(f)],
        suppressed=[s for s in result.suppressed if touched(s.finding)],
    )
