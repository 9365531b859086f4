"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

``::error file=app/x.py,line=13,col=10,title=BND100::order_service reads ...``
-- one line per finding, problems as ``::error``/``::warning``, suppressed
findings (with ``--show-suppressed``) as ``::notice``, then the plain summary.
"""

from __future__ import annotations

from typing import Callable, List

from boundary_lint.model import Finding, RunResult
from boundary_lint.report.text import summary_line


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner unescapes it.

    >>> escape_data("50% done\\nnext")
    '50%25 done%0Anext'
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``), where ``:`` and ``,`` are separators.

    >>> escape_property("a,b:c.py")
    'a%2Cb%3Ac.py'
    """
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties: object) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v not in (None, ""))
    return f"::{level} {props}::{escape_data(message)}" if props else f"::{level}::{escape_data(message)}"


def finding_command(finding: Finding, level: str = "error", suffix: str = "",
                    path_of: Callable[[str], str] = lambda path: path) -> str:
    return command(
        level, finding.message + suffix,
        file=path_of(finding.path), line=finding.line, col=finding.column, title=finding.code,
    )


def format_github(result: RunResult, path_of: Callable[[str], str] = lambda path: path) -> str:
    """``path_of`` maps a path as displayed to the repository-relative one GitHub matches
    against the diff (the CLI passes it; the workflow may run from a subfolder)."""
    lines: List[str] = [finding_command(f, path_of=path_of) for f in result.findings]
    for item in result.suppressed:
        why = f" (suppressed: {item.reason})" if item.reason else " (suppressed without a reason)"
        lines.append(finding_command(item.finding, "notice", why, path_of))
    for problem in result.problems:
        lines.append(command("error" if problem.fatal else "warning", problem.message, file=path_of(problem.path),
                             line=problem.line, title="boundary-lint"))
    for entry in result.stale_baseline:
        lines.append(command("warning", f"stale baseline entry: {entry.code} {entry.table} "
                             f"({entry.count} no longer found); drop it with --prune-baseline",
                             file=entry.path, title="stale baseline"))
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
