"""`boundary-lint` command line: argument parsing and printing only.

Exit status is a contract: 0 clean, 1 findings (or a file the gate cannot
vouch for), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence

from boundary_lint import __version__
from boundary_lint.commands import check_options as adoption, db_audit as db_audit_cli, init as init_registry
from boundary_lint.codes import RULES, explain, first_unknown_code, unknown_code_message
from boundary_lint.adapters.config_file import check_service_name, load_for
from boundary_lint.registry import ConfigError, Registry
from boundary_lint.report.github import format_github
from boundary_lint.report.formats import FORMATTERS, format_problem
from boundary_lint.adapters.cache import CACHE_DIR
from boundary_lint.adapters.progress import Progress
from boundary_lint.adapters.runner import code_filter, no_file_checked_problem, run_paths

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
NOT_YET: dict = {}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boundary-lint",
        description="Find code that reads, writes, foreign-keys or alters tables owned by another service.",
    )
    parser.add_argument("--version", action="version", version=f"boundary-lint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check Python and SQL files against the registry")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--config", help="registry file (default: boundaries.toml found upwards)")
    check.add_argument("--service", help="treat every file as belonging to this service")
    check.add_argument("--select", help="comma-separated codes or prefixes to report")
    check.add_argument("--ignore", help="comma-separated codes or prefixes not to report")
    check.add_argument("--exclude", "--extend-exclude", action="append", default=[], metavar="GLOB",
                       help="also skip files and folders matching GLOB, on top of settings.exclude "
                            "(default: ruff's list: .git, .venv, venv, build, dist, node_modules, "
                            "site-packages, ...) and settings.extend_exclude (repeatable)")
    check.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    check.add_argument("--statistics", action="store_true",
                       help="say per file how much database access was read and judged (coverage)")
    check.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="worker processes (default: the number of cores)")
    check.add_argument("--no-cache", action="store_true",
                       help=f"neither read nor write the results cache ({CACHE_DIR}/ beside the registry; "
                       "the model index's cache there is still read)")
    adoption.add_check_arguments(check)

    init_cmd = commands.add_parser("init", help="draft a boundaries.toml from the tables the code uses")
    init_registry.add_arguments(init_cmd)

    explain_cmd = commands.add_parser("explain", help="describe a rule code")
    explain_cmd.add_argument("code", nargs="?", help="e.g. BND102; all rules when omitted")

    fix = commands.add_parser("fix", help="rewrite flagged SQL into calls on the owning service's client")
    fix.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    fix.add_argument("--config", help="registry file (default: boundaries.toml found upwards)")
    fix.add_argument("--service", help="treat every file as belonging to this service")
    fix.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip files matching GLOB")
    fix.add_argument("--diff", action="store_true", help="print a unified diff, write nothing (exit 1 if changes)")
    fix.add_argument("--contract", metavar="FILE", help="write the client methods the rewritten code calls")
    fix.add_argument("--contract-format", choices=("markdown", "json", "openapi"), default=None,
                     help="markdown (default), json (contract v2) or openapi (OpenAPI 3.1: YAML for .yaml/.yml, "
                          "else JSON; the default when FILE ends in .yaml or .yml)")
    fix.add_argument("--write-clients", action="store_true",
                     help="add the methods the rewritten code calls to the owners' client modules "
                          "(creating a module that does not exist); implies --assume-clients for missing methods")
    fix.add_argument("--write-owner-handlers", metavar="DIR",
                     help="write one FastAPI router module per owning service implementing its operations")
    fix.add_argument("--assume-clients", action="store_true",
                     help="write calls to client modules or methods that do not exist yet (listed in the contract)")
    fix.add_argument("--allow-non-atomic", action="store_true",
                     help="move writes out of their transaction too (each is listed as no longer atomic)")

    db_audit = commands.add_parser("db-audit", help="check a live PostgreSQL catalog against the registry")
    db_audit_cli.add_arguments(db_audit)

    for name, message in NOT_YET.items():
        commands.add_parser(name, help=f"(not yet) {message}", add_help=False).add_argument(
            "rest", nargs=argparse.REMAINDER
        )
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command in NOT_YET:
        print(f"boundary-lint: {NOT_YET[args.command]}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "explain":
        return run_explain(args.code)
    if args.command == "init":
        return init_registry.run(args)
    if args.command == "fix":
        return run_fix(args)
    if args.command == "db-audit":
        return run_db_audit(args)
    return run_check(args)


def run_explain(code: Optional[str]) -> int:
    if code is None:
        for rule in RULES.values():
            print(f"{rule.code}  {rule.title}")
        return EXIT_CLEAN
    if code.upper() not in RULES:
        print(f"boundary-lint: {unknown_code_message(code)}", file=sys.stderr)
        return EXIT_USAGE
    print(explain(code), end="")
    return EXIT_CLEAN


def _codes(option: Optional[str]) -> List[str]:
    return [c.strip().upper() for c in (option or "").split(",") if c.strip()]


def _registry_for(args: argparse.Namespace) -> Optional[Registry]:
    """The run's registry, checked against ``--service``; None (said on stderr) when unusable."""
    try:
        registry, _ = load_for(args.paths, args.config)
        if args.service:
            check_service_name(registry, args.service)
    except ConfigError as exc:
        print(f"boundary-lint: {exc}", file=sys.stderr)
        return None
    return registry


def _unknown_code_in_options(args: argparse.Namespace) -> Optional[str]:
    """The message for a code in --select/--ignore that names no rule: a typo there would
    otherwise filter out everything (or nothing) and the gate would pass checking nothing."""
    for option in ("select", "ignore"):
        unknown = first_unknown_code(_codes(getattr(args, option)))
        if unknown is not None:
            return f"--{option}: {unknown_code_message(unknown)}"
    return None


def run_check(args: argparse.Namespace) -> int:
    bad_code = _unknown_code_in_options(args)
    if bad_code is not None:
        print(f"boundary-lint: {bad_code}", file=sys.stderr)
        return EXIT_USAGE
    registry = _registry_for(args)
    if registry is None:
        return EXIT_USAGE
    missing = [p for p in args.paths if not _exists(p)]
    if missing:  # a typo in one path: said, exit 2, but the other paths are still checked
        print(f"boundary-lint: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        args.paths = [p for p in args.paths if p not in missing]
        if not args.paths:
            return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("boundary-lint: --jobs takes a whole number of at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        plan = adoption.plan_for(args, registry)
    except adoption.UsageError as exc:
        print(f"boundary-lint: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = Progress(sys.stderr)
    try:
        result = run_paths(
            args.paths, registry, args.service, args.exclude, _codes(args.select), _codes(args.ignore),
            jobs=args.jobs, use_cache=not args.no_cache, progress=progress,
        )
    finally:
        progress.close()
    # Only when a folder was given: files named one by one (a pre-commit hook's staged files)
    # may all be of no service, and that is no mistake.
    if result.files == 0 and result.unowned_files and any(os.path.isdir(p) for p in args.paths):
        result.problems = sorted(result.problems + [no_file_checked_problem(registry, result.unowned_files)])
    keep = code_filter(_codes(args.select), _codes(args.ignore))
    result = adoption.finish(result, plan, keep, sys.stderr, args.format)
    if not args.statistics:
        result.coverage_by_file = {}
    for problem in result.problems:
        print(format_problem(problem), file=sys.stderr)
    if args.format == "github":
        sys.stdout.write(format_github(result, _repository_relative(args.paths)))
    else:
        sys.stdout.write(FORMATTERS[args.format](result))
    if missing or any(p.usage for p in result.problems):
        return EXIT_USAGE
    return EXIT_FINDINGS if result.findings or result.errors else EXIT_CLEAN


def _repository_relative(paths: Sequence[str]):
    """Paths relative to the checked code's git repository root, as GitHub annotations need;
    unchanged outside a repository."""
    from boundary_lint.filters.changed_lines import DiffError, repo_relative, repo_root

    try:
        return repo_relative(repo_root(adoption.path_folder(paths[0] if paths else ".")))
    except DiffError:
        return lambda path: path


def run_fix(args: argparse.Namespace) -> int:
    """The codemod; libcst is imported only on this path."""
    registry = _registry_for(args)
    if registry is None:
        return EXIT_USAGE
    missing = [p for p in args.paths if not _exists(p)]
    if missing:
        print(f"boundary-lint: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    from boundary_lint.commands.fix import run_fix_command

    return run_fix_command(args, registry)


def run_db_audit(args: argparse.Namespace) -> int:
    """The live-database audit; psycopg is imported only once it connects."""
    try:
        registry, _ = load_for([], args.config)
    except ConfigError as exc:
        print(f"boundary-lint: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return db_audit_cli.run(args, registry, sys.stdout, sys.stderr)


def _exists(path: str) -> bool:
    return os.path.exists(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
