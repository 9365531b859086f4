"""SARIF 2.1.0 output (``--format sarif``), the format GitHub code scanning ingests.

Rules come from the code table (help text = ``boundary-lint explain``);
results point at the table name (``region.startLine``/``startColumn``, in
Unicode code points as the rest of boundary-lint); ``partialFingerprints``
derive from the statement fingerprint, so an alert survives edits that only
move the statement. Problems (files that could not be read or parsed) become
tool execution notifications. Validated against the official schema in
``tests/data/sarif-schema-2.1.0.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path, PurePath
from typing import Dict, List, Optional
from urllib.parse import quote

from boundary_lint import __version__
from boundary_lint.codes import RULES, explain
from boundary_lint.model import Finding, Problem, RunResult
from boundary_lint.report.rule_docs import rule_markdown

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "boundaryLintStatement/v1"
SRCROOT = "%SRCROOT%"


def format_sarif(result: RunResult) -> str:
    return json.dumps(sarif_document(result), indent=2, ensure_ascii=False) + "\n"


def sarif_document(result: RunResult, cwd: Optional[str] = None) -> dict:
    """The SARIF log for one run (a single ``run`` object)."""
    rule_ids = list(RULES)
    results = [_result(f, rule_ids, fp) for f, fp in _with_fingerprints(result.findings)]
    suppressed = [s for s in result.suppressed]
    for item, fp in zip(suppressed, _fingerprints([s.finding for s in suppressed])):
        entry = _result(item.finding, rule_ids, fp)
        suppression = {"kind": "external" if item.kind == "baseline" else "inSource"}
        justification = ", ".join(p for p in (item.ticket, f"until {item.until}" if item.until else "",
                                              item.reason) if p)
        if justification:
            suppression["justification"] = justification
        entry["suppressions"] = [suppression]
        results.append(entry)
    base = Path(cwd or os.getcwd()).resolve().as_uri().rstrip("/") + "/"
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": _driver()},
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [_notification(p) for p in result.problems],
                    }
                ],
                "originalUriBaseIds": {SRCROOT: {"uri": base}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _driver() -> dict:
    return {
        "name": "boundary-lint",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_rule(code) for code in RULES],
    }


def _rule(code: str) -> dict:
    rule = RULES[code]
    return {
        "id": rule.code,
        "name": "".join(word.capitalize() for word in rule.title.replace("'", "").split()),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {"text": explain(code), "markdown": rule_markdown(rule, level=3)},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["architecture", "database", "service-boundaries"], "precision": "high"},
    }


def _result(finding: Finding, rule_ids: List[str], fingerprint: str) -> dict:
    entry = {
        "ruleId": finding.code,
        "level": "error",
        "message": {"text": f"{finding.code} {finding.message}"},
        "locations": [_location(finding.path, finding.line, finding.column)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {
            "service": finding.service,
            "owner": finding.owner,
            "table": finding.table,
            "operation": finding.operation,
        },
    }
    if finding.code in rule_ids:
        entry["ruleIndex"] = rule_ids.index(finding.code)
    return entry


def _location(path: str, line: int, column: int = 0) -> dict:
    region = {"startLine": max(1, line)}
    if column >= 1:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": artifact_location(path), "region": region}}


def artifact_location(path: str) -> dict:
    """A relative path stays relative to the source root (GitHub maps it onto the repository).

    >>> artifact_location("app/my file.py")
    {'uri': 'app/my%20file.py', 'uriBaseId': '%SRCROOT%'}
    """
    posix = PurePath(path).as_posix()
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    if posix.startswith("./"):
        posix = posix[2:]
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def _notification(problem: Problem) -> dict:
    return {
        "level": "error" if problem.fatal else "warning",
        "message": {"text": problem.message},
        "locations": [_location(problem.path, problem.line)],
    }


def _fingerprints(findings: List[Finding]) -> List[str]:
    """A stable identity per finding: file, code, table, statement text and occurrence.

    The line is left out, so a finding keeps its alert when code above it moves;
    identical statements in one file are told apart by their order.
    """
    seen: Dict[tuple, int] = Counter()
    out = []
    for finding in findings:
        key = (PurePath(finding.path).as_posix(), finding.code, finding.table, finding.fingerprint)
        occurrence = seen[key]
        seen[key] += 1
        material = "\0".join([*key, str(occurrence)])
        out.append(hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return out


def _with_fingerprints(findings: List[Finding]):
    return list(zip(findings, _fingerprints(findings)))
