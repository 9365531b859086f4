"""Reporters: findings and problems -> text, JSON, SARIF or GitHub annotations. No analysis here."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List

from boundary_lint.report.github import format_github
from boundary_lint.sites.languages import NOT_READ
from boundary_lint.model import COVERAGE_KEYS, Finding, Problem, SuppressedFinding, UnusedSuppression
from boundary_lint.report.owners import by_owner, owner_lines
from boundary_lint.report.sarif import format_sarif


UNUSED = "unused-suppression"  # Problem.kind of a comment that suppressed nothing


@dataclass
class RunResult:
    """Everything one run produced, in the order it will be printed."""

    findings: List[Finding] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    files: int = 0
    unowned_files: int = 0
    suppressed: List[SuppressedFinding] = field(default_factory=list)  # shown with --show-suppressed
    paths: List[str] = field(default_factory=list)  # the files checked, as displayed
    stale_baseline: list = field(default_factory=list)  # baseline.BaselineEntry no longer found
    baselined: int = 0  # findings the baseline accepted (not in ``findings``)
    excluded_folders: List[str] = field(default_factory=list)  # skipped under a folder given
    unused_suppressions: List[UnusedSuppression] = field(default_factory=list)  # comments suppressing nothing

    @property
    def files_with_findings(self) -> int:
        return len({f.path for f in self.findings})
    orm_unresolved: int = 0  # ORM uses whose model could not be known (coverage, never guessed)
    coverage: Dict[str, int] = field(default_factory=dict)  # checker.COVERAGE_KEYS, summed over the files
    coverage_by_service: Dict[str, Dict[str, int]] = field(default_factory=dict)
    coverage_by_file: Dict[str, Dict[str, int]] = field(default_factory=dict)  # kept with --statistics only

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.fatal]

    @property
    def warnings(self) -> List[Problem]:
        return [p for p in self.problems if not p.fatal]

    def by_code(self) -> Dict[str, int]:
        return dict(sorted(Counter(f.code for f in self.findings).items()))


def format_text(result: RunResult) -> str:
    """Findings, suppressed findings (when kept), the count by service pair, then the summary line."""
    lines = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in result.findings]
    for item in result.suppressed:
        f = item.finding
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message} ({suppressed_why(item)})")
    if result.findings:
        lines.append("by owning service:")
        lines.extend(f"  {line}" for line in owner_lines(result.findings))
    if result.coverage_by_file:
        lines.append("coverage by file:")
        lines.extend(f"  {path}: {coverage_counts(counts)}" for path, counts in sorted(result.coverage_by_file.items()))
    if result.files:
        lines.append(coverage_line(result))
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def suppressed_why(item: SuppressedFinding) -> str:
    """``suppressed: JIRA-123, until 2027-03-31: read model`` -- what the exception says."""
    if item.kind == "baseline":
        head = "accepted by the baseline"
    elif item.reason or item.ticket or item.until:
        head = "suppressed"
    else:
        return f"suppressed by {item.kind}, no reason given"
    facts = ", ".join(part for part in (item.ticket, f"until {item.until}" if item.until else "") if part)
    return head + (f": {facts}" if facts else "") + (f": {item.reason}" if item.reason else "")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def coverage_json(counts: Dict[str, int]) -> Dict[str, int]:
    """Every count, but ``not_read`` (host-language files whose parser is missing) only when some were."""
    return {key: counts.get(key, 0) for key in COVERAGE_KEYS if key != NOT_READ or counts.get(key)}


def coverage_counts(found: Dict[str, int]) -> str:
    counts = coverage_json(found)
    return (f"{_count(counts['sql_sites'], 'SQL site')} read ({counts['parsed']} parsed, "
            f"{counts['token_scanned']} token-scanned; {counts['dynamic']} with a table name built at run time), "
            f"{_count(counts['orm_references'], 'ORM and migration reference')}"
            + (f", {_count(counts[NOT_READ], 'file')} not read (no parser installed)" if counts.get(NOT_READ) else ""))


def coverage_line(result: RunResult) -> str:
    """How much of the database access the run could judge, for a user deciding how far a
    green run goes: ``coverage: 41 SQL sites read (38 parsed, 3 token-scanned; 2 with a table
    name built at run time), 12 ORM and migration references``."""
    text = "coverage: " + coverage_counts(result.coverage)
    if result.orm_unresolved:
        text += f", {result.orm_unresolved} ORM use{'s' if result.orm_unresolved != 1 else ''} of an unknown model"
    return text


def summary_line(result: RunResult) -> str:
    """``26 findings in 7 files (26 files checked); BND100: 20, BND101: 6; ...``"""
    count = len(result.findings)
    checked = f"{_count(result.files, 'file')} checked"
    if count:
        parts = [f"{_count(count, 'finding')} in {_count(result.files_with_findings, 'file')} ({checked})"]
        parts.append("; " + ", ".join(f"{code}: {n}" for code, n in result.by_code().items()))
    else:
        parts = [f"0 findings ({checked})"]
    if result.unowned_files:
        parts.append(f"; {_count(result.unowned_files, 'file')} of no service not checked")
    if result.excluded_folders:
        names = ", ".join(result.excluded_folders[:3]) + (", ..." if len(result.excluded_folders) > 3 else "")
        parts.append(f"; {_count(len(result.excluded_folders), 'folder')} excluded ({names})")
    file_errors = [p for p in result.errors if not p.usage and p.kind != UNUSED]
    if file_errors:
        parts.append(f"; {len(file_errors)} file error{'s' if len(file_errors) != 1 else ''}")
    usage_errors = [p for p in result.errors if p.usage]
    if usage_errors:
        parts.append(f"; {_count(len(usage_errors), 'usage error')}")
    if result.unused_suppressions:
        parts.append(f"; {_count(len(result.unused_suppressions), 'unused suppression')}")
    if result.baselined:
        parts.append(f"; {result.baselined} more accepted by the baseline")
    by_comment = [s for s in result.suppressed if s.kind != "baseline"]  # the others count as baselined
    if by_comment:
        parts.append(f"; {len(by_comment)} suppressed")
    if result.orm_unresolved:
        plural = "s" if result.orm_unresolved != 1 else ""
        parts.append(f"; {result.orm_unresolved} ORM use{plural} of an unknown model not checked")
    return "".join(parts)


def format_problem(problem: Problem) -> str:
    level = "error" if problem.fatal else "warning"
    return f"{problem.path}:{problem.line}: {level}: {problem.message}"


def format_json(result: RunResult) -> str:
    document = {
        "version": 1,
        "findings": [f.as_json() for f in result.findings],
        "summary": {
            "files": result.files,
            "files_with_findings": result.files_with_findings,
            "findings": len(result.findings),
            "by_code": result.by_code(),
            "by_owner": by_owner(result.findings),
            "unowned_files": result.unowned_files,
            "baselined": result.baselined,
            "excluded_folders": list(result.excluded_folders),
            "orm_unresolved": result.orm_unresolved,
            "coverage": coverage_json(result.coverage),
            "coverage_by_service": {s: coverage_json(c) for s, c in sorted(result.coverage_by_service.items())},
            **({"coverage_by_file": {p: coverage_json(c) for p, c in sorted(result.coverage_by_file.items())}}
               if result.coverage_by_file else {}),
        },
        "suppressed": [s.as_json() for s in result.suppressed],
        "stale_baseline": [e.as_json() for e in result.stale_baseline],
        "unused_suppressions": [u.as_json() for u in result.unused_suppressions],
        "errors": [
            {"path": p.path, "line": p.line, "message": p.message} for p in result.errors
        ],
        "warnings": [
            {"path": p.path, "line": p.line, "message": p.message} for p in result.warnings
        ],
    }
    return json.dumps(document, indent=2) + "\n"


FORMATTERS = {"text": format_text, "json": format_json, "sarif": format_sarif, "github": format_github}
