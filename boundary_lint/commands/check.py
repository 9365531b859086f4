"""``boundary-lint check``: its arguments, the run over the paths, the report on stdout.

Exit status: 0 clean, 1 findings (or a file the gate cannot vouch for), 2 usage or
configuration error (:data:`boundary_lint.codes.EXIT_CLEAN` ...).
"""

from __future__ import annotations

import argparse
import os
from typing import Optional, Sequence, TextIO

from boundary_lint.adapters.cache import CACHE_DIR
from boundary_lint.adapters.progress import Progress
from boundary_lint.adapters.runner import code_filter, no_file_checked_problem, nothing_found_problem, run_paths
from boundary_lint.codes import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, first_unknown_code, unknown_code_message
from boundary_lint.commands import check_options
from boundary_lint.commands.common import add_run_arguments, codes_of, missing_paths, registry_for
from boundary_lint.report.formats import FORMATTERS
from boundary_lint.report.github import format_github
from boundary_lint.report.text import format_problem


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_run_arguments(parser)
    parser.add_argument("--select", help="comma-separated codes or prefixes to report")
    parser.add_argument("--ignore", help="comma-separated codes or prefixes not to report")
    parser.add_argument("--format", choices=sorted(FORMATTERS), default="text")
    parser.add_argument("--statistics", action="store_true",
                        help="say per file how much database access was read and judged (coverage)")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="worker processes at most (default: the number of cores); started only when "
                             "the files left would take longer than starting them")
    parser.add_argument("--no-cache", action="store_true",
                        help=f"neither read nor write the results cache ({CACHE_DIR}/ beside the registry)")
    check_options.add_check_arguments(parser)


def _unknown_code_in_options(args: argparse.Namespace) -> Optional[str]:
    """The message for a code in --select/--ignore that names no rule: a typo there would
    otherwise filter out everything (or nothing) and the gate would pass checking nothing."""
    for option in ("select", "ignore"):
        unknown = first_unknown_code(codes_of(getattr(args, option)))
        if unknown is not None:
            return f"--{option}: {unknown_code_message(unknown)}"
    return None


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    bad_code = _unknown_code_in_options(args)
    if bad_code is not None:
        print(f"boundary-lint: {bad_code}", file=err)
        return EXIT_USAGE
    registry = registry_for(args, err)
    if registry is None:
        return EXIT_USAGE
    missing = missing_paths(args.paths)
    if missing:  # a typo in one path: said, exit 2, but the other paths are still checked
        print(f"boundary-lint: no such file or folder: {', '.join(missing)}", file=err)
        args.paths = [p for p in args.paths if p not in missing]
        if not args.paths:
            return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("boundary-lint: --jobs takes a whole number of at least 1", file=err)
        return EXIT_USAGE
    try:
        plan = check_options.plan_for(args, registry)
    except check_options.UsageError as exc:
        print(f"boundary-lint: {exc}", file=err)
        return EXIT_USAGE
    progress = Progress(err)
    try:
        result = run_paths(
            args.paths, registry, args.service, args.exclude, codes_of(args.select), codes_of(args.ignore),
            jobs=args.jobs, use_cache=not args.no_cache, progress=progress,
        )
    finally:
        progress.close()
    # Only when a folder was given: files named one by one (a pre-commit hook's staged files)
    # may all be of no service, and that is no mistake.
    folders = [p for p in args.paths if os.path.isdir(p)]
    if result.files == 0 and folders:
        nothing = (no_file_checked_problem(registry, result.unowned_files) if result.unowned_files
                   else nothing_found_problem(folders))
        result.problems = sorted(result.problems + [nothing])
    keep = code_filter(codes_of(args.select), codes_of(args.ignore))
    result = check_options.finish(result, plan, keep, err, args.format)
    if not args.statistics:
        result.coverage_by_file = {}
    for problem in result.problems:
        print(format_problem(problem), file=err)
    if args.format == "github":
        out.write(format_github(result, _repository_relative(args.paths)))
    else:
        out.write(FORMATTERS[args.format](result))
    if missing or any(p.usage for p in result.problems):
        return EXIT_USAGE
    return EXIT_FINDINGS if result.findings or result.errors else EXIT_CLEAN


def _repository_relative(paths: Sequence[str]):
    """Paths relative to the checked code's git repository root, as GitHub annotations need;
    unchanged outside a repository."""
    from boundary_lint.adapters.git import repo_relative, repo_root
    from boundary_lint.filters.changed_lines import DiffError

    try:
        return repo_relative(repo_root(check_options.path_folder(paths[0] if paths else ".")))
    except DiffError:
        return lambda path: path
