"""The text report: one line per finding, the owner table, the coverage and summary lines."""

from __future__ import annotations

from typing import Dict

from boundary_lint.model import COVERAGE_KEYS, UNUSED, Problem, RunResult, SuppressedFinding
from boundary_lint.report.owners import owner_lines
from boundary_lint.languages import NOT_READ


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
