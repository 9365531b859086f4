"""``boundary-lint`` command line: the subcommands by name; each is a module of
:mod:`boundary_lint.commands` with ``add_arguments(parser)`` and ``run(args, out, err) -> exit status``.

Exit status is a contract (:data:`boundary_lint.codes.EXIT_CLEAN` ...): 0 clean, 1 findings
(or a file the gate cannot vouch for), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType
from typing import Optional, Sequence

from boundary_lint import __version__
from boundary_lint.codes import EXIT_USAGE

COMMANDS = (  # name, help, module
    ("check", "check Python and SQL files against the registry", "boundary_lint.commands.check"),
    ("init", "draft a boundaries.toml from the tables the code uses", "boundary_lint.commands.init"),
    ("explain", "describe a rule code", "boundary_lint.commands.explain"),
    ("fix", "rewrite flagged SQL into calls on the owning service's client", "boundary_lint.commands.fix"),
    ("map", "draw which services reach into whose tables (mermaid, dot, html)", "boundary_lint.commands.map"),
    ("server", "a Language Server over stdio for editors (pip install 'boundary-lint[lsp]')",
     "boundary_lint.lsp.command"),
    ("db-audit", "check a live PostgreSQL catalog against the registry", "boundary_lint.commands.db_audit"),
)


def command_module(name: str) -> ModuleType:
    """The module of one subcommand, imported when it is the one run: a ``check`` on every
    commit pays for no other command's imports."""
    return importlib.import_module(next(m for n, _, m in COMMANDS if n == name))


def build_parser(argv: Optional[Sequence[str]] = None) -> argparse.ArgumentParser:
    """Every subcommand by name and help; the arguments only of the one ``argv`` names (all
    of them when ``argv`` is None), since reading them imports the command's module."""
    parser = argparse.ArgumentParser(
        prog="boundary-lint",
        description="Find code that reads, writes, foreign-keys or alters tables owned by another service.",
    )
    parser.add_argument("--version", action="version", version=f"boundary-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = _command_named(argv)
    for name, help_text, _ in COMMANDS:
        subparser = commands.add_parser(name, help=help_text)
        if argv is None or name == named:
            command_module(name).add_arguments(subparser)
    return parser


def _command_named(argv: Optional[Sequence[str]]) -> Optional[str]:
    """The subcommand ``argv`` runs: its first word that is not an option (the top level
    has only ``--help`` and ``--version``, which take no value)."""
    return next((word for word in argv or () if not word.startswith("-")), None)


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return command_module(args.command).run(args, sys.stdout, sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
