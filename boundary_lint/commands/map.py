"""``boundary-lint map [PATHS] --format mermaid|dot|html [-o FILE]``: the run's picture.

An adapter: the run is ``check``'s own (:func:`boundary_lint.adapters.runner.run_paths`,
then the baseline and suppressions as :func:`boundary_lint.commands.check_options.finish`
applies them), :mod:`boundary_lint.report.map_graph` turns it into a graph and
the ``report.map_*`` modules draw it. Exit status: 0 drawn (findings are the
picture, not a failure), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict, List, Optional, TextIO, Tuple

from boundary_lint.codes import EXIT_CLEAN as EXIT_DRAWN, EXIT_USAGE
from boundary_lint.commands.common import add_run_arguments, missing_paths, registry_for
from boundary_lint.registry import Registry, split_entry

FORMATS = ("mermaid", "dot", "html")
MAX_STATEMENT_LINES = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_run_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, default="mermaid",
                        help="mermaid (GitHub renders it in Markdown), dot (Graphviz) "
                             "or html (one self-contained file)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the map to FILE (default: standard output)")
    parser.add_argument("--baseline", metavar="FILE",
                        help="draw findings in this baseline apart (default: settings.baseline)")
    parser.add_argument("--no-baseline", action="store_true", help="ignore settings.baseline: every finding is new")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the results cache")


def adoption_options(args: argparse.Namespace) -> argparse.Namespace:
    """The options :func:`boundary_lint.commands.check_options.plan_for` reads, as ``check`` would have them
    with only ``--baseline``/``--no-baseline`` given (and suppressed findings kept)."""
    return argparse.Namespace(
        paths=args.paths, baseline=args.baseline, no_baseline=args.no_baseline, write_baseline=None,
        prune_baseline=False, require_reason=False, show_suppressed=True, strict_suppressions=False,
        today=None, diff_base=None)


def grants(registry: Registry) -> List[Tuple[str, str, str]]:
    """``(service, owner, table)`` for each ``may_read`` entry naming another service's table."""
    out = []
    for name, service in sorted(registry.services.items()):
        for entry in service.may_read:
            owner = registry.owner_of(*split_entry(entry)) or ""
            if owner != name:
                out.append((name, owner, entry))
    return out


def statement_texts(findings, read=lambda path: Path(path).read_text(encoding="utf-8", errors="replace")) -> Dict:
    """Each finding's source lines, from its statement's first line to the table's line."""
    texts: Dict = {}
    files: Dict[str, Optional[List[str]]] = {}
    for finding in findings:
        if finding.path not in files:
            try:
                files[finding.path] = read(finding.path).splitlines()
            except OSError:
                files[finding.path] = None
        lines = files[finding.path]
        if not lines:
            continue
        first = min(finding.statement_line or finding.line, finding.line)
        first = max(first, finding.line - MAX_STATEMENT_LINES + 1)
        texts[finding] = "\n".join(lines[first - 1:finding.line]).rstrip()
    return texts


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    registry = registry_for(args, err)
    if registry is None:
        return EXIT_USAGE
    return draw_run(args, registry, out, err)


def draw_run(args: argparse.Namespace, registry: Registry, out: TextIO, err: TextIO) -> int:
    from boundary_lint.commands import check_options as adoption
    from boundary_lint.report.text import format_problem
    from boundary_lint.report.map_graph import MapInput, build_graph
    from boundary_lint.adapters.runner import code_filter, run_paths

    missing = missing_paths(args.paths)
    if missing:
        print(f"boundary-lint: no such file or folder: {', '.join(missing)}", file=err)
        return EXIT_USAGE
    try:
        plan = adoption.plan_for(adoption_options(args), registry)
    except adoption.UsageError as exc:
        print(f"boundary-lint: {exc}", file=err)
        return EXIT_USAGE
    found = run_paths(args.paths, registry, args.service, args.exclude, use_cache=not args.no_cache)
    finished = adoption.finish(found, plan, code_filter((), ()), err, fmt="map")
    for problem in finished.problems:
        print(format_problem(problem), file=err)
    new = set(finished.findings)
    data = MapInput(
        services=tuple(registry.services), new=tuple(finished.findings),
        baselined=tuple(f for f in found.findings if f not in new),
        suppressed=tuple(s.finding for s in finished.suppressed if s.kind != "baseline"),
        grants=tuple(grants(registry)))
    graph = build_graph(data)
    text = draw(graph, args.format, data)
    if not args.output:
        out.write(text)
        return EXIT_DRAWN
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"boundary-lint: cannot write {args.output} ({exc.strerror})", file=err)
        return EXIT_USAGE
    print(f"boundary-lint: wrote {args.output} ({graph.crossings} crossings)", file=err)
    return EXIT_DRAWN


def draw(graph, form: str, data) -> str:
    if form == "dot":
        from boundary_lint.report.map_dot import format_dot

        return format_dot(graph)
    if form == "html":
        from boundary_lint.report.map_html import format_html

        return format_html(graph, statement_texts(data.new + data.baselined + data.suppressed))
    from boundary_lint.report.map_mermaid import format_mermaid

    return format_mermaid(graph)
