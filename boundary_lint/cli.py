"""``boundary-lint`` command line: the subcommands by name; each is a module of
:mod:`boundary_lint.commands` with ``add_arguments(parser)`` and ``run(args, out, err) -> exit status``.

Exit status is a contract (:data:`boundary_lint.codes.EXIT_CLEAN` ...): 0 clean, 1 findings
(or a file the gate cannot vouch for), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from boundary_lint import __version__
from boundary_lint.codes import EXIT_USAGE
from boundary_lint.commands import check, db_audit, explain, fix, init

COMMANDS = (  # name, help, module
    ("check", "check Python and SQL files against the registry", check),
    ("init", "draft a boundaries.toml from the tables the code uses", init),
    ("explain", "describe a rule code", explain),
    ("fix", "rewrite flagged SQL into calls on the owning service's client", fix),
    ("db-audit", "check a live PostgreSQL catalog against the registry", db_audit),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boundary-lint",
        description="Find code that reads, writes, foreign-keys or alters tables owned by another service.",
    )
    parser.add_argument("--version", action="version", version=f"boundary-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text, module in COMMANDS:
        module.add_arguments(commands.add_parser(name, help=help_text))
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    module = next(m for name, _, m in COMMANDS if name == args.command)
    return module.run(args, sys.stdout, sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
