"""Token scan for table names, for SQL that sqlglot cannot read (or reads as an
opaque Command): names after FROM / JOIN / INTO / UPDATE / REFERENCES / TABLE /
TRUNCATE and a few more keywords, with the operation the keyword implies.

It works on *masked* text (see ``sql.split.mask``) so names inside string
literals and comments are never seen. It is a heuristic: the parse is the
authority whenever there is one.

>>> from boundary_lint.sql.split import mask
>>> sql = "SELEC a FROM public.strategy s JOIN \\"Kite\\".acc USING (id)"
>>> [(o, t.qualified(), op.label) for o, t, op in scan_tables(sql, mask(sql))]
[(13, 'public.strategy', 'read'), (36, 'Kite.acc', 'read')]
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from boundary_lint.model import HOLE_PREFIX, TEMPORARY_SCHEMA, Operation, TableName
from boundary_lint.sql.split import NAME_REST, NAME_START

Found = Tuple[int, TableName, Operation]
"""A table found in SQL text: (offset into the caller's text, table, operation)."""

_TOKEN = re.compile(
    r'"(?:[^"]|"")*"?|`[^`]*`?|' + NAME_START + NAME_REST + r"|\$\d+|%\(\w+\)s|%s"
    r"|::|:[A-Za-z_]\w*|\?|\S"
)
_PLACEHOLDER = re.compile(r"\$\d+|%\(\w+\)s|%s|:[A-Za-z_]\w*|\?")
_DROP_CONSTRAINT_ONLY = re.compile(
    r"^\s*ALTER\s+TABLE\b(?:(?!\b(?:ADD|REFERENCES|ALTER|RENAME|SET|OWNER)\b).)*"
    r"\bDROP\s+CONSTRAINT\b(?:(?!\b(?:ADD|REFERENCES|ALTER|RENAME|SET|OWNER)\b).)*$",
    re.I | re.S,
)

# Words that are never a table name where the scan looks for one.
_RESERVED = frozenset("""
    ALL AND ARRAY AS ASC BETWEEN BY CASCADE CASE COLUMN CONCURRENTLY CONSTRAINT CROSS
    DATABASE DEFAULT DELETE DESC DISTINCT DOMAIN ELSE END EXCEPT EXISTS FALSE FETCH FOR
    FOREIGN FROM FULL FUNCTION GROUP HAVING IF IN INDEX INNER INSERT INTERSECT INTO IS
    JOIN LANGUAGE LATERAL LEFT LIKE LIMIT MATERIALIZED NATURAL NOT NOWAIT NULL OF OFFSET
    ON ONLY OR ORDER OUTER PROCEDURE PROGRAM RESTRICT RETURNING RIGHT ROUTINE SCHEMA
    SELECT SEQUENCE SET SKIP STDIN STDOUT TABLE TABLES TEMP TEMPORARY THEN TO TRUE TYPE
    UNION UNLOGGED UPDATE USING VALUES VIEW WHEN WHERE WINDOW WITH
""".split())
_FIRST_DDL = frozenset("CREATE ALTER DROP COMMENT GRANT REVOKE".split())
_NOT_AN_UPDATE = frozenset("DO FOR ON BEFORE AFTER OR KEY , OF".split())
_ON_TABLE_OBJECTS = frozenset("INDEX TRIGGER POLICY RULE".split())
_NOT_TABLE_KINDS = frozenset("""ACCESS AGGREGATE CAST COLLATION CONVERSION EVENT EXTENSION LARGE
    OPERATOR PARAMETER POLICY PUBLICATION ROLE RULE SERVER STATISTICS SUBSCRIPTION TABLESPACE
    TEXT TRANSFORM TRIGGER""".split())
"""Object kinds after ``ON`` (GRANT, REVOKE, COMMENT) that are not tables."""

Token = Tuple[int, str]


def _part(tok: str) -> Tuple[str, bool]:
    """(text, dynamic) of one name part, case-folded unless quoted."""
    if tok[0] in "\"`":
        text = tok[1:-1] if len(tok) > 1 and tok[-1] == tok[0] else tok[1:]
        text = text.replace(tok[0] * 2, tok[0])
        return text, HOLE_PREFIX in text.lower()
    if _PLACEHOLDER.fullmatch(tok):
        return tok, True
    low = tok.lower()
    return low, HOLE_PREFIX in low


def _is_part(tok: str) -> bool:
    if tok[0] in "\"`" or _PLACEHOLDER.fullmatch(tok):
        return True
    return (tok[0].isalpha() or tok[0] == "_") and tok.upper() not in _RESERVED


def read_name(toks: List[Token], j: int, drop_last: bool = False) -> Tuple[Optional[Tuple[int, TableName]], int]:
    """Parse ``part(.part){0,3}`` at token ``j``: ((offset, TableName) or None, next index)."""
    if j >= len(toks) or not _is_part(toks[j][1]):
        return None, j
    parts = [toks[j]]
    j += 1
    while j + 1 < len(toks) and toks[j][1] == "." and _is_part(toks[j + 1][1]):
        parts.append(toks[j + 1])
        j += 2
    if j < len(toks) and toks[j][1][0] == ":" and toks[j][1] != "::":
        return None, j  # N1QL's system:keyspaces, not a table
    if drop_last:  # COMMENT ON COLUMN s.t.c names table s.t
        parts = parts[:-1]
        if not parts:
            return None, j
    name, name_dyn = _part(parts[-1][1])
    schema, schema_dyn = _part(parts[-2][1]) if len(parts) > 1 else (None, False)
    return (parts[0][0], TableName(schema, name, schema_dyn, name_dyn)), j


def _op_for(toks: List[Token], i: int, up: str, first: str, prev: str,
            parens: List[bool], head: List[str]) -> Optional[Operation]:
    """The operation a keyword at token ``i`` gives the name after it, if any.

    ``parens`` says, per enclosing parenthesis, whether it opens a query.
    """
    if up == "FROM":
        if parens and not parens[-1]:
            return None  # EXTRACT(x FROM y), substring(s FROM 2), ...
        if prev == "DISTINCT" or first in ("GRANT", "REVOKE") or (first == "COPY" and not parens):
            return None
        return Operation.WRITE if prev == "DELETE" else Operation.READ
    if up == "JOIN":
        return Operation.READ
    if up == "INTO":
        return Operation.WRITE
    if up == "UPDATE":
        if prev in _NOT_AN_UPDATE or first in ("GRANT", "REVOKE", "CREATE"):
            return None
        return Operation.WRITE
    if up == "REFERENCES":
        return None if first in ("GRANT", "REVOKE") else Operation.FK
    if up in ("TRUNCATE", "LOCK"):  # with TABLE after it, TABLE takes the names
        if up == "LOCK" and i:
            return None
        return None if i + 1 < len(toks) and toks[i + 1][1].upper() == "TABLE" else Operation.WRITE
    if up == "TABLE":
        if i == 0:
            return Operation.READ  # TABLE t  ==  SELECT * FROM t
        if first in _FIRST_DDL:
            return Operation.DDL
        return Operation.WRITE if first in ("TRUNCATE", "LOCK") else None
    if up == "VIEW":
        if first in _FIRST_DDL:
            return Operation.DDL
        return Operation.READ if first == "REFRESH" else None
    if up == "USING" and first in ("MERGE", "DELETE", "WITH"):
        return Operation.READ
    if up == "ON" and (first in ("GRANT", "REVOKE", "COMMENT")
                       or (first in _FIRST_DDL and _ON_TABLE_OBJECTS.intersection(head))):
        return None if _names_no_table(toks, i, first, head) else Operation.DDL
    if up == "COLUMN" and first == "COMMENT":
        return Operation.DDL
    if up == "COPY" and i == 0:
        depth = 0
        for _, t in toks[i + 1:]:
            depth += (t == "(") - (t == ")")
            if depth == 0 and t.upper() in ("FROM", "TO"):
                return Operation.WRITE if t.upper() == "FROM" else Operation.READ
    return None


def _names_no_table(toks: List[Token], i: int, first: str, head: List[str]) -> bool:
    """``ON`` that does not name a table: ``COMMENT ON kind`` (the kind keyword, TABLE or
    COLUMN, takes the name), an event trigger's event, ``ON EXTENSION``/``TABLESPACE``/..."""
    if first == "COMMENT" and i == 1:
        return True
    if "EVENT" in head[:3]:
        return True
    return i + 1 < len(toks) and toks[i + 1][1].upper() in _NOT_TABLE_KINDS


_MODIFIERS = frozenset("ONLY TEMP TEMPORARY UNLOGGED MATERIALIZED CONCURRENTLY".split())
_LISTS = frozenset("FROM TRUNCATE TABLE LOCK ON VIEW".split())


def scan_tables(text: str, masked: str, base: int = 0) -> List[Found]:
    """Table names in ``text`` (``masked`` is its masked copy, same length), offsets + ``base``."""
    if _DROP_CONSTRAINT_ONLY.match(masked):
        return []  # dropping a foreign key is the fix, never a finding
    toks: List[Token] = [(m.start(), m.group()) for m in _TOKEN.finditer(masked)]
    ups = [t.upper() for _, t in toks]
    found = _scan(toks, ups)
    ctes = _cte_names(toks, ups) if "WITH" in ups else ()
    return [(o + base, t, op) for o, t, op in found if not (t.schema is None and t.name in ctes)]


def _cte_names(toks: List[Token], ups: List[str]) -> frozenset:
    """Names defined by ``WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (`` and
    the ``, name AS (`` after them: a CTE, not a table, wherever the scan meets it."""
    names = []
    for i, up in enumerate(ups):
        if up != "AS" or i < 2:
            continue
        j = i + 1
        while j < len(ups) and ups[j] in ("NOT", "MATERIALIZED"):
            j += 1
        if j >= len(ups) or ups[j] != "(":
            continue
        k = i - 1
        if ups[k] == ")":  # name (col, ...) AS (
            depth = 0
            while k >= 0:
                depth += (ups[k] == ")") - (ups[k] == "(")
                if depth == 0:
                    break
                k -= 1
            k -= 1
        if k >= 1 and _is_part(toks[k][1]) and ups[k - 1] in ("WITH", "RECURSIVE", ","):
            names.append(_part(toks[k][1])[0])
    return frozenset(names)


def _scan(toks: List[Token], ups: List[str]) -> List[Tuple[int, TableName, Operation]]:
    """Table names at the keywords that introduce them, offsets into the text."""
    head = ups[:6]
    first = ups[0] if ups else ""
    found: List[Tuple[int, TableName, Operation]] = []
    parens: List[bool] = []  # one per open "(": True if it opens a query
    for i, up in enumerate(ups):
        if up == "(":
            parens.append(i + 1 < len(ups) and ups[i + 1] in ("SELECT", "WITH", "VALUES"))
            continue
        if up == ")":
            if parens:
                parens.pop()
            continue
        if up not in _KEYWORDS:
            continue
        op = _op_for(toks, i, up, first, ups[i - 1] if i else "", parens, head)
        if op is None:
            continue
        j = i + 1
        while j < len(ups) and ups[j] in _MODIFIERS:
            j += 1
        temporary = _creates_temporary(ups[max(0, i - 2):j], up, first)
        if j + 1 < len(ups) and ups[j] == "IF":
            j += 3 if ups[j + 1] == "NOT" else 2
        while True:
            ref, j = read_name(toks, j, drop_last=(up == "COLUMN"))
            if ref is None:
                break
            if op == Operation.READ and j < len(ups) and ups[j] == "(" and up != "VIEW":
                j = _skip_parens(ups, j)  # FROM f(...) is a function call, not a table
            elif temporary and ref[1].schema is None:
                found.append((ref[0], TableName(TEMPORARY_SCHEMA, ref[1].name, False, ref[1].name_is_dynamic), op))
            else:
                found.append((ref[0], ref[1], op))
            if up not in _LISTS:
                break
            # skip "*", "[AS] alias [(cols)]", continue after a comma
            if j < len(ups) and ups[j] == "*":
                j += 1
            if j < len(ups) and ups[j] == "AS":
                j += 1
            if j < len(ups) and _is_part(toks[j][1]) and not _PLACEHOLDER.fullmatch(toks[j][1]):
                j += 1
                if j < len(ups) and ups[j] == "(":
                    j = _skip_parens(ups, j)
            if j < len(ups) and ups[j] == ",":
                j += 1
            else:
                break
    return found


def _creates_temporary(around: List[str], up: str, first: str) -> bool:
    """``CREATE [GLOBAL] TEMP TABLE t`` or ``SELECT ... INTO TEMP t``: ``t`` is the session's own."""
    if not ((up == "TABLE" and first == "CREATE") or (up == "INTO" and first in ("SELECT", "WITH"))):
        return False
    return "TEMP" in around or "TEMPORARY" in around


def _skip_parens(ups: List[str], j: int) -> int:
    """Index just past the parenthesis group opening at ``j``."""
    depth = 0
    for k in range(j, len(ups)):
        depth += (ups[k] == "(") - (ups[k] == ")")
        if depth == 0:
            return k + 1
    return len(ups)


_KEYWORDS = frozenset("""FROM JOIN INTO UPDATE REFERENCES TRUNCATE TABLE VIEW LOCK USING ON
    COLUMN COPY""".split())
