"""``.sql`` files -> one SQL site: the whole file, psql meta-commands blanked out.

Blanking (not deleting) keeps every offset equal to the file's, so a table's
position is a plain line/column lookup.
"""

from __future__ import annotations

import itertools
import re
from typing import List, Tuple

from boundary_lint.model import SqlSite

_META_COMMAND = re.compile(r"^[ \t]*\\[^\n]*", re.MULTILINE)
_COPY_META = re.compile(r"[ \t]*\\copy\b")
_FROM_STDIN = re.compile(r"\bfrom\s+(?:stdin|pstdin)\b", re.IGNORECASE)
COPY_FROM_STDIN = re.compile(  # COPY t (cols) FROM stdin [WITH (...)];  -- data follows to a line \.
    r"^[ \t]*COPY\b(?:[^;'\n]|'[^'\n]*')*?\bFROM[ \t]+STDIN\b(?:[^;'\n]|'[^'\n]*')*;[ \t]*\n",
    re.IGNORECASE | re.MULTILINE)
_END_OF_DATA = re.compile(r"^\\\.[ \t]*$", re.MULTILINE)


def blank_copy_data(text: str) -> str:
    r"""Blank the data lines that follow ``COPY ... FROM stdin;`` up to the line ``\.``
    (a pg_dump's rows: tab-separated values, not SQL). Lengths never change.

    >>> blank_copy_data("COPY t (a) FROM stdin;\nit's;x\n\\.\nSELECT 1")
    'COPY t (a) FROM stdin;\n      \n\\.\nSELECT 1'
    """
    if text.isascii() and "stdin" not in text.lower():  # no data: the pattern is not tried at every line
        return text  # (ASCII only: the pattern's IGNORECASE also takes a few non-ASCII letters)
    out: List[str] = []
    pos = 0
    while True:
        copy = COPY_FROM_STDIN.search(text, pos)
        if copy is None:
            break
        end = _END_OF_DATA.search(text, copy.end())
        stop = end.start() if end is not None else len(text)
        out.append(text[pos:copy.end()])
        out.append(_blank(text[copy.end():stop]))
        pos = stop
    out.append(text[pos:])
    return "".join(out)


def blank_meta_commands(text: str) -> str:
    r"""Replace psql meta-command lines (``\connect db``, ``\i file``) by spaces.

    ``\copy`` is the exception: it reads or writes a table like ``COPY``, so it
    becomes that statement, its line break a ``;`` (lengths never change), and
    the data lines of ``\copy ... FROM stdin`` up to ``\.`` are blanked.

    >>> blank_meta_commands("\\c db\nSELECT 1")
    '     \nSELECT 1'
    >>> blank_meta_commands("\\copy t FROM 'f.csv'\nSELECT 1")
    "COPY  t FROM 'f.csv';SELECT 1"
    """
    if "\\" not in text:  # no meta-command
        return text
    out: List[str] = []
    pos = 0
    in_data = False
    for match in _META_COMMAND.finditer(text):
        line = match.group()
        out.append(_blank(text[pos : match.start()]) if in_data else text[pos : match.start()])
        in_data = False
        copy = _COPY_META.match(line)
        if copy is None:
            out.append(" " * len(line))
        else:
            head = line[: copy.end()]
            statement = head[:-5] + "COPY " + line[copy.end() :]
            ends_line = match.end() < len(text) and text[match.end()] == "\n"
            out.append(statement + (";" if ends_line else ""))
            in_data = _FROM_STDIN.search(line) is not None
        pos = match.end() + (1 if copy is not None and match.end() < len(text) and text[match.end()] == "\n" else 0)
    out.append(_blank(text[pos:]) if in_data else text[pos:])
    return "".join(out)


def _blank(text: str) -> str:
    """Spaces for everything but line breaks (the data lines of ``COPY ... FROM stdin``)."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def line_starts(text: str) -> Tuple[int, ...]:
    """The offset of each line (lines end at ``\\n`` only), summed at C speed.

    >>> line_starts("ab\\n\\ncd\\n")
    (0, 3, 4, 7)
    """
    lines = text.split("\n")
    return tuple(itertools.accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))


def sql_file_site(text: str, first_line: int = 1, first_column: int = 1) -> SqlSite:
    """The site for a whole ``.sql`` file (or a piece of one starting at ``first_line``)."""
    return SqlSite(blank_meta_commands(blank_copy_data(text)), from_sink=True, line_starts=line_starts(text),
                   first_line=first_line, first_column=first_column)
