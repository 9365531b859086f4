"""What ``boundary-lint fix`` prints: the diff or the files written, every finding left
with its reason, and a summary table (rewritten, left by reason)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Optional, TextIO

from boundary_lint.codemod import reasons as reasons_module
from boundary_lint.registry import ConfigError, Registry
from boundary_lint.report.formats import format_problem
from boundary_lint.codemod.apply import FixRun, fix_paths
from boundary_lint.codemod.contract import build_contract, contract_json, contract_markdown

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


def contract_format(args: argparse.Namespace) -> str:
    """The contract's format: as said, else openapi for a .yaml/.yml file, else markdown."""
    said = getattr(args, "contract_format", None)
    if said:
        return said
    contract = getattr(args, "contract", None) or ""
    return "openapi" if contract.endswith((".yaml", ".yml")) else "markdown"


def run_fix_command(args: argparse.Namespace, registry: Registry, out: Optional[TextIO] = None,
                    err: Optional[TextIO] = None) -> int:
    """Run ``fix`` for parsed CLI arguments; returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    write_clients = getattr(args, "write_clients", False)
    handlers = getattr(args, "write_owner_handlers", None)
    form = contract_format(args)
    generating = write_clients or handlers or form == "openapi"
    if generating:
        from boundary_lint.codemod.generate import preflight

        errors = preflight(registry, args.paths, write_clients, handlers)
        if errors:
            for error in errors:
                print(f"boundary-lint: {error}", file=err)
            print("boundary-lint: nothing was written", file=err)
            return EXIT_USAGE
    pending: list = []
    try:
        run = fix_paths(args.paths, registry, args.service, getattr(args, "exclude", ()), write=not args.diff,
                        assume_clients=getattr(args, "assume_clients", False) or write_clients,
                        allow_non_atomic=getattr(args, "allow_non_atomic", False), write_clients=write_clients,
                        pending=pending)
    except ConfigError as exc:
        print(f"boundary-lint: {exc}", file=err)
        return EXIT_USAGE
    outputs = list(pending)
    generated = None
    if not args.diff and (args.contract or generating):
        contracts = build_contract(run)
        ops = None
        if generating:
            from boundary_lint.codemod.generate import generate, operations_for

            try:
                ops = operations_for(run, registry, contracts, args.paths)
                generated = generate(run, registry, contracts, ops, args.paths, write_clients, handlers)
            except ConfigError as exc:
                print(f"boundary-lint: {exc}; nothing was written", file=err)
                return EXIT_USAGE
            except Exception as exc:  # a surprise of the generators: say it, write nothing
                print(f"boundary-lint: generating the contract, clients or handlers failed "
                      f"({type(exc).__name__}: {exc}); nothing was written", file=err)
                return EXIT_USAGE
            if generated.errors:
                for error in generated.errors:
                    print(f"boundary-lint: {error}", file=err)
                print("boundary-lint: nothing was written", file=err)
                return EXIT_USAGE
            outputs += generated.files
        if args.contract:
            if form == "openapi":
                from boundary_lint.codemod.openapi import build_document, dump

                text = dump(build_document(contracts, ops), not args.contract.endswith(".json"))
            else:
                text = contract_json(contracts) if form == "json" else contract_markdown(contracts, ops)
            outputs.append((Path(args.contract), text.encode("utf-8")))
    try:
        from boundary_lint.codemod.outputs import write_all

        write_all(outputs)
    except OSError as exc:
        print(f"boundary-lint: cannot write {getattr(exc, 'filename', '') or 'the files'} ({exc.strerror}); "
              "nothing was written", file=err)
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
    if generated is not None:
        err.write(format_generated(generated, handlers))
    return EXIT_WOULD_CHANGE if args.diff and run.changed else EXIT_DONE


def format_generated(generated, handlers: Optional[str]) -> str:
    lines = []
    if generated.methods:
        lines.append(f"client methods written {len(generated.methods):>3}: {', '.join(generated.methods)}")
    if generated.handlers:
        lines.append(f"owner routes written {len(generated.handlers):>5} in {handlers}")
    lines += [f"  not generated: {p}" for p in generated.problems]
    if generated.unknown:
        lines.append(f"type unknown {len(generated.unknown):>9} values (typed Any; the contract's x-type-unknown "
                     "lists them): add their CREATE TABLE to a .sql file under the registry's folder")
        lines += [f"  {u}" for u in generated.unknown]
    return "".join(line + "\n" for line in lines)
