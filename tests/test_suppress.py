"""Suppression comments: noqa and ``boundary: allow CODES -- reason``, in Python and SQL."""

from __future__ import annotations

import pytest

from boundary_lint.model import Finding
from boundary_lint.suppress import (
    ALL,
    python_noqa_map,
    python_suppressions,
    split_suppressed,
    suppressions_in,
    text_suppressions,
)


@pytest.mark.parametrize(
    "comment, codes, reason, kind",
    [
        ("# boundary: allow BND100 -- reporting reads it until the API exists", {"BND100"},
         "reporting reads it until the API exists", "allow"),
        ("# boundary: allow BND100, BND101 -- ticket 42", {"BND100", "BND101"}, "ticket 42", "allow"),
        ("# Boundary: Allow bnd102 -- case does not matter", {"BND102"}, "case does not matter", "allow"),
        ("# boundary: allow -- every code", set(ALL), "every code", "allow"),
        ("# boundary: allow BND100", {"BND100"}, "", "allow"),
        ("-- boundary: allow BND103 -- owner agreed", {"BND103"}, "owner agreed", "allow"),
        ("# noqa: BND101", {"BND101"}, "", "noqa"),
        ("# noqa", set(ALL), "", "noqa"),
    ],
)
def test_comment_forms(comment, codes, reason, kind):
    (found,) = suppressions_in(comment, 7)
    assert (set(found.codes), found.reason, found.kind, found.line) == (codes, reason, kind, 7)


def test_unrelated_comments_suppress_nothing():
    assert suppressions_in("# boundary of the service", 1) == []
    assert suppressions_in("# allow BND100", 1) == []


def finding(line: int, code: str = "BND100", statement_line: int = 0) -> Finding:
    return Finding("a.py", line, 5, code, "public.strategy", statement_line=statement_line or line)


def test_allow_spreads_over_a_multiline_statement_and_keeps_its_reason():
    source = (
        "cur.execute(\n"
        "    '''\n"
        "    SELECT * FROM public.strategy\n"
        "    '''\n"
        ")  # boundary: allow BND100 -- read-only report\n"
    )
    kept, suppressed = split_suppressed([finding(3, statement_line=3)], python_suppressions(source))
    assert kept == []
    assert [(s.reason, s.comment_line, s.kind) for s in suppressed] == [("read-only report", 5, "allow")]


def test_a_reason_wins_over_a_bare_noqa():
    """A noqa on the finding's line and an allow with a reason on its statement's first line."""
    lines = ["-- boundary: allow BND101 -- migration 0042 moves it", "INSERT INTO public.portfolio", "VALUES (1); -- noqa"]
    _, suppressed = split_suppressed([finding(2, "BND101", statement_line=1)], text_suppressions(lines))
    assert (suppressed[0].kind, suppressed[0].reason) == ("allow", "migration 0042 moves it")


def test_allow_of_another_code_does_not_suppress():
    source = "x = 1  # boundary: allow BND101 -- writes only\n"
    kept, suppressed = split_suppressed([finding(1, "BND100")], python_suppressions(source))
    assert kept and not suppressed


def test_statement_first_line_covers_the_finding():
    lines = ["-- boundary: allow BND102 -- legacy FK, dropped in 0042", "CREATE TABLE t (", "  x INT REFERENCES s.t(id)", ");"]
    suppressions = text_suppressions(lines)
    kept, suppressed = split_suppressed([finding(3, "BND102", statement_line=1)], suppressions)
    assert not kept and suppressed[0].reason == "legacy FK, dropped in 0042"


def test_noqa_map_still_gives_codes_for_both_kinds():
    source = "a = 1  # noqa: BND100\nb = 2  # boundary: allow BND101 -- x\n"
    assert python_noqa_map(source) == {1: frozenset({"BND100"}), 2: frozenset({"BND101"})}
