"""SQL sites -> table references located in their file: each site's SQL analysed
(:mod:`boundary_lint.sql.refs`), its offsets mapped to lines and columns, its notices made problems."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Dict, List, Optional, Sequence, Tuple

from boundary_lint.model import TEMPORARY_SCHEMA, Problem, Reference, SqlSite, TableName


def site_references(
    sites: Sequence[SqlSite], dialect: str, path: str, stats: Optional[Dict[str, int]] = None,
    may_find=None, budget=None,
) -> Tuple[List[Reference], List[Problem]]:
    """Analyse each site's SQL and locate its table references in the file.

    ``may_find`` (:mod:`~boundary_lint.rules.statement_filter`): a statement of a sink's SQL it
    says cannot give a finding is not parsed (a literal passed to no sink is parsed: that decides whether it is SQL).
    ``budget``: one shared with other calls for the same file (a large file read in pieces).

    The file's sites share one :class:`~boundary_lint.sql.refs.SqlBudget`: past it,
    statements are token-scanned instead of parsed, and one warning says from where.
    """
    if not sites:
        return [], []
    from boundary_lint.sql.clear_statement import is_clear_statement
    from boundary_lint.sql.refs import SqlBudget, analyze_sql  # sqlglot is imported only when there is SQL

    refs: List[Reference] = []
    problems: List[Problem] = []
    budget = budget if budget is not None else SqlBudget()
    for index, site in enumerate(sites):
        skipped = budget.skipped
        analysis = analyze_sql(site.text, dialect, fallback_scan=site.from_sink, budget=budget,
                               may_find=may_find if site.from_sink else None)
        if not site.from_sink and (not analysis.parsed or not analysis.refs) and is_clear_statement(site.text):
            analysis = analyze_sql(site.text, dialect, fallback_scan=True, budget=budget)  # SQL sqlglot cannot read
        elif not site.from_sink and (not analysis.refs or (not analysis.parsed and not analysis.too_long)):
            continue  # a literal that does not parse as SQL is prose, not SQL (one too long to parse is SQL)
        if budget.skipped and not skipped:
            problems.append(_budget_problem(path, site, budget))
        if stats is not None:
            stats["sql_sites"] += 1
            stats["parsed" if analysis.parsed else "token_scanned"] += 1
            stats["dynamic"] += any(ref.table.is_dynamic for ref in analysis.refs)
        for notice in analysis.notices:
            problems.append(_notice_problem(path, site, notice))
        for ref in analysis.refs:
            refs.append(
                Reference(
                    position=site.position_at(ref.offset),
                    table=ref.table,
                    operation=ref.operation,
                    statement=(index, ref.statement_offset),
                    statement_line=site.position_at(ref.statement_offset).line,
                    fingerprint=ref.statement_fingerprint,
                )
            )
    return session_tables(refs), problems


def session_tables(refs: List[Reference]) -> List[Reference]:
    """An unqualified name the same file creates as a temporary table names that table
    (PostgreSQL looks in ``pg_temp`` first), wherever it appears in the file: no service's.

    >>> from boundary_lint.model import Operation, Position
    >>> made = Reference(Position(1, 1), TableName(TEMPORARY_SCHEMA, "ids"), Operation.DDL)
    >>> used = Reference(Position(2, 1), TableName(None, "ids"), Operation.READ)
    >>> [r.table.qualified() for r in session_tables([used, made])]
    ['pg_temp.ids', 'pg_temp.ids']
    """
    temporary = {ref.table.name for ref in refs if ref.table.schema == TEMPORARY_SCHEMA and not ref.table.is_dynamic}
    if not temporary:
        return refs
    return [
        replace(ref, table=TableName(TEMPORARY_SCHEMA, ref.table.name))
        if ref.table.schema is None and not ref.table.is_dynamic and ref.table.name in temporary else ref
        for ref in refs
    ]


def _budget_problem(path: str, site: SqlSite, budget) -> Problem:
    line = site.position_at(budget.first_skipped_offset or 0).line
    return Problem(path, line, f"SQL from this line on was not parsed: {budget.why()}; SQL passed to sinks was "
                   "scanned for table names instead; split the file or exclude it", fatal=False)


_AT_OFFSET = re.compile(r"statement at offset (\d+) ")


def _notice_problem(path: str, site: SqlSite, notice: str) -> Problem:
    """A SQL notice located at its statement's line in the file."""
    match = _AT_OFFSET.match(notice)
    offset = int(match.group(1)) if match else 0
    text = notice[match.end():] if match else notice
    return Problem(path, site.position_at(offset).line, f"SQL statement {text}", fatal=False)
