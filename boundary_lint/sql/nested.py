"""SQL inside SQL strings (issue 21, cause 9): string literals of a statement that are
statements themselves, run by the function they are passed to.

``crosstab('SELECT ... FROM t')``, ``EXECUTE format('DELETE FROM t WHERE k = %L', k)``,
pgTAP's ``results_eq($q$SELECT ... FROM t$q$, ...)``, ``cron.schedule('n', '...', $$DELETE
FROM t$$)``: the literal's text, when it is clearly a statement (see
:mod:`boundary_lint.sql.clear_statement`), is analysed like ``EXECUTE 'constant SQL'`` in a
PL/pgSQL body. A function or DO body (``$$ BEGIN ... END $$``) is not a statement and
is read as a body elsewhere.

>>> sql = "SELECT * FROM crosstab('SELECT a, b, count(*) FROM o.t GROUP BY 1, 2') AS ct(a int)"
>>> [sql[s:e][:20] for s, e, _ in nested_literals(sql, 0, len(sql))]
['SELECT a, b, count(*']
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from boundary_lint.sql.clear_statement import is_clear_statement
from boundary_lint.sql.split import Segment, lex, mask, undouble_quotes

_MAY_NEST = re.compile(r"(?:'|\$\w*\$)\s*(?:SELECT|WITH|INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY|CREATE|ALTER)\b",
                       re.IGNORECASE)
_EXECUTE_LITERAL = re.compile(r"\s*EXECUTE\s*'", re.IGNORECASE)
_IDENTIFIER_FIELD = re.compile(r"%(?:\d+\$)?-?\d*[Is]")
_EXECUTE_FORMAT = re.compile(r"\bEXECUTE\s+format\s*\(", re.IGNORECASE)


def nested_literals(sql: str, start: int, end: int) -> List[Tuple[int, int, bool]]:
    """``(inner start, inner end, single-quoted)`` of each literal in ``sql[start:end]`` that
    is clearly a statement and an argument of a function call (``SELECT 'SELECT ...' AS
    example`` selects text); none for ``EXECUTE 'SQL'`` itself (a body reads it already)."""
    if not _MAY_NEST.search(sql, start, end) or _EXECUTE_LITERAL.match(sql, start, end):
        return []
    segments = lex(sql, start, end)[0]
    masked = mask(sql, start, end, segments)
    found = []
    for kind, s, _e, inner_start, inner_end in segments:
        if kind != "s" or sql[s] not in "'$" or not _call_argument(masked, s - start):
            continue
        quoted = sql[s] == "'"
        inner = sql[inner_start:inner_end]
        if is_clear_statement(undouble_quotes(inner) if quoted else inner):
            found.append((inner_start, inner_end, quoted))
    return found


def format_literals(sql: str, start: int, end: int, segments: Optional[List[Segment]] = None,
                    masked: Optional[str] = None) -> List[Tuple[int, int]]:
    """Inner (start, end) of each ``EXECUTE format('constant SQL', ...)`` in a PL/pgSQL body
    whose text is clearly a statement with constant names: ``%L`` fields are values, a
    ``%I``/``%s`` field may be a table name built at run time (that statement is dynamic)."""
    if "format" not in sql[start:end].lower():
        return []
    segments = segments if segments is not None else lex(sql, start, end)[0]  # the body's, when read already
    strings = {s: (a, b) for kind, s, _e, a, b in segments if kind == "s" and sql[s] == "'"}
    found = []
    for match in _EXECUTE_FORMAT.finditer(masked if masked is not None else mask(sql, start, end, segments)):
        at = start + match.end()
        while at < end and sql[at].isspace():  # in the text: the mask blanks the literal too
            at += 1
        literal = strings.get(at)
        text = undouble_quotes(sql[literal[0]:literal[1]]) if literal is not None else ""
        if literal is not None and not _IDENTIFIER_FIELD.search(text) and is_clear_statement(text):
            found.append(literal)
    return found


def _call_argument(masked: str, at: int) -> bool:
    """Is the literal at ``masked[at]`` an argument of a call: after ``(`` or ``,`` inside
    the parentheses of ``name(``?"""
    before = masked[:at].rstrip()
    if not before or before[-1] not in "(,":
        return False
    depth, i = 0, len(before) - 1
    while i >= 0:
        c = before[i]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                head = before[:i].rstrip()
                return bool(head) and (head[-1].isalnum() or head[-1] in "_\"")
            depth -= 1
        i -= 1
    return False
