"""A statement's ``$$`` bodies, taken from the whole text's lexing, are those lexing the
statement alone finds (what the analysis did before: each migration's functions lexed twice)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from boundary_lint.sql.refs import _Analysis
from boundary_lint.sql.split import dollar_bodies, lex, split_statements


def both_ways(sql: str):
    analysis = _Analysis(sql, "postgres", True, 20000)
    lexed = lex(sql)
    analysis.segments = lexed[0]
    for s, e in split_statements(sql, 0, len(sql), lexed):
        yield analysis.statement_bodies(s, e, True), dollar_bodies(sql, s, e)


PIECES = st.sampled_from(["CREATE FUNCTION f() AS ", "DO ", "$$", "$a$", "$b$", "a$$", "'", "''", '"', "--", "\n",
                          "/*", "*/", ";", " BEGIN ", "SELECT 1", " ", "E'\\''", "x"])


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=20).map("".join))
def test_the_same_bodies_on_any_text(sql):
    for taken, lexed_alone in both_ways(sql):
        assert taken == lexed_alone


def test_the_same_bodies_on_every_sql_file_of_the_repository():
    root = Path(__file__).resolve().parents[2]
    bodies = 0
    for path in sorted(root.rglob("*.sql")):
        for taken, lexed_alone in both_ways(path.read_text(encoding="utf-8", errors="replace")):
            assert taken == lexed_alone, path
            bodies += len(taken)
    assert bodies > 5
