"""``check``'s findings and problems -> LSP diagnostics (plain dicts of the protocol's shape).

A finding spans the table name as written, with its code and a link to the rule's
documentation; a problem spans its line. Columns are counted in UTF-16 code units,
as the protocol counts them by default.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Sequence

from boundary_lint import __version__
from boundary_lint.codes import RULES
from boundary_lint.model import Finding, Problem
from boundary_lint.report.formats import RunResult
from boundary_lint.report.rule_docs import rule_anchor

ERROR, WARNING, INFORMATION = 1, 2, 3
SOURCE = "boundary-lint"
RELEASE_RULES = f"https://github.com/YOUR-ORG/boundary-lint/blob/v{__version__}/docs/rules.md"
_NAME = re.compile(r'[\w$."]+')


def rules_page(configured: Optional[str] = None) -> str:
    """Where the rule docs are: as configured (``rulesUrl``), else the checkout's
    ``docs/rules.md`` when the package runs from one, else the release's page."""
    if configured:
        return configured
    local = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    return local.as_uri() if local.is_file() else RELEASE_RULES


def utf16(line: str, characters: int) -> int:
    """The UTF-16 offset of the character offset ``characters`` in ``line``.

    >>> utf16("é😀x", 2)
    3
    """
    return len(line[:characters].encode("utf-16-le")) // 2


def _line(lines: Sequence[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def finding_range(finding: Finding, lines: Sequence[str]) -> dict:
    """From the table name's first character to its end as written on that line."""
    text = _line(lines, finding.line)
    start = max(finding.column - 1, 0)
    match = _NAME.match(text, start)
    end = match.end() if match else start + len(finding.table)
    return {"start": {"line": finding.line - 1, "character": utf16(text, start)},
            "end": {"line": finding.line - 1, "character": utf16(text, max(end, start + 1))}}


def finding_diagnostic(finding: Finding, lines: Sequence[str], rules: str) -> dict:
    rule = RULES.get(finding.code)
    diagnostic = {
        "range": finding_range(finding, lines), "severity": ERROR, "code": finding.code, "source": SOURCE,
        "message": finding.message + (f" ({finding.note})" if finding.note else ""),
        "data": {"code": finding.code, "table": finding.table, "owner": finding.owner,
                 "service": finding.service, "operation": finding.operation, "line": finding.line,
                 "column": finding.column},
    }
    if rule is not None:
        diagnostic["codeDescription"] = {"href": f"{rules}#{rule_anchor(rule)}"}
    return diagnostic


def problem_diagnostic(problem: Problem, lines: Sequence[str]) -> dict:
    text = _line(lines, problem.line)
    line = max(problem.line - 1, 0)
    end = {"line": line, "character": utf16(text, len(text))}
    return {"range": {"start": {"line": line, "character": 0}, "end": end},
            "severity": ERROR if problem.fatal or problem.usage else WARNING, "source": SOURCE,
            "message": problem.message, **({"code": problem.kind} if problem.kind else {})}


def diagnostics(result: RunResult, text: str, rules: str) -> List[dict]:
    """Every finding and problem of a one-file run, in file order."""
    lines = text.splitlines()
    found = [finding_diagnostic(f, lines, rules) for f in result.findings]
    found += [problem_diagnostic(p, lines) for p in result.problems]
    return sorted(found, key=lambda d: (d["range"]["start"]["line"], d["range"]["start"]["character"]))


def registry_diagnostic(message: str, text: str = "") -> dict:
    """The one diagnostic of a registry that cannot be loaded: at the line its message names."""
    match = re.search(r"line (\d+)", message)
    line = int(match.group(1)) if match else 1
    return problem_diagnostic(Problem("", line, message), text.splitlines())
