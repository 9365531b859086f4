"""A ``.sql`` file too large to hold at once (a dump, a squashed migration), read in pieces.

Each piece ends after a ``;`` that closes a statement (outside strings, comments,
dollar-quoted bodies and ``COPY ... FROM stdin`` data), at a line's end where there is
one, so every statement is analysed whole, as it would be in one piece; only a
piece's text and the findings so far are held. Reading stops, with a warning naming
the line, past ``MAX_SQL_BYTES`` or at a statement longer than ``MAX_STATEMENT_CHARS``
(whose text up to there is still scanned).
"""

from __future__ import annotations

import codecs
import os
from dataclasses import field, replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple, Union

from boundary_lint.adapters.cache import stat_stamp
from boundary_lint.value_classes import value_class
from boundary_lint import suppress as noqa
from boundary_lint.model import Problem
from boundary_lint.model import FileResult, coverage_of, internal_error, new_stats
from boundary_lint.pipeline import unique_findings
from boundary_lint.sql.site_refs import site_references
from boundary_lint.suppress import apply_suppressions, may_suppress
from boundary_lint.rules import findings_for
from boundary_lint.sql.refs import SqlBudget
from boundary_lint.sql.transactions import piece_transactions
from boundary_lint.sites.sql_files import COPY_FROM_STDIN, blank_copy_data, blank_meta_commands, sql_file_site
from boundary_lint.sql.split import lex

BLOCK_BYTES = 1 << 20  # read a MB at a time; a piece is cut from what was read
MAX_SQL_BYTES = 50_000_000
MAX_STATEMENT_CHARS = 4_000_000


@value_class
class Piece:
    """Whole statements of a file; where the first character stands in it."""

    text: str
    first_line: int
    first_column: int


def last_cut(text: str) -> int:
    """Offset just after the last statement-ending ``;`` of ``text`` (and the line break after
    it, preferably), or 0 where no statement ends.

    >>> text = "SELECT 1;\\nSELECT ';'; SELECT 2;\\nCOPY t FROM stdin;\\n1;2\\n"
    >>> text[:last_cut(text)]
    "SELECT 1;\\nSELECT ';'; SELECT 2;\\n"
    """
    blanked = blank_meta_commands(blank_copy_data(text))
    _, semicolons = lex(blanked, keep_segments=False)
    copies = {m.start() + m.group().rindex(";") for m in COPY_FROM_STDIN.finditer(text)}
    inline = 0
    for at in reversed(semicolons):
        if text[at] != ";" or at in copies:
            continue  # the line break after \copy (blanked to ";"), or data follows: no cut
        if text.startswith("\n", at + 1):
            return at + 2
        if not inline and not text[at + 1:].lstrip(" \t").startswith("\\"):
            inline = at + 1  # mid-line; never just before a psql meta-command
    return inline


Item = Union[Piece, Problem]


@value_class
class Cuts:
    """Where an earlier pass cut a file, and the file it cut (size, mtime in ns): a file
    changed since is lexed again, as cutting it there could split a statement."""

    stamp: Tuple[int, int]
    lengths: Tuple[int, ...]


def file_stamp(path: Path) -> Tuple[int, int]:
    """What tells a later pass that the file is the one an earlier pass cut (the results
    cache's stamp: size and mtime)."""
    return tuple(stat_stamp(os.stat(path)))


def pieces(path: Path, block: int = BLOCK_BYTES, max_bytes: int = MAX_SQL_BYTES,
           max_statement: int = MAX_STATEMENT_CHARS, cuts: Optional[Cuts] = None) -> Iterator[Item]:
    """The file's pieces; a Problem where reading stopped (``fatal``: nothing can be trusted).

    ``cuts``: those of an earlier pass (same limits): the file, if unchanged, is cut there
    again, without lexing it to find the cuts, and read no further than they go."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    buffer, line, column, consumed, first, size, hold = "", 1, 1, 0, True, block, ""
    with open(path, "rb") as handle:
        unchanged = cuts is not None and cuts.stamp == tuple(stat_stamp(os.fstat(handle.fileno())))
        known = list(reversed(cuts.lengths)) if unchanged else None  # pop() gives the next
        if known == []:
            return  # the earlier pass gave no piece
        while True:
            data = handle.read(size)
            if b"\0" in data:
                yield Problem(str(path), 1, "skipped: binary content (NUL bytes); exclude it")
                return
            try:
                text = decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                where = line + buffer.count("\n") + data.count(b"\n", 0, exc.start)
                yield Problem(str(path), where, f"cannot decode as utf-8 ({exc}); save it as UTF-8")
                return
            if first and text.startswith("\ufeff"):
                text = text[1:]
            first = False
            consumed += len(data)
            fresh = hold + text  # only what was just read is normalized: text read before never changes,
            hold = "\r" if data and fresh.endswith("\r") else ""  # as one replace over the file ("\r\r\n" once)
            buffer += (fresh[:-1] if hold else fresh).replace("\r\n", "\n")  # a held "\r": its "\n" may come next
            stop = ""
            if not data:
                cut = len(buffer)
            else:
                cut = last_cut(buffer) if known is None else (known[-1] if known and len(buffer) >= known[-1] else 0)
                # a long statement: read on, twice as much each time (no n^2 lexing), to max_statement
                size = block if cut else max(block, min(size * 2, max_statement - len(buffer)))
                if not cut and len(buffer) >= max_statement:
                    cut = max_statement
                    stop = f"the statement from line {line} is longer than {cut:,} characters (read up to here)"
                elif consumed >= max_bytes:
                    cut, stop = cut or len(buffer), f"the file is larger than {max_bytes / 1e6:g} MB"
            if cut and known is not None:
                known.pop()
            if cut:
                piece = buffer[:cut]
                yield Piece(piece, line, column)
                breaks = piece.count("\n")
                line += breaks
                column = len(piece) - piece.rfind("\n") if breaks else column + len(piece)
                buffer = buffer[cut:]
            if known is not None and not known:
                return  # the earlier pass stopped here
            if stop:
                yield Problem(str(path), line, f"stopped reading here: {stop}; what comes before this line "
                              "was checked; split the file or exclude it", fatal=False)
                return
            if not data:
                return


def check_sql_stream(path: Path, display: str, registry, service: str, prove: bool = True, **limits):
    """Check a large ``.sql`` file piece by piece (``limits``: those of :func:`pieces`).

    As for a file read at once (:func:`boundary_lint.pipeline.references_and_transactions`), its
    transactions (BND108) are looked for only when it writes another owner's table (a second
    pass that splits, never parses: a ``BEGIN ... COMMIT`` may span pieces), and only a file
    that opens one is read a third time with the statements that may write parsed too, since
    those the proof skipped may hold the service's own writes.
    """
    from boundary_lint.pipeline import statement_proof
    from boundary_lint.rules.transactions import may_cross, writes_elsewhere

    try:
        read = _read_pieces(path, display, registry, service, statement_proof(registry, service, prove), **limits)
        if isinstance(read, FileResult):
            return read
        transactions = []
        if writes_elsewhere(read.refs, registry, service):
            transactions = read.transactions if read.may_find is None else stream_transactions(
                path, Cuts(read.stamp, tuple(read.lengths)), **limits)
        if transactions and read.may_find is not None:  # the service's own writes, which the proof skipped
            read = _read_pieces(path, display, registry, service,
                                statement_proof(registry, service, prove, writes=True), **limits)
        transactions = transactions if may_cross(read.refs, registry, service) else ()
        findings = findings_for(read.refs, registry, service, display, transactions)
        suppressed, unused, problems = [], [], read.problems
        if findings or read.comments:
            findings, suppressed, unused, more = apply_suppressions(display, findings, read.comments)
            problems = problems + more
    except Exception as exc:  # a bug of ours must not stop the run
        return internal_error(display, service, exc)
    return FileResult(display, service, unique_findings(findings), problems, suppressed=sorted(set(suppressed)),
                      unused=unused, coverage=coverage_of(_one_site(read.stats, read.analysed)))


@value_class(frozen=False)
class _Read:
    """What one pass over a file's pieces gathered."""

    may_find: Optional[Callable]
    refs: List = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    comments: Dict[int, Tuple] = field(default_factory=dict)
    transactions: List = field(default_factory=list)
    stats: Dict[str, int] = field(default_factory=new_stats)
    analysed: int = 0
    lengths: List[int] = field(default_factory=list)  # of the pieces, for a later pass to cut alike
    stamp: Tuple[int, int] = (0, 0)  # of the file before it was read (see Cuts)


def _read_pieces(path: Path, display: str, registry, service: str, may_find, **limits):
    """One pass: references, problems, suppression comments and transactions of every piece;
    a fatal problem (the file cannot be read) as the file's result."""
    read, budget, open_transaction = _Read(may_find, stamp=file_stamp(path)), SqlBudget(), None
    for number, item in enumerate(pieces(path, **limits)):
        if isinstance(item, Problem):
            if item.fatal:
                return FileResult(display, service, problems=[replace(item, path=display)])
            read.problems.append(replace(item, path=display))
            continue
        read.lengths.append(len(item.text))
        site = sql_file_site(item.text, item.first_line, item.first_column)
        found, more = site_references([site], registry.settings.dialect, display, read.stats, may_find, budget)
        read.refs.extend(replace(ref, statement=(number, ref.statement[1])) for ref in found)
        read.problems.extend(more)
        read.analysed += 1
        if may_find is None:
            closed, open_transaction = piece_transactions(item.text, site, open_transaction)
            read.transactions.extend(closed)
        if may_suppress(item.text) or "noqa" in item.text.lower():  # the comments text_suppressions reads
            for line, found_here in noqa.text_suppressions(item.text.splitlines(), item.first_line).items():
                read.comments[line] = read.comments.get(line, ()) + found_here
    if open_transaction is not None:  # never committed in the file: open to its end
        read.transactions.append(open_transaction)
    return read


def stream_transactions(path: Path, cuts: Optional[Cuts] = None, **limits) -> List:
    """The ``BEGIN ... COMMIT`` spans of a file read in pieces, nothing else read from them
    (``cuts``: those of the pass before, see :func:`pieces`)."""
    found, open_transaction = [], None
    for item in pieces(path, cuts=cuts, **limits):
        if isinstance(item, Piece):
            site = sql_file_site(item.text, item.first_line, item.first_column)
            closed, open_transaction = piece_transactions(item.text, site, open_transaction)
            found.extend(closed)
    return found + ([open_transaction] if open_transaction is not None else [])


def _one_site(stats: Dict[str, int], pieces_read: int) -> Dict[str, int]:
    """The coverage of a file read in pieces as of one site, as if read at once."""
    if not stats.get("sql_sites"):
        return stats
    whole = dict(stats, sql_sites=1, parsed=0, token_scanned=0, dynamic=min(1, stats["dynamic"]))
    whole["parsed" if stats["parsed"] == stats["sql_sites"] else "token_scanned"] = 1
    return whole
