"""Where SQL text opens transactions: its ``BEGIN`` (``START TRANSACTION``) ... ``COMMIT``
(``END``, ``ROLLBACK``) spans, at exact positions, for BND108."""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from boundary_lint.model import SqlSite, Transaction
from boundary_lint.sql.split import lex, mask, split_statements

_OPENS = re.compile(r"(?:BEGIN|START\s+TRANSACTION)\b(?!\s+ATOMIC)", re.I)
_CLOSES = re.compile(r"(?:COMMIT|END|ROLLBACK|ABORT)\b(?!\s+PREPARED)(?!\s+(?:WORK\s+|TRANSACTION\s+)?TO\b)", re.I)
_DEFINES = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\b", re.I)


def sql_transactions(text: str, site: SqlSite) -> Tuple[Transaction, ...]:
    """The ``BEGIN ... COMMIT`` spans of SQL text (``site`` maps its offsets to positions);
    a function or procedure created inside is left out (its body runs when called, not here).

    >>> from boundary_lint.sites.sql_files import sql_file_site
    >>> sql = "BEGIN;\\nINSERT INTO a VALUES (1);\\nCOMMIT;\\nINSERT INTO b VALUES (2);\\n"
    >>> [(t.start.line, t.end.line) for t in sql_transactions(sql, sql_file_site(sql))]
    [(1, 3)]
    """
    found, still_open = piece_transactions(text, site)
    return found + ((still_open,) if still_open is not None else ())  # never committed: open to the end


def piece_transactions(text: str, site: SqlSite, carried: Optional[Transaction] = None
                       ) -> Tuple[Tuple[Transaction, ...], Optional[Transaction]]:
    """The transactions closed in one piece of a file read in pieces, and the one still open at
    its end (``carried``: the one open when the piece starts, its spans so far)."""
    lexed = lex(text)  # once, for the mask and the statements
    masked = mask(text, 0, len(text), lexed[0])
    found: List[Transaction] = []
    pieces: Optional[List[Tuple[int, int]]] = [] if carried is not None else None  # as offsets
    piece = 0
    for start, end in split_statements(text, 0, len(text), lexed):
        head = masked[start:end].lstrip()
        offset = end - len(head) if head else start
        if pieces is None:
            if _OPENS.match(head):
                pieces, piece = [], offset
        elif _CLOSES.match(head):
            found.append(_sql_transaction(site, pieces + [(piece, end)], carried))
            pieces, carried = None, None
        elif _DEFINES.match(head):
            pieces.append((piece, offset))
            piece = end
    still_open = _sql_transaction(site, pieces + [(piece, len(text))], carried) if pieces is not None else None
    return tuple(found), still_open


def _sql_transaction(site: SqlSite, pieces: List[Tuple[int, int]], carried: Optional[Transaction] = None
                     ) -> Transaction:
    spans = tuple((site.position_at(a), site.position_at(max(a, b - 1))) for a, b in pieces if b > a)
    if carried is not None:
        return Transaction(carried.spans + spans, carried.line, "sql")
    return Transaction(spans, spans[0][0].line, "sql")
