"""The output formats by name (``--format``), and the JSON document. No analysis here."""

from __future__ import annotations

import json
from boundary_lint.model import RunResult
from boundary_lint.report.github import format_github
from boundary_lint.report.owners import by_owner
from boundary_lint.report.sarif import format_sarif
from boundary_lint.report.text import coverage_json, format_text


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
