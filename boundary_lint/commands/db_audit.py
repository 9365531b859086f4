"""``boundary-lint db-audit DSN``: arguments, the run, and its text/JSON output.

An adapter: :mod:`boundary_lint.adapters.db_catalog` reads the database,
:mod:`boundary_lint.db_audit.rules` decides, this module prints. Exit status as
``check``: 0 clean, 1 findings, 2 usage, configuration, connection or
catalog error. Every message that could echo the DSN is scrubbed of its
password (and of ``PGPASSWORD``) before it is printed.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from typing import TYPE_CHECKING, Callable, Dict, Mapping, Optional, TextIO

from boundary_lint.db_audit.location import scrub, secrets_of
from boundary_lint.report.owners import by_owner, owner_lines
from boundary_lint.registry import Registry

if TYPE_CHECKING:  # pragma: no cover
    from boundary_lint.db_audit.rules import AuditResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dsn", metavar="DSN",
        help="libpq 'key=value' string or postgresql:// URL; prefer PGPASSWORD or ~/.pgpass "
             "to a password in it (never printed either way)",
    )
    parser.add_argument("--config", help="registry file (default: boundaries.toml found upwards)")
    parser.add_argument("--schema", action="append", default=[], metavar="S",
                        help="audit only this schema (repeatable)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(
    args: argparse.Namespace,
    registry: Registry,
    out: TextIO,
    err: TextIO,
    env: Optional[Mapping[str, str]] = None,
    read: Optional[Callable[..., object]] = None,
) -> int:
    from boundary_lint.db_audit.rules import audit, normalize_schemas  # only this command pays for these
    from boundary_lint.adapters.db_catalog import CatalogError, read_catalog

    read = read or read_catalog
    env = os.environ if env is None else env
    secrets = secrets_of(args.dsn, env)
    schemas = normalize_schemas(args.schema)
    roles = sorted({s.role for s in registry.services.values() if s.role})
    try:
        catalog = read(args.dsn, schemas=schemas, roles=roles, env=env)
    except CatalogError as exc:
        print(f"boundary-lint: {scrub(str(exc), secrets)}", file=err)
        return EXIT_USAGE
    result = audit(catalog, registry, schemas)
    for message in result.errors:
        print(f"boundary-lint: error: {scrub(message, secrets)}", file=err)
    for message in result.warnings:
        print(f"boundary-lint: warning: {scrub(message, secrets)}", file=err)
    if result.errors:
        return EXIT_USAGE
    out.write(FORMATTERS[args.format](result))
    return EXIT_FINDINGS if result.findings else EXIT_CLEAN


def format_text(result: AuditResult) -> str:
    """``LOCATION: CODE message`` per finding, the count by service pair, a summary line."""
    findings = [f.finding for f in result.findings]
    lines = [f"{f.path}: {f.code} {f.message}" for f in findings]
    crossings = [f for f in findings if f.service]  # BND104 belongs to no service
    if crossings:
        lines.append("by owning service:")
        lines.extend(f"  {line}" for line in owner_lines(crossings))
    count = len(findings)
    summary = f"{count} finding{'s' if count != 1 else ''} in {result.location}"
    codes = _by_code(result)
    if codes:
        summary += " (" + ", ".join(f"{code}: {n}" for code, n in codes.items()) + ")"
    plural = "s" if result.relations != 1 else ""
    summary += f"; {result.relations} table{plural} or view{plural} audited"
    return "\n".join(lines + [summary]) + "\n"


def format_json(result: AuditResult) -> str:
    """The ``check`` document's shape, plus ``database`` and each finding's object."""
    document = {
        "version": 1,
        "database": result.location,
        "findings": [f.as_json() for f in result.findings],
        "summary": {
            "relations": result.relations,
            "findings": len(result.findings),
            "by_code": _by_code(result),
            "by_owner": by_owner(f.finding for f in result.findings if f.finding.service),
        },
        "errors": [{"path": result.location, "line": 0, "message": m} for m in result.errors],
        "warnings": [{"path": result.location, "line": 0, "message": m} for m in result.warnings],
    }
    return json.dumps(document, indent=2) + "\n"


def _by_code(result: AuditResult) -> Dict[str, int]:
    return dict(sorted(Counter(f.finding.code for f in result.findings).items()))


FORMATTERS = {"text": format_text, "json": format_json}
