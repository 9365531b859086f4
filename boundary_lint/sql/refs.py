"""SQL text in, table references out: the SQL-analysis step of the pipeline.

Each ``;``-separated statement is parsed on its own with sqlglot (so one bad
statement does not hide the others), the tree is walked once for ``exp.Table``
nodes, and each table is classified by where it hangs in the tree. DO blocks
and function bodies are opened and their statements analysed one by one.
When sqlglot cannot read a statement, a token scan (``sql.scan``) stands in.

>>> a = analyze_sql("SELECT * FROM public.strategy s JOIN orders o ON o.s = s.id")
>>> [(r.offset, r.table.qualified(), r.operation.label) for r in a.refs]
[(14, 'public.strategy', 'read'), (37, 'orders', 'read')]
>>> a = analyze_sql("WITH orders AS (SELECT 1) INSERT INTO public.orders SELECT * FROM orders")
>>> [(r.table.qualified(), r.operation.label) for r in a.refs]
[('public.orders', 'write')]
"""

from __future__ import annotations

import bisect
import logging
import re
import time
from dataclasses import field
from typing import Callable, List, Optional, Sequence, Tuple, Union

from boundary_lint.value_classes import value_class
from boundary_lint.model import HOLE_PREFIX, TableRef, fingerprint
from boundary_lint.sql import memo
from boundary_lint.sql.nested import format_literals, nested_literals
from boundary_lint.sql.scan import Found, scan_tables
from boundary_lint.sql.split import (
    Segment,
    TABLE_KEYWORD_BEFORE,
    blank_into_targets,
    dollar_bodies,
    execute_literals,
    lex,
    mask,
    plpgsql_units,
    split_statements,
    undouble_quotes,
)


@value_class
class SqlAnalysis:
    refs: Tuple[TableRef, ...]  # every table occurrence, sorted by offset
    parsed: bool  # False if any statement needed the fallback token scan
    notices: Tuple[str, ...]  # human text, one per statement that was not parsed
    statements: int  # how many (top-level) statements were found
    too_long: int = 0  # statements over max_statement_chars: token-scanned, with or without fallback_scan


Fingerprint = Union[str, Tuple[str, int, int]]  # or (text, start, end): made when a table is found

MAX_STATEMENTS_PER_FILE = 10_000
"""Statements one file may have parsed by sqlglot (~1 ms each); the rest are token-scanned."""
SECONDS_PER_FILE = 30.0
"""Wall-clock time one file may spend in sqlglot; no statement costs more than ~2 s
(``max_statement_chars`` sees to that), so a file never takes much longer."""


@value_class(frozen=False)
class SqlBudget:
    """How much sqlglot parsing one file may cost, shared by all its ``analyze_sql`` calls.

    Past ``statements`` parses or ``seconds`` of wall-clock time, statements are
    token-scanned (or, without ``fallback_scan``, skipped): a pathological file
    (a dump of 100,000 INSERTs) costs seconds, not hours. ``skipped`` counts them.

    >>> budget = SqlBudget(statements=1)
    >>> a = analyze_sql("SELECT * FROM a.b; DELETE FROM c.d", budget=budget)
    >>> [(r.table.qualified(), r.operation.label) for r in a.refs], a.parsed, budget.skipped
    ([('a.b', 'read'), ('c.d', 'write')], False, 1)
    """

    statements: int = MAX_STATEMENTS_PER_FILE
    seconds: float = SECONDS_PER_FILE
    skipped: int = 0
    first_skipped_offset: Optional[int] = None  # in the text of the call that first skipped
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.seconds
        self._limit = self.statements

    def take(self, offset: int) -> bool:
        """May one more statement (at ``offset``) be parsed? Counts it if so."""
        if self.statements > 0 and time.monotonic() < self._deadline:
            self.statements -= 1
            return True
        if not self.skipped:
            self.first_skipped_offset = offset
        self.skipped += 1
        return False

    def take_many(self, count: int) -> bool:
        """May ``count`` more statements be parsed? Counts them if so; else changes nothing."""
        if count and (self.statements < count or time.monotonic() >= self._deadline):
            return False
        self.statements -= count
        return True

    def why(self) -> str:
        spent = "time" if self.statements > 0 else "statements"
        return (f"the file's SQL budget ({self._limit} statements or {self.seconds:g} s) is spent "
                f"on {spent}; {self.skipped} statement{'s' if self.skipped != 1 else ''} left")


_LETTER = re.compile(r"[A-Za-z]")
_HEAD = re.compile(r"\s*([A-Za-z]+)(?:\s+([A-Za-z]+))?(?:\s+([A-Za-z]+))?(?:\s+([A-Za-z]+))?")
_EXPLAIN = re.compile(r"\s*EXPLAIN\b(?:\s*\([^)]*\))?(?:\s+(?:ANALY[SZ]E|VERBOSE)\b)*\s*"
                      r"|\s*PREPARE\s+\w+\s*(?:\([^)]*\))?\s*AS\b\s*"
                      r"|\s*DECLARE\s+\w+\b[\w\s]*?\bCURSOR\b[\w\s]*?\bFOR\b\s*", re.I)
_ROUTINE = frozenset(["FUNCTION", "PROCEDURE"])
_HOLE = re.compile(r"(?<![\w$.\"])%s\d+(?![\w$.\"])" % re.escape(HOLE_PREFIX))
_CONDITION_BEFORE = re.compile(r"\b(?:WHERE|AND|OR|NOT|ON|HAVING|WHEN)\s*$", re.I)

# Statements that name no table, or whose tables only a token scan can find
# (sqlglot returns an opaque Command for them): decided before parsing.
_NO_TABLES = frozenset("""SET RESET SHOW BEGIN START COMMIT ROLLBACK END ABORT SAVEPOINT RELEASE
    CALL LISTEN NOTIFY UNLISTEN DISCARD CHECKPOINT DEALLOCATE EXECUTE VACUUM ANALYZE ANALYSE
    CLUSTER REINDEX LOAD FETCH MOVE CLOSE IMPORT INSTALL USE""".split())  # INSTALL x FROM community: DuckDB
_SCAN_ONLY = frozenset(["LOCK", "REFRESH"])
_COMMENT_PARSED = frozenset("TABLE COLUMN VIEW MATERIALIZED FOREIGN".split())
"""``COMMENT ON`` kinds sqlglot reads; the others (TRIGGER/POLICY ... ON t, EXTENSION) are scanned."""


class _QuietSqlglot(logging.Filter):
    """Drops sqlglot's "falling back to Command" warnings while we parse."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


def analyze_sql(sql: str, dialect: str = "postgres", *, fallback_scan: bool = True,
                max_statement_chars: int = 20000, budget: Optional[SqlBudget] = None,
                may_find: Optional[Callable[[str], bool]] = None) -> SqlAnalysis:
    """Every table reference in ``sql``; never raises.

    ``fallback_scan=False`` means no guessing: a statement sqlglot cannot read
    gives a notice and no refs, and one it reads only as an opaque Command
    (LOCK, REFRESH, ALTER TABLE ... ENABLE ROW LEVEL SECURITY) gives no refs.
    A statement over ``max_statement_chars`` is scanned, not parsed (even without
    ``fallback_scan``: one that long is SQL, not prose); so is every
    statement once ``budget`` (shared by the calls for one file) is spent.
    ``may_find(masked statement)`` False (``sql_skip``): the statement cannot give the
    caller a finding; it is neither parsed nor scanned.

    >>> a = analyze_sql("SELEC * FROM a.b; DELETE FROM c")
    >>> [(r.offset, r.table.qualified(), r.operation.label) for r in a.refs], a.parsed, a.statements
    ([(13, 'a.b', 'read'), (30, 'c', 'write')], False, 2)
    """
    if not sql or not _LETTER.search(sql):
        return SqlAnalysis((), True, (), 0)
    key = (sql, dialect, fallback_scan, max_statement_chars, may_find) if (
        budget is not None and len(sql) <= memo.MAX_REMEMBERED_CHARS) else None
    known = memo.recall(key) if key is not None else None
    if known is not None and budget.take_many(known[1]):  # met before: its statements charged, not parsed
        return known[0]
    before = (budget.statements, budget.skipped) if budget is not None else None
    analysis = _analyze(sql, dialect, fallback_scan, max_statement_chars, budget, may_find)
    if key is not None and budget.skipped == before[1]:  # none left unparsed for want of budget
        memo.remember(key, analysis, before[0] - budget.statements)
    return analysis


def _analyze(sql: str, dialect: str, fallback_scan: bool, max_statement_chars: int,
             budget: Optional[SqlBudget], may_find: Optional[Callable[[str], bool]]) -> SqlAnalysis:
    logger = logging.getLogger("sqlglot")
    quiet = _QuietSqlglot()
    logger.addFilter(quiet)
    try:
        return _Analysis(sql, dialect, fallback_scan, max_statement_chars, budget, may_find).run()
    except Exception as err:  # a bug of ours must not stop the run
        refs: Tuple[TableRef, ...] = ()
        if fallback_scan:
            try:
                refs = tuple(sorted(TableRef(o, t, op, 0, fingerprint(sql))
                                    for o, t, op in scan_tables(sql, mask(sql))))
            except Exception:
                pass
        return SqlAnalysis(refs, False, ("SQL analysis failed (%s: %s); %s" % (
            type(err).__name__, err, "scanned for table names instead" if fallback_scan
            else "no table names reported"),), 0)
    finally:
        logger.removeFilter(quiet)


class _Analysis:
    """State of one ``analyze_sql`` call."""

    def __init__(self, sql: str, dialect: str, fallback_scan: bool, max_chars: int,
                 budget: Optional[SqlBudget] = None, may_find: Optional[Callable[[str], bool]] = None) -> None:
        self.sql = sql
        self.may_find = may_find
        self.dialect_name = dialect
        self.fallback_scan = fallback_scan
        self.max_chars = max_chars
        self.budget = budget
        self.refs: List[TableRef] = []
        self.notices: List[str] = []
        self.parsed = True
        self.too_long = 0
        self.segments: Optional[List[Segment]] = None  # the whole text's, once lexed (see statement_bodies)
        self._segment_starts: Optional[List[int]] = None

    def run(self) -> SqlAnalysis:
        sql = self.sql
        lexed = lex(sql)
        masked = mask(sql, 0, len(sql), lexed[0])
        spans = split_statements(sql, 0, len(sql), lexed)
        self.segments = lexed[0]
        for s, e in spans:
            self.unit(s, e, False, s, (sql, s, e), masked, 0, False)
        return SqlAnalysis(tuple(sorted(self.refs)), self.parsed, tuple(self.notices), len(spans), self.too_long)

    # -- dispatch ----------------------------------------------------------------

    def unit(self, s: int, e: int, is_expr: bool, stmt_off: int, fp: "Fingerprint",
             masked: str, mbase: int, in_body: bool) -> None:
        """Analyse ``sql[s:e]``; ``masked[i - mbase]`` is the mask of ``sql[i]``."""
        m = masked[s - mbase:e - mbase]
        if not is_expr:
            h = _HEAD.match(m)
            head = [w.upper() for w in h.groups() if w] if h else []
            first = head[0] if head else ""
            if first == "DO" or (first == "CREATE" and _ROUTINE.intersection(head[1:2] + head[3:4])):
                for bs, be in self.statement_bodies(s, e, s == stmt_off and not in_body):
                    self.body(bs, be)
                return
            if first in ("EXPLAIN", "PREPARE", "DECLARE"):
                x = _EXPLAIN.match(m)
                if x and x.end() < len(m):
                    self.unit(s + x.end(), e, False, stmt_off, fp, masked, mbase, in_body)
                return
            self.nested(s, e)
            if first in _NO_TABLES:
                return
            if first in _SCAN_ONLY or (first == "COMMENT" and head[2:3] and head[2] not in _COMMENT_PARSED):
                if self.fallback_scan:
                    self.add(scan_tables(self.sql[s:e], m, s), stmt_off, fp)
                return
        else:
            self.nested(s, e)
        text = self.sql[s:e]
        if in_body:  # SELECT ... INTO var: a variable, not a table
            for a, b in blank_into_targets(m):
                text = text[:a] + " " * (b - a) + text[b:]
                m = m[:a] + " " * (b - a) + m[b:]
        if is_expr:
            text, m, base = "SELECT " + text, "SELECT " + m, s - 7
        else:
            base = s
        self.parse(text, m, base, stmt_off, fp, quiet=is_expr)

    def statement_bodies(self, s: int, e: int, statement: bool) -> List[Tuple[int, int]]:
        """The ``$$`` bodies of ``sql[s:e]``; a whole statement's taken from the text's own
        lexing, which the statement's would repeat (a function's body is most of a migration)."""
        if not statement or self.segments is None:
            return dollar_bodies(self.sql, s, e)
        if self._segment_starts is None:
            self._segment_starts = [segment[1] for segment in self.segments]
        first = bisect.bisect_left(self._segment_starts, s)
        last = bisect.bisect_left(self._segment_starts, e, first)
        return [(a, min(b, e)) for kind, start, _, a, b in self.segments[first:last]
                if kind == "s" and self.sql[start] == "$"]

    def body(self, bs: int, be: int) -> None:
        """The statements of a DO block or function body, each one a statement. A body met
        before in the run that gave nothing (migrations redefine the same functions) is not
        read again: its parses are charged to the budget, as :func:`analyze_sql` does."""
        budget = self.budget
        key = ("body", self.sql[bs:be], self.dialect_name, self.fallback_scan, self.max_chars, self.may_find) if (
            budget is not None and be - bs <= memo.MAX_REMEMBERED_CHARS) else None
        known = memo.recall(key) if key is not None else None
        if known is not None and budget.take_many(known[1]):
            return
        refs, notices, parsed, too_long = len(self.refs), len(self.notices), self.parsed, self.too_long
        taken, skipped = (budget.statements, budget.skipped) if budget is not None else (0, 0)
        self.parsed = True
        self._body(bs, be)
        if key is not None and self.parsed and (len(self.refs), len(self.notices), self.too_long, budget.skipped) == (
                refs, notices, too_long, skipped):
            memo.remember(key, True, taken - budget.statements)  # nothing found, nothing left unparsed
        self.parsed = parsed and self.parsed

    def _body(self, bs: int, be: int) -> None:
        lexed = lex(self.sql, bs, be)
        units, body_mask = plpgsql_units(self.sql, bs, be, lexed)
        for s, e, is_expr in units:
            while s < e and self.sql[s].isspace():
                s += 1
            while e > s and self.sql[e - 1].isspace():
                e -= 1
            if s < e:
                self.unit(s, e, is_expr, s, (self.sql, s, e), body_mask, bs, True)
        for a, b in execute_literals(self.sql, bs, be, lexed[0], body_mask):
            self.executed(a, b)
        for a, b in format_literals(self.sql, bs, be, lexed[0], body_mask):
            self.executed(a, b, values=True)

    def nested(self, s: int, e: int) -> None:
        """String literals of ``sql[s:e]`` that are statements (``crosstab('SELECT ...')``)."""
        for a, b, quoted in nested_literals(self.sql, s, e):
            self.executed(a, b, quoted)

    def executed(self, a: int, b: int, quoted: bool = True, values: bool = False) -> None:
        """``EXECUTE 'SQL'`` in a body: the literal's statements, quotes undoubled in place
        (``values``: a ``format()`` string, each ``%L`` a value: ``''``, the same length)."""
        inner = undouble_quotes(self.sql[a:b]) if quoted else self.sql[a:b]
        variant = self.sql[:a] + (inner.replace("%L", "''") if values else inner) + self.sql[b:]
        sub = _Analysis(variant, self.dialect_name, self.fallback_scan, self.max_chars, self.budget, self.may_find)
        lexed = lex(variant, a, b)
        masked = mask(variant, a, b, lexed[0])
        for s, e in split_statements(variant, a, b, lexed):
            sub.unit(s, e, False, s, (variant, s, e), masked, a, True)
        self.refs.extend(sub.refs)
        self.notices.extend(sub.notices)
        self.parsed = self.parsed and sub.parsed
        self.too_long += sub.too_long

    def add(self, found: Sequence[Found], stmt_off: int, fp: Fingerprint) -> None:
        """``fp``: the statement's fingerprint, or (text, start, end) to make it from (a
        statement with no table never needs one)."""
        if found and not isinstance(fp, str):
            text, s, e = fp
            fp = fingerprint(text[s:e])
        self.refs.extend(TableRef(o, t, op, stmt_off, fp) for o, t, op in found)

    # -- parsing -------------------------------------------------------------------

    def parse(self, text: str, m: str, base: int, stmt_off: int, fp: "Fingerprint", quiet: bool = False) -> None:
        """Parse one statement with sqlglot; retry without holes; else token-scan it.

        ``quiet``: a PL/pgSQL expression (IF condition, PERFORM, assignment) often
        is not SQL sqlglot knows; scan it without a notice."""
        if self.may_find is not None and not self.may_find(m):
            return None  # no name in it can be a finding: nothing to parse
        if len(text) > self.max_chars:
            return self.fallback(text, m, base, stmt_off, fp, "%d characters, over max_statement_chars=%d"
                                 % (len(text), self.max_chars), too_long=True)
        if self.budget is not None and not self.budget.take(stmt_off):
            self.parsed = False  # the caller reports the spent budget once per file
            return self.add(scan_tables(text, m, base) if self.fallback_scan else (), stmt_off, fp)
        from boundary_lint.sql import tree_refs  # sqlglot: imported when a first statement is parsed

        try:
            dialect = tree_refs.dialect(self.dialect_name)
        except Exception as err:
            return self.fallback(text, m, base, stmt_off, fp, "unknown dialect %r: %s" % (self.dialect_name, err))
        error: Optional[Exception] = None
        scan = (lambda: scan_tables(text, m, base)) if self.fallback_scan else None
        for attempt in _attempts(text, m):
            try:
                found = tree_refs.statement_refs(dialect, attempt, m, base, scan)
            except Exception as err:
                error = error or err
                continue
            return self.add(found, stmt_off, fp)
        if quiet:
            return self.add(scan_tables(text, m, base) if self.fallback_scan else (), stmt_off, fp)
        starts = _blank_line_starts(m)
        if starts:  # statements without ";" between them (saved queries in a .sql file): one by one
            for s, e in zip([0] + starts, starts + [len(text)]):
                self.parse(text[s:e], m[s:e], base + s, base + s, fingerprint(text[s:e]))
            return None
        self.fallback(text, m, base, stmt_off, fp, _reason(error))

    def fallback(self, text: str, m: str, base: int, stmt_off: int, fp: "Fingerprint", reason: str,
                 too_long: bool = False) -> None:
        self.parsed = False
        what = ("is too long for sqlglot (%s)" if too_long else "could not be parsed by sqlglot (%s)") % reason
        if too_long:
            self.too_long += 1
        if self.fallback_scan or too_long:  # a long statement is SQL by its length, not prose: scanned
            self.add(scan_tables(text, m, base), stmt_off, fp)
            self.notices.append("statement at offset %d %s; scanned for table names instead" % (stmt_off, what))
        else:
            self.notices.append("statement at offset %d %s; no table names reported" % (stmt_off, what))


_BLANK_LINE_START = re.compile(
    r"\n[ \t]*\n\s*(?=(?:SELECT|WITH|INSERT|UPDATE|DELETE|MERGE|CREATE|ALTER|DROP|TRUNCATE|COPY|GRANT|REVOKE"
    r"|COMMENT|TABLE|VALUES)\b)", re.I)


def _blank_line_starts(masked: str) -> List[int]:
    """Offsets of statements that start a line after a blank one (comments are blank in
    the mask): where a text whose statements lack ``;`` splits. None inside parentheses."""
    starts, depth, pos = [], 0, 0
    for match in _BLANK_LINE_START.finditer(masked):
        depth += masked.count("(", pos, match.end()) - masked.count(")", pos, match.end())
        pos = match.end()
        if depth == 0:
            starts.append(pos)
    return starts


def _reason(err: Optional[Exception]) -> str:
    """The first line of a sqlglot error, without the echo of the statement. Of several
    errors, the first in the text (then by wording); which required keyword is missing is
    not named: sqlglot picks one in set order, which varies between runs, and ours must not."""
    errors = getattr(err, "errors", None)
    if errors:
        first = min(errors, key=lambda e: (e.get("line") or 0, e.get("col") or 0, str(e.get("description") or "")))
        msg = str(first.get("description") or "")
    else:
        msg = str(err)
    msg = msg.splitlines()[0] if msg else type(err).__name__
    msg = re.split(r" but got | for <class | <Token |\. Line \d+", msg)[0]
    msg = re.sub(r"Required keyword: '\w+' missing", "Required keyword missing", msg)  # which one: set order
    return msg[:120].rstrip(". ") or type(err).__name__


def _attempts(text: str, m: str):
    """The text as written; then, if it has holes outside table positions (a whole
    WHERE clause, an ORDER BY), with those holes blanked; then with the ones that
    follow WHERE / AND / ... padded as ``1=1``. Lengths never change."""
    yield text
    holes = [h for h in _HOLE.finditer(m)
             if not TABLE_KEYWORD_BEFORE.search(m, max(0, h.start() - 20), h.start())]
    if not holes:
        return
    for pad in (False, True):
        parts, pos = [], 0
        for h in holes:
            parts.append(text[pos:h.start()])
            cond = pad and _CONDITION_BEFORE.search(m, max(0, h.start() - 20), h.start())
            parts.append(("1=1" if cond else "").ljust(h.end() - h.start()))
            pos = h.end()
        parts.append(text[pos:])
        yield "".join(parts)


# -- one statement as a tree, for the codemod's planning -------------------------------

_POSITIONAL = re.compile(r"(?<![:\w%])(%s|\?)(?![\w|&])")
POSITIONAL_PREFIX = "bl_p"
"""Positional placeholders (``%s``, ``?``) become ``:bl_p0``, ``:bl_p1``... in :func:`parse_statement`."""


def parse_statement(sql: str, dialect: str = "postgres"):
    """The single statement in ``sql`` as a sqlglot tree, or None (several, none, or unparsable).

    Used by the codemod to plan a rewrite of a site the checker flagged (one
    more parse per flagged call). Positional placeholders are numbered first,
    in text order, so each keeps its place in the argument tuple whatever
    order the tree lists them in.

    >>> parse_statement("SELECT a FROM t WHERE b = %s AND c = ?").sql()
    'SELECT a FROM t WHERE b = :bl_p0 AND c = :bl_p1'
    >>> parse_statement("SELECT 1; SELECT 2") is None
    True
    """
    if not sql or not _LETTER.search(sql):
        return None
    masked = mask(sql)
    parts, pos, count = [], 0, 0
    for match in _POSITIONAL.finditer(masked):
        parts.append(sql[pos:match.start()])
        parts.append(":%s%d" % (POSITIONAL_PREFIX, count))
        count += 1
        pos = match.end()
    text = "".join(parts) + sql[pos:]
    logger = logging.getLogger("sqlglot")
    quiet = _QuietSqlglot()
    logger.addFilter(quiet)
    from boundary_lint.sql import tree_refs

    try:
        trees = [t for t in tree_refs.dialect(dialect).parse(text) if t is not None]
    except Exception:
        return None
    finally:
        logger.removeFilter(quiet)
    if len(trees) != 1 or tree_refs.is_command(trees[0]):
        return None
    return trees[0]
