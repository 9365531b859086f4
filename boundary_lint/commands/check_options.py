"""The options of ``check`` that make it adoptable in CI: baseline, reasons, changed lines.

An adapter like the CLI: it parses these options, reads and writes the
baseline file, runs git for ``--diff-base`` and prints what the user must
know; the decisions themselves are the pure steps of
:mod:`boundary_lint.filters.run_filters` and :mod:`boundary_lint.filters.baseline`.
"""

from __future__ import annotations

import argparse
import datetime
import os
from dataclasses import field, replace
from pathlib import Path
from typing import Callable, List, Optional, TextIO

from boundary_lint.value_classes import value_class
from boundary_lint.filters import baseline, run_filters
from boundary_lint.filters.run_filters import TODAY_ENV
from boundary_lint.filters.changed_lines import Changed, DiffError
from boundary_lint.registry import Registry
from boundary_lint.model import RunResult

_FROM_SETTINGS = "\0settings.baseline"


class UsageError(Exception):
    """Options that cannot work together, or a baseline/git problem: exit status 2."""


def add_check_arguments(check: argparse.ArgumentParser) -> None:
    group = check.add_argument_group("adoption in CI")
    group.add_argument("--baseline", metavar="FILE",
                       help="report only findings not in this baseline (default: settings.baseline)")
    group.add_argument("--no-baseline", action="store_true",
                       help="ignore settings.baseline; report everything")
    group.add_argument("--write-baseline", nargs="?", const=_FROM_SETTINGS, metavar="FILE",
                       help="record the current findings as accepted (FILE defaults to settings.baseline)")
    group.add_argument("--prune-baseline", action="store_true",
                       help="drop baseline entries that are no longer found (the baseline only shrinks)")
    group.add_argument("--require-reason", action="store_true",
                       help="a suppression without a reason (`# noqa`, `# boundary: allow CODE` with no "
                            "`-- why`) does not count: its finding is reported")
    group.add_argument("--show-suppressed", action="store_true",
                       help="also list the suppressed findings (and those a baseline entry with a ticket or "
                            "an end date accepts), with reasons, tickets and dates")
    group.add_argument("--strict-suppressions", action="store_true",
                       help="a suppression comment that suppresses nothing is an error (exit 1), not a warning")
    group.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)  # for tests; also $BOUNDARY_LINT_TODAY
    group.add_argument("--diff-base", metavar="REF",
                       help="report only findings on lines changed since git REF (e.g. origin/main)")


@value_class(frozen=False)
class Plan:
    """What the adoption options ask for, with the baseline read and git asked."""

    baseline_file: Optional[Path] = None
    entries: List[baseline.BaselineEntry] = field(default_factory=list)
    write_baseline: Optional[Path] = None
    prune: bool = False
    require_reason: bool = False
    show_suppressed: bool = False
    changed: Optional[Changed] = None
    changed_path_of: Callable[[str], str] = baseline.identity
    today: Optional[datetime.date] = None  # when exceptions ``until`` a date expire
    strict_suppressions: bool = False
    require_ticket: bool = False

    @property
    def baseline_path_of(self) -> Callable[[str], str]:
        if self.baseline_file is None:
            return baseline.identity
        return baseline.relative_to(self.baseline_file.parent)


def settings_baseline(registry: Registry) -> Optional[Path]:
    """``settings.baseline``, relative to the registry file's folder."""
    if not registry.settings.baseline:
        return None
    return Path(registry.root) / registry.settings.baseline


def plan_for(args: argparse.Namespace, registry: Registry) -> Plan:
    """Read the baseline and the git diff the options name; :class:`UsageError` when impossible."""
    plan = Plan(
        require_reason=args.require_reason, show_suppressed=args.show_suppressed, prune=args.prune_baseline,
        today=run_date(getattr(args, "today", None)), strict_suppressions=getattr(args, "strict_suppressions", False),
        require_ticket=registry.settings.require_ticket,
    )
    if args.baseline and args.no_baseline:
        raise UsageError("--baseline and --no-baseline contradict each other")
    configured = settings_baseline(registry)
    if args.write_baseline is not None:
        target = configured if args.write_baseline == _FROM_SETTINGS else Path(args.write_baseline)
        if target is None:
            raise UsageError("--write-baseline needs a FILE (or settings.baseline in the registry)")
        if args.prune_baseline:
            raise UsageError("--write-baseline already rewrites the baseline; drop --prune-baseline")
        plan.write_baseline = target
        plan.baseline_file = target
        if target.exists():
            try:
                plan.entries = baseline.load(target)
            except baseline.BaselineError:
                plan.entries = []  # being rewritten anyway
        return _with_diff(plan, args)
    chosen = None if args.no_baseline else (Path(args.baseline) if args.baseline else configured)
    if args.prune_baseline and chosen is None:
        raise UsageError("--prune-baseline needs a baseline: --baseline FILE or settings.baseline")
    if chosen is not None:
        try:
            plan.entries = baseline.load(chosen)
        except baseline.BaselineError as exc:
            raise UsageError(str(exc)) from None
        plan.baseline_file = chosen
    return _with_diff(plan, args)


def run_date(option: Optional[str]) -> datetime.date:
    """The date exceptions are judged on: ``--today``, else ``$BOUNDARY_LINT_TODAY``, else the clock
    (read here, at the edge, never in the checker)."""
    text = option or os.environ.get(TODAY_ENV)
    if not text:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--today / {TODAY_ENV}: {text!r} is no date; write YYYY-MM-DD") from None


def _with_diff(plan: Plan, args: argparse.Namespace) -> Plan:
    if args.diff_base:
        from boundary_lint.adapters.git import git_changed_lines, repo_relative, repo_root  # runs git

        try:
            root = repo_root(path_folder(args.paths[0] if args.paths else "."))  # the checked code's repository
            plan.changed = git_changed_lines(args.diff_base, root)
        except DiffError as exc:
            raise UsageError(f"--diff-base: {exc}") from None
        plan.changed_path_of = repo_relative(root)
    return plan


def path_folder(path: str) -> str:
    """The folder git is asked from for a path given on the command line (a file: its folder)."""
    folder = path if os.path.isdir(path) else os.path.dirname(path) or "."
    return folder if os.path.isdir(folder) else os.getcwd()


def finish(
    result: RunResult, plan: Plan, keep: Callable[[str], bool], err: TextIO, fmt: str = "text"
) -> RunResult:
    """Apply the plan to a run: reasons, baseline (written or pruned), changed lines.

    Messages for the user (what was written, stale entries) go to ``err``.
    """
    if plan.today is not None:
        result = run_filters.expire(result, plan.today)
    if plan.require_reason:
        result = run_filters.require_reasons(result)
    if plan.require_ticket:
        result = run_filters.require_tickets(result)
    path_of = plan.baseline_path_of
    if plan.write_baseline is not None:
        current = baseline.entries_for(result.findings, path_of)
        checked = {path_of(p) for p in result.paths}
        entries = baseline.rewritten(plan.entries, current, checked)
        baseline.save(plan.write_baseline, entries)
        print(
            f"boundary-lint: wrote {plan.write_baseline}: {len(result.findings)} finding"
            f"{'s' if len(result.findings) != 1 else ''} accepted from this run "
            f"({baseline.findings_count(entries)} in all)",
            file=err,
        )
        plan = replace(plan, entries=entries)
    if plan.baseline_file is not None:
        folder = plan.baseline_file.parent
        gone = {e.path for e in plan.entries if not (folder / e.path).exists()}
        result = run_filters.apply_baseline(result, plan.entries, path_of, keep, gone, plan.today)
        if fmt in ("text", "sarif"):
            for entry in result.stale_baseline:
                print(baseline.describe_stale(entry, pruned=plan.prune), file=err)
        if plan.prune and result.stale_baseline:
            kept = baseline.without_stale(plan.entries, result.stale_baseline)
            baseline.save(plan.baseline_file, kept)
            dropped = baseline.findings_count(result.stale_baseline)
            print(f"boundary-lint: pruned {dropped} fixed finding{'s' if dropped != 1 else ''} "
                  f"from {plan.baseline_file}", file=err)
    if plan.changed is not None:
        result = run_filters.only_changed(result, plan.changed, plan.changed_path_of)
    result = run_filters.report_unused(result, plan.strict_suppressions)
    if not plan.show_suppressed:
        result = replace(result, suppressed=[])
    return result
