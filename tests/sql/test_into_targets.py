"""``SELECT ... INTO var`` in a PL/pgSQL body: the variables are blanked, ``INSERT INTO`` and
``MERGE INTO`` kept. Found by looking at each ``INTO`` and the word before it, the same ranges
as the one regex it replaced (which tried a word before ``INTO`` at every word: 28 us a statement)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings, strategies as st

from boundary_lint.sql.split import blank_into_targets, mask

_ONE_REGEX = re.compile(r"(\b[A-Za-z_][\w$]*\s+)?\bINTO\s+(?:STRICT\s+)?"
                        r"[A-Za-z_][\w$.]*(?:\s*,\s*[A-Za-z_][\w$.]*)*", re.I)


def one_regex(masked: str):
    """The ranges as the single regex found them: the reference."""
    return [(m.end(1) if m.group(1) else m.start(), m.end()) for m in _ONE_REGEX.finditer(masked)
            if (m.group(1) or "").strip().upper() not in ("INSERT", "MERGE")]


def test_variables_are_blanked_and_inserted_tables_kept():
    sql = "SELECT a, b INTO STRICT x, y FROM t; INSERT INTO u VALUES (1) RETURNING id INTO v"
    assert [sql[a:b] for a, b in blank_into_targets(sql)] == ["INTO STRICT x, y", "INTO v"]
    assert blank_into_targets("merge into t using s on true") == []


WORDS = st.sampled_from(["INTO", "into", "INSERT", "merge", "select", "x", "x$y", "$a", "1insert", "_v",
                         "STRICT", "a.b", "ſelect", "K", "é", ",", " , ", "(", ")", "\n", "  ", "\t", ";"])


@settings(max_examples=600, deadline=None)
@given(st.lists(WORDS, max_size=14).map(" ".join), st.lists(WORDS, max_size=8).map("".join))
def test_the_same_ranges_as_the_one_regex(spaced, glued):
    for text in (spaced, glued, spaced + glued):
        assert blank_into_targets(text) == one_regex(text)


def test_the_same_ranges_on_every_sql_file_of_the_repository():
    root = Path(__file__).resolve().parents[2]
    compared = 0
    for path in sorted(root.rglob("*.sql")):
        text = mask(path.read_text(encoding="utf-8", errors="replace"))
        assert blank_into_targets(text) == one_regex(text), path
        compared += len(one_regex(text))
    assert compared > 0  # real clauses were compared, not none
