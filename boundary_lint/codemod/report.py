"""What ``boundary-lint fix`` prints: the diff or the files written, every finding left
with its reason, and a summary table (rewritten, left by reason)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Optional, TextIO

from . import reasons as reasons_module
from ..registry import ConfigError, Registry
from ..reporters import format_problem
from .apply import FixRun, fix_paths
from .contract import build_contract, contract_json, contract_markdown

EXIT_DONE, EXIT_WOULD_CHANGE, EXIT_USAGE = 0, 1, 2


def format_left(run: FixRun) -> str:
    """``path:line: left: reason (detail)`` per finding the rewrite leaves."""
    rows = sorted((outcome.path, finding.line, finding.code, finding.table, refusal.text())
                  for outcome in run.files for finding, refusal in outcome.left)
    return "".join(f"{p}:{n}: left {c} {t}: {why}\n" for p, n, c, t, why in rows)


def format_summary(run: FixRun) -> str:
    """The table: calls rewritten, findings left, by reason.

    >>> print(format_summary(FixRun()), end="")
    rewritten       0 calls in 0 files
    left            0 findings
    """
    rewrites = [r for outcome in run.files for r in outcome.rewrites]
    files = sum(1 for outcome in run.files if outcome.rewrites)
    reasons = Counter(refusal.message for outcome in run.files for _, refusal in outcome.left)
    lines = [f"rewritten {len(rewrites):>7} calls in {files} files",
             f"left      {sum(reasons.values()):>7} findings"]
    for message, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:>5}  {message}")
    missing = Counter(_what_is_missing(refusal) for outcome in run.files for _, refusal in outcome.left)
    missing.pop(None, None)
    assumed = Counter(f"{r.client.module}: {r.method}" for r in rewrites if r.assumed)
    if missing or assumed:
        lines.append("clients to write or complete:")
        lines += [f"  {count:>5}  {what}" for what, count in sorted(missing.items())]
        lines += [f"  {count:>5}  {what} (called, written with --assume-clients)"
                  for what, count in sorted(assumed.items())]
    return "\n".join(lines) + "\n"


def _what_is_missing(refusal) -> Optional[str]:
    """``module app.clients.x`` or ``Class.method`` for a refusal over a client that lacks it."""
    if refusal.message in (reasons_module.CLIENT_NOT_FOUND, reasons_module.CLIENT_UNREADABLE):
        return refusal.detail.split(";")[0]
    if refusal.message in (reasons_module.MISSING_METHOD, reasons_module.BAD_SIGNATURE):
        return refusal.detail.split("(")[0]
    return None


def run_fix_command(args: argparse.Namespace, registry: Registry, out: Optional[TextIO] = None,
                    err: Optional[TextIO] = None) -> int:
    """Run ``fix`` for parsed CLI arguments; returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        run = fix_paths(args.paths, registry, args.service, getattr(args, "exclude", ()), write=not args.diff,
                        assume_clients=getattr(args, "assume_clients", False),
                        allow_non_atomic=getattr(args, "allow_non_atomic", False))
    except ConfigError as exc:
        print(f"boundary-lint: {exc}", file=err)
        return EXIT_USAGE
    for problem in sorted(run.problems):
        print(format_problem(problem), file=err)
    for outcome in run.changed:
        if args.diff:
            out.write(outcome.diff)
        else:
            print(f"rewrote {outcome.path} ({len(outcome.rewrites)} calls)", file=out)
    for outcome in run.changed:
        for line, note in sorted(set(outcome.notes)):
            print(f"{outcome.path}:{line}: note: {note}", file=err)
    err.write(format_left(run))
    err.write(format_summary(run))
    if args.contract and not args.diff:
        contracts = build_contract(run)
        text = contract_json(contracts) if args.contract_format == "json" else contract_markdown(contracts)
        Path(args.contract).write_text(text, encoding="utf-8")
    return EXIT_WOULD_CHANGE if args.diff and run.changed else EXIT_DONE
