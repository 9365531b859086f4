"""``boundary-lint fix``: its arguments; the run (libcst) is imported only when it runs
(:mod:`boundary_lint.commands.fix_run`)."""

from __future__ import annotations

import argparse
from typing import TextIO

from boundary_lint.codes import EXIT_USAGE
from boundary_lint.commands.common import add_run_arguments, missing_paths, registry_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_run_arguments(parser)
    parser.add_argument("--diff", action="store_true", help="print a unified diff, write nothing (exit 1 if changes)")
    parser.add_argument("--contract", metavar="FILE", help="write the client methods the rewritten code calls")
    parser.add_argument("--contract-format", choices=("markdown", "json", "openapi"), default=None,
                        help="markdown (default), json (contract v2) or openapi (OpenAPI 3.1: YAML for .yaml/.yml, "
                             "else JSON; the default when FILE ends in .yaml or .yml)")
    parser.add_argument("--write-clients", action="store_true",
                        help="add the methods the rewritten code calls to the owners' client modules "
                             "(creating a module that does not exist); implies --assume-clients for missing methods")
    parser.add_argument("--write-owner-handlers", metavar="DIR",
                        help="write one FastAPI router module per owning service implementing its operations")
    parser.add_argument("--assume-clients", action="store_true",
                        help="write calls to client modules or methods that do not exist yet (listed in the contract)")
    parser.add_argument("--allow-non-atomic", action="store_true",
                        help="move writes out of their transaction too (each is listed as no longer atomic)")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    registry = registry_for(args, err)
    if registry is None:
        return EXIT_USAGE
    missing = missing_paths(args.paths)
    if missing:
        print(f"boundary-lint: no such file or folder: {', '.join(missing)}", file=err)
        return EXIT_USAGE
    from boundary_lint.commands.fix_run import run_fix_command

    return run_fix_command(args, registry, out, err)
