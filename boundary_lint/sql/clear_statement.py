"""Is a SQL-looking literal outside a sink clearly a statement? (issue 21, cause 6)

A literal that no known sink receives and that sqlglot cannot parse (``sum(a, b)``,
``ON COMMIT DROP``, a cast it does not know) used to be dropped as prose, while the
same text at ``execute`` is token-scanned with a warning. A literal that starts with a
statement keyword *and* names a table where SQL puts one (after FROM/JOIN, INSERT INTO,
UPDATE ... SET, DELETE FROM, TRUNCATE, COPY, CREATE/ALTER TABLE) is SQL whatever the
parser says, and gets the same token scan. Prose rarely has that shape: "update the
docs: select from the list" has no ``SET`` after its UPDATE, and a sentence has no
operator, parenthesis, comma or bind parameter.

>>> is_clear_statement("CREATE TEMP TABLE ids ON COMMIT DROP AS SELECT id FROM public.strategy WHERE live = true")
True
>>> is_clear_statement("update the docs: select from the list"), is_clear_statement("DELETE FROM")
(False, False)
>>> is_clear_statement("delete from quotes where you no longer need them")
False
"""

from __future__ import annotations

import functools
import re

_NAME = r'(?:"[^"\n]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"\n]+"|[A-Za-z_][\w$]*))*'
_CLEAR = (
    r"\A(?:\s|--[^\n]*\n)*(?:"
    rf"SELECT\b[^;]*?\b(?:FROM|JOIN)\s+(?:ONLY\s+|LATERAL\s+)?{_NAME}"
    rf"|WITH\s+(?:RECURSIVE\s+)?{_NAME}\s*(?:\([^)]*\)\s*)?AS\s*(?:NOT\s+)?(?:MATERIALIZED\s*)?\("
    rf"|INSERT\s+INTO\s+{_NAME}(?:\s+AS\s+\w+)?(?:\s*\(|\s+(?:VALUES|SELECT|DEFAULT|WITH|OVERRIDING)\b)"
    rf"|(?:DELETE\s+FROM|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?{_NAME}"
    rf"|UPDATE\s+(?:ONLY\s+)?{_NAME}(?:\s+(?:AS\s+)?[A-Za-z_]\w*)?\s+SET\b"
    rf"|CREATE\s+(?:(?:OR\s+REPLACE|TEMP|TEMPORARY|UNLOGGED|MATERIALIZED)\s+)*(?:TABLE|VIEW)\s+"
    rf"(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}"
    rf"|ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_NAME}"
    r")"
)


_SQL_MARK = re.compile(r"[=<>(),*;']|%s|%\(|\$\d|\?|(?<!:):[A-Za-z_]")
"""Punctuation SQL has and a sentence ("delete from quotes where you no longer need them") has not."""


def is_clear_statement(text: str) -> bool:
    """Does ``text`` start with a statement keyword, name a table where SQL puts one, and
    carry SQL's punctuation (an operator, a parenthesis, a comma, a parameter, a quote)?"""
    return _clear().match(text) is not None and _SQL_MARK.search(text) is not None


@functools.lru_cache(maxsize=None)
def _clear() -> "re.Pattern[str]":
    """Compiled on first use (a few milliseconds a run without such literals does not pay)."""
    return re.compile(_CLEAR, re.IGNORECASE | re.DOTALL)
