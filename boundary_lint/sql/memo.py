"""The SQL analyses a run made, by the text analysed and everything else they depend on.

The same query text is often run from many functions and files; it is lexed, proved and
parsed once per run (:func:`boundary_lint.sql.refs.analyze_sql` looks here first). Kept
apart from :mod:`boundary_lint.sql.refs` so a run can start afresh without importing sqlglot.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

MAX_REMEMBERED = 4096
MAX_REMEMBERED_CHARS = 20_000
"""A text longer than this (a whole ``.sql`` file) is not kept: it is rarely met twice."""

_ANALYSES: Dict[tuple, Tuple[Any, int]] = {}  # key -> (SqlAnalysis, statements it parsed)
_VERDICTS: Dict[Any, Dict[str, bool]] = {}  # a statement filter -> its verdicts by masked statement


def recall(key: tuple) -> Optional[Tuple[Any, int]]:
    """The analysis remembered under ``key`` and the statements its parse took, or None."""
    return _ANALYSES.get(key)


def remember(key: tuple, analysis: Any, statements: int) -> None:
    if len(_ANALYSES) >= MAX_REMEMBERED:
        _ANALYSES.clear()
    _ANALYSES[key] = (analysis, statements)


def verdicts(judge: Any) -> Dict[str, bool]:
    """This run's verdicts of ``judge`` (a statement filter), by the masked statement judged:
    migrations redefine the same functions, so a run meets the same statements again."""
    found = _VERDICTS.get(judge)
    if found is None or len(found) >= MAX_REMEMBERED:
        found = _VERDICTS[judge] = {}
    return found


def forget() -> None:
    """A new run: nothing remembered (so each run, and each benchmark round, starts cold)."""
    _ANALYSES.clear()
    _VERDICTS.clear()


def size() -> int:
    return len(_ANALYSES)
