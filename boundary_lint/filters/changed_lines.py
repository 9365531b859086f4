"""``--diff-base REF``: which lines changed since a git ref, so CI reports only those.

:func:`parse_unified_diff` is pure (the hunks of ``git diff -U0`` -> changed
lines per file); :func:`boundary_lint.adapters.git.git_changed_lines` runs git.
Files git does not track yet count as changed on every line.

>>> diff = '''diff --git a/app/x.py b/app/x.py
... --- a/app/x.py
... +++ b/app/x.py
... @@ -3,0 +4,2 @@ def f():
... +    cur.execute("SELECT * FROM public.strategy")
... +    return 1
... @@ -10 +12 @@
... -x = 1
... +x = 2
... '''
>>> {path: sorted(lines) for path, lines in parse_unified_diff(diff).items()}
{'app/x.py': [4, 5, 12]}
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, Optional, Set

ALL_LINES: Optional[Set[int]] = None
"""The value for a file whose every line counts as changed (new, untracked)."""

Changed = Dict[str, Optional[Set[int]]]  # repo-relative posix path -> lines (None: all)

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class DiffError(Exception):
    """git could not say what changed (not a repository, unknown ref...)."""


def parse_unified_diff(text: str) -> Dict[str, Set[int]]:
    """``{path: added or modified line numbers}`` (new side) from a unified diff.

    Deleted files are left out; a pure deletion adds no line.
    """
    changed: Dict[str, Set[int]] = {}
    current: Optional[Set[int]] = None
    for line in text.splitlines():
        if line.startswith("+++ "):
            target = line[4:].rstrip("\t")
            if target == "/dev/null":
                current = None
                continue
            path = unquote_git_path(target)
            if path.startswith("b/"):
                path = path[2:]
            current = changed.setdefault(path, set())
            continue
        match = _HUNK.match(line)
        if match and current is not None:
            start = int(match.group(1))
            count = int(match.group(2)) if match.group(2) is not None else 1
            current.update(range(start, start + count))
    return changed


_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def unquote_git_path(text: str) -> str:
    r"""A path as git prints it: C-quoted (with octal UTF-8 bytes) when unusual.

    >>> unquote_git_path('"b/caf\\303\\251 menu.py"')
    'b/café menu.py'
    >>> unquote_git_path('b/plain.py')
    'b/plain.py'
    """
    if len(text) < 2 or not (text[0] == text[-1] == '"'):
        return text
    body = text[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567":
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out.extend(char.encode("utf-8"))
        i += 1
    return out.decode("utf-8", "surrogateescape")


def is_changed(changed: Changed, path: str, lines: Iterable[int]) -> bool:
    """Did any of ``lines`` of ``path`` (repo-relative) change?"""
    if path not in changed:
        return False
    got = changed[path]
    return got is None or any(line in got for line in lines)
