"""``.sql`` files -> one SQL site: the whole file, psql meta-commands blanked out.

Blanking (not deleting) keeps every offset equal to the file's, so a table's
position is a plain line/column lookup.
"""

from __future__ import annotations

import re
from typing import List, Tuple

from .model import SqlSite

_META_COMMAND = re.compile(r"^[ \t]*\\[^\n]*", re.MULTILINE)


def blank_meta_commands(text: str) -> str:
    r"""Replace psql meta-command lines (``\connect db``, ``\i file``) by spaces.

    >>> blank_meta_commands("\\c db\nSELECT 1")
    '     \nSELECT 1'
    """
    return _META_COMMAND.sub(lambda m: " " * len(m.group()), text)


def line_starts(text: str) -> Tuple[int, ...]:
    starts: List[int] = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return tuple(starts)


def sql_file_site(text: str) -> SqlSite:
    """The site for a whole ``.sql`` file."""
    return SqlSite(blank_meta_commands(text), from_sink=True, line_starts=line_starts(text))
