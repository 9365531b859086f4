"""``boundary-lint explain [CODE]``: what a rule catches, why, an example and the fix."""

from __future__ import annotations

import argparse
from typing import TextIO

from boundary_lint.codes import EXIT_CLEAN, EXIT_USAGE, NOTICES, RULES, explain, unknown_code_message


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="e.g. BND102; all rules when omitted")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.code is None:
        for rule in RULES.values():
            print(f"{rule.code}  {rule.title}", file=out)
        return EXIT_CLEAN
    if args.code.upper() in NOTICES:
        print(f"{args.code.upper()} (flake8 only): {NOTICES[args.code.upper()]}", file=out)
        return EXIT_CLEAN
    if args.code.upper() not in RULES:
        print(f"boundary-lint: {unknown_code_message(args.code)}", file=err)
        return EXIT_USAGE
    out.write(explain(args.code))
    return EXIT_CLEAN
