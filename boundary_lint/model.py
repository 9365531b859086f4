"""The values that flow through the pipeline: sites -> table references -> findings.

All are frozen dataclasses that sort and compare, so every output is
deterministic and easy to snapshot.
"""

from __future__ import annotations

import bisect
import enum
import hashlib
import re
from dataclasses import field
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

from boundary_lint.value_classes import value_class

_WHITESPACE = re.compile(r"\s+")


def fingerprint(text: str) -> str:
    r"""A statement's or construct's stable short hash, whitespace collapsed and lower-cased:
    what baseline entries and SARIF results are keyed by (never a line number).

    >>> fingerprint("SELECT *\n  FROM Public.Strategy") == fingerprint("select * from public.strategy")
    True
    """
    text = _WHITESPACE.sub(" ", text).strip().lower()
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class Operation(enum.IntEnum):
    """What a statement does to a table; the value orders strength (ddl strongest)."""

    READ = 1
    FK = 2
    WRITE = 3
    DDL = 4

    @property
    def label(self) -> str:
        return self.name.lower()


COVERAGE_KEYS = ("sql_sites", "parsed", "token_scanned", "dynamic", "orm_references", "not_read")
"""How much database access a check judged: SQL sites read, of them parsed by sqlglot or
token-scanned, of them with a table name built at run time; ORM and migration references;
files of a host language (Go, TypeScript...) found but not read, their parser missing."""


@value_class(order=True)
class Position:
    """A 1-based line and a 1-based *character* column in a source file."""

    line: int
    column: int


@value_class
class SqlSite:
    """SQL text found in a source file, with the file position of every character.

    Python strings carry ``positions``: ``positions[i]`` is where ``text[i]``
    stands in the file (escapes and implicit concatenation make that
    irregular). Characters from a run-time value (an f-string hole) are
    replaced in ``text`` by a synthetic identifier (see ``HOLE_PREFIX``) and
    map to the hole's position. A whole ``.sql`` file carries ``line_starts``
    instead (the offset of each line), which is far smaller.
    """

    text: str
    positions: Tuple[Position, ...] = ()
    from_sink: bool = True  # passed to a known SQL sink, or a whole .sql file
    line_starts: Tuple[int, ...] = ()
    first_line: int = 1  # a piece of a large .sql file read in pieces: where it starts
    first_column: int = 1

    @property
    def start(self) -> Position:
        return self.position_at(0)

    def position_at(self, offset: int) -> Position:
        if self.line_starts:
            index = bisect.bisect_right(self.line_starts, offset) - 1
            column = offset - self.line_starts[index] + (self.first_column if index == 0 else 1)
            return Position(index + self.first_line, column)
        if not self.positions:
            return Position(1, 1)
        return self.positions[max(0, min(offset, len(self.positions) - 1))]


HOLE_PREFIX = "bl_hole_"
"""Identifier substituted for a run-time value inside SQL text (``bl_hole_0``...)."""

TEMPORARY_SCHEMA = "pg_temp"
"""Where a temporary table lives (PostgreSQL's name; a system schema, so no service's)."""


@value_class(order=True)
class TableName:
    """A table name as written: parts lower-cased unless quoted."""

    schema: Optional[str]
    name: str
    schema_is_dynamic: bool = False
    name_is_dynamic: bool = False

    @property
    def is_dynamic(self) -> bool:
        return self.schema_is_dynamic or self.name_is_dynamic

    def qualified(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


@value_class(order=True)
class TableRef:
    """One table a statement touches, before the registry has a say.

    ``offset`` is the character offset of the (qualified) name in the SQL
    text; ``statement_offset`` that of the statement it belongs to.
    """

    offset: int
    table: TableName
    operation: Operation
    statement_offset: int = 0
    statement_fingerprint: str = ""


@value_class(order=True)
class Reference:
    """A table reference located in a file: what the rules decide on.

    ``statement`` identifies the statement (for one finding per table per
    statement); ``mapping`` marks an ORM mapping (BND106) rather than SQL.
    """

    position: Position
    table: TableName
    operation: Operation
    statement: Tuple[int, int] = (0, 0)
    statement_line: int = 0
    fingerprint: str = ""
    mapping: bool = False
    source: Optional[TableName] = None  # a foreign key's own table, when known (ORM relation fields)
    orm: str = ""  # the framework of an ORM operation (``Invoice.objects.filter``): "django", "sqlalchemy"...


@value_class(order=True)
class Finding:
    """A boundary crossing, located in a file; what every reporter prints."""

    path: str
    line: int
    column: int
    code: str
    table: str
    service: str = ""
    owner: str = ""
    operation: str = ""
    message: str = field(default="", compare=False)
    statement_line: int = field(default=0, compare=False)
    fingerprint: str = field(default="", compare=False)
    via: str = field(default="", compare=False)  # "orm" for an ORM operation (not SQL, not a mapping)
    owners: Tuple[str, ...] = field(default=(), compare=False)  # BND107: every owner, in text order
    note: str = field(default="", compare=False)  # why a suppressed finding is back (an exception expired)

    def as_json(self) -> dict:
        document = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "service": self.service,
            "table": self.table,
            "owner": self.owner,
            "operation": self.operation,
            "message": self.message,
        }
        if self.via:
            document["via"] = self.via
        if self.owners:
            document["owners"] = list(self.owners)
        if self.note:
            document["note"] = self.note
        return document


@value_class(order=True)
class SuppressedFinding:
    """A finding a comment in the source suppressed, kept for ``--show-suppressed``.

    ``kind`` is ``"noqa"`` (``# noqa``), ``"allow"`` (``# boundary: allow``) or
    ``"baseline"`` (a baseline entry with a ticket or an end date); ``reason`` is
    the text after ``--`` in an allow comment ("" when none), without the ticket
    and ``until`` date, which are ``ticket`` and ``until`` (ISO, "" when none).
    """

    finding: Finding
    reason: str = ""
    comment_line: int = 0
    kind: str = "noqa"
    ticket: str = ""
    until: str = ""

    def as_json(self) -> dict:
        return dict(self.finding.as_json(), reason=self.reason, comment_line=self.comment_line, kind=self.kind,
                    ticket=self.ticket or None, until=self.until or None)


@value_class(order=True)
class UnusedSuppression:
    """A suppression comment that suppressed nothing this run: the finding is gone (or never was).

    ``codes`` are the codes of ours it names that matched no finding (``("",)`` for an
    allow comment naming none).
    """

    path: str
    line: int
    codes: Tuple[str, ...]
    kind: str = "allow"
    ticket: str = ""
    until: str = ""

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "codes": list(self.codes), "kind": self.kind,
                "ticket": self.ticket or None, "until": self.until or None}


@value_class(order=True)
class Problem:
    """Input the checker could not fully read (bad Python, unparsable SQL...)."""

    path: str
    line: int
    message: str
    fatal: bool = True  # the file (or a site) could not be vouched for: exit 1
    usage: bool = False  # a mistake of the user's (an unknown code in a comment): exit 2
    kind: str = ""  # "unused-suppression" for a comment that suppressed nothing


UNUSED = "unused-suppression"  # Problem.kind of a comment that suppressed nothing


@value_class(frozen=False)
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

    orm_unresolved: int = 0  # ORM uses whose model could not be known (coverage, never guessed)
    coverage: Dict[str, int] = field(default_factory=dict)  # checker.COVERAGE_KEYS, summed over the files
    coverage_by_service: Dict[str, Dict[str, int]] = field(default_factory=dict)
    coverage_by_file: Dict[str, Dict[str, int]] = field(default_factory=dict)  # kept with --statistics only

    @property
    def files_with_findings(self) -> int:
        return len({f.path for f in self.findings})

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.fatal]

    @property
    def warnings(self) -> List[Problem]:
        return [p for p in self.problems if not p.fatal]

    def by_code(self) -> Dict[str, int]:
        return dict(sorted(Counter(f.code for f in self.findings).items()))


TextSpan = Tuple[Position, Position]


@value_class(order=True)
class Transaction:
    """What runs as one transaction: the ``spans`` of text it runs (its block first, then the
    module-level constants the block names: ``INSERT_SQL = "..."`` used inside it), opened at
    ``line`` (the ``with``, the decorated function, the ``commit()``, the ``BEGIN``); ``kind``
    says how (``block``, ``decorator``, ``commit``, ``migration``, ``sql``)."""

    spans: Tuple[TextSpan, ...]
    line: int
    kind: str

    @property
    def start(self) -> Position:
        return self.spans[0][0]

    @property
    def end(self) -> Position:
        return self.spans[0][1]

    def holds(self, position: Position) -> bool:
        return any(start <= position <= end for start, end in self.spans)

    def within(self, other: "Transaction") -> bool:
        """Opened inside ``other`` (a savepoint, a block in a function that commits): part of it."""
        return other != self and any(start <= self.start and self.end <= end for start, end in other.spans)


def outermost(transactions: Sequence[Transaction], position: Position) -> List[Transaction]:
    """The transactions holding ``position`` that no other one holding it encloses (a constant
    two functions use belongs to both).

    >>> a = Transaction(((Position(1, 0), Position(9, 99)),), 1, "block")
    >>> b = Transaction(((Position(3, 0), Position(4, 99)),), 3, "block")
    >>> outermost([b, a], Position(3, 5)) == [a], outermost([b, a], Position(12, 1))
    (True, [])
    """
    holding = [t for t in transactions if t.holds(position)]
    return [t for t in holding if not any(t.within(other) for other in holding)]


@value_class(frozen=False)
class FileResult:
    """What checking one file gave; ``checked`` is False for files of no service."""

    path: str
    service: Optional[str] = None
    findings: List[Finding] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    checked: bool = True
    suppressed: List[SuppressedFinding] = field(default_factory=list)  # by a noqa/allow comment
    orm_unresolved: int = 0  # ORM uses whose model could not be known (coverage)
    coverage: Dict[str, int] = field(default_factory=dict)  # what was read and judged (``COVERAGE_KEYS``)
    unused: List[UnusedSuppression] = field(default_factory=list)  # comments that suppressed nothing


def new_stats() -> Dict[str, int]:
    return dict.fromkeys(COVERAGE_KEYS + ("orm_unresolved",), 0)


def coverage_of(stats: Dict[str, int]) -> Dict[str, int]:
    return {key: stats[key] for key in COVERAGE_KEYS if stats.get(key)}


INTERNAL_ERROR = "internal error"
"""Starts the message of a Problem standing for an exception of ours (never expected)."""


def internal_error(path: str, service: Optional[str], exc: BaseException) -> FileResult:
    """A file the checker failed on: reported like unreadable input, and the run goes on."""
    message = (f"{INTERNAL_ERROR} ({type(exc).__name__}: {str(exc)[:200]}); please report it "
               "with this file; exclude the file meanwhile")
    return FileResult(path, service, problems=[Problem(path, 1, message)])
