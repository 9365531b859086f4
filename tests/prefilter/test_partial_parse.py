"""Leaving function bodies far from SQL out of the parse changes no reference: same
tables, places, statements and fingerprints, on every Python file of the repository."""

from __future__ import annotations

import ast
import itertools

import pytest

from boundary_lint.prefilter import partial_parse
from boundary_lint.pipeline import decode_source, python_references
from boundary_lint.sites.literal_positions import source_lines
from boundary_lint.prefilter.partial_parse import hollowed_source, parse_hollowed
from boundary_lint.prefilter.lines import interesting_lines, trigger_lines
from boundary_lint.registry import Settings
from project import repository_python_files

FILES = repository_python_files()


@pytest.fixture
def hollow_everything(monkeypatch):
    monkeypatch.setattr(partial_parse, "MIN_SAVING", 0)
    monkeypatch.setattr(partial_parse, "MIN_BODY", 0)


def references(source, tree, interesting):
    lines = trigger_lines(source)
    assert lines.all == list(interesting)
    refs, problems = python_references("m.py", source, tree, source_lines(source), Settings(), lines)
    return sorted(map(repr, refs)), sorted(map(repr, problems))


def test_every_repository_file_gives_the_same_references(hollow_everything):
    hollowed = 0
    for path in FILES:
        data = path.read_bytes()
        interesting = interesting_lines(data)
        source, problem = decode_source(data, str(path), True)
        if not interesting or problem is not None:
            continue
        tree = parse_hollowed(source, source_lines(source), interesting)
        if tree is None:
            continue
        hollowed += 1
        assert references(source, tree, interesting) == references(source, ast.parse(source), interesting), path
    assert hollowed > 50  # the comparison covered real files, not none


SOURCE = '''\
import os

QUERY = "SELECT id FROM public.strategy"


def table_of(kind):
    name = "public." + kind
    return name


class Repo:
    def unrelated(self, x):
        if x:
            os.remove(x)
        for i in range(3):
            print(i)
        return x

    def load(self, cur):
        cur.execute("SELECT * FROM " + table_of("portfolio"))
'''


def test_far_bodies_are_blanked_line_for_line(hollow_everything):
    lines = source_lines(SOURCE)
    text, bodies = hollowed_source(SOURCE, lines, interesting_lines(SOURCE))
    assert [(b.first, b.pass_line) for b in bodies] == [(13, 17)]  # Repo.unrelated, not the helper
    hollow = text.splitlines()
    assert len(hollow) == len(SOURCE.splitlines())
    assert hollow[16] == "        pass" and hollow[12:16] == [""] * 4
    assert [a for a, b in zip(hollow, SOURCE.splitlines()) if a != b] == hollow[12:17]
    tree = parse_hollowed(SOURCE, lines, interesting_lines(SOURCE))
    unrelated = tree.body[3].body[0]
    assert (unrelated.lineno, unrelated.end_lineno) == (12, 17)  # the same span as in the full tree


def test_the_helper_the_composer_inlines_is_kept(hollow_everything):
    tree = parse_hollowed(SOURCE, source_lines(SOURCE), interesting_lines(SOURCE))
    refs, _ = references(SOURCE, tree, interesting_lines(SOURCE))
    assert any("public" in r and "portfolio" in r for r in refs)


@pytest.mark.parametrize("source", [
    # "def" inside a docstring: the planned pass would land in a string
    'X = 1\n"""\ndef f(a):\n    return a + 1\n    x = 2\n"""\nq = "SELECT 1 FROM t"\n',
    # a body whose end is a continued line: kept whole
    "def f():\n    x = 1 + \\\n2\n    y = 3\n    y = 4\nq = 'SELECT 1 FROM t'\n",
    # a body reaching a global name: kept whole
    "def f():\n    global Q\n    Q = 'x'\n    print(Q)\nQ = 'SELECT 1 FROM t'\n",
    # tabs: not hollowed
    "def f():\n\tprint(1)\n\tprint(2)\nq = 'SELECT 1 FROM t'\n",
])
def test_unclear_layouts_fall_back_to_the_whole_parse(hollow_everything, source):
    assert parse_hollowed(source, source_lines(source), interesting_lines(source)) is None


def test_a_plan_the_parse_contradicts_is_dropped(hollow_everything, monkeypatch):
    """The text tests are heuristics; the parse is the proof. A pass that lands in a
    string instead of standing as a function's body sends the file to the whole parse."""
    source = 'def f(x):\n    y = x\n    print(y)\n    return y\nq = "SELECT 1 FROM t"\n'
    lines = source_lines(source)
    text, bodies = hollowed_source(source, lines, interesting_lines(source))
    assert bodies and parse_hollowed(source, lines, interesting_lines(source)) is not None
    monkeypatch.setattr(partial_parse, "hollowed_source",
                        lambda *a: ('x = """\n' + text + '"""\n', bodies))
    assert parse_hollowed(source, lines, interesting_lines(source)) is None


@pytest.mark.parametrize("everything", [False, True])
def test_the_bound_that_skips_planning_never_hides_a_body(everything, monkeypatch):
    """A file is not planned when the runs of lines between interesting ones could not hold
    MIN_SAVING characters of bodies; on every repository file that bound is at least what
    planning leaves out (so skipping the plan changes nothing)."""
    if everything:
        monkeypatch.setattr(partial_parse, "MIN_BODY", 0)
    planned = 0
    for path in FILES:
        source = path.read_text(encoding="utf-8", errors="replace")
        interesting = interesting_lines(source)
        lines = source_lines(source)
        if not interesting or "\t" in source or "\r" in source or "\f" in source:
            continue
        starts = list(itertools.accumulate(map(len, lines), initial=0))
        bodies = partial_parse._bodies_to_hollow(source, lines, starts, interesting)
        left_out = sum(starts[b.last] - starts[b.first - 1] for b in bodies)
        planned += bool(bodies)
        assert left_out <= partial_parse._most_left_out(starts, interesting), path
    assert planned > 50


def test_sql_on_every_few_lines_is_not_planned(monkeypatch):
    handler = 'def h{0}(cur):\n    """Doc."""\n    cur.execute("SELECT 1 FROM t")\n    return 1\n\n\n'
    source = "".join(handler.format(n) for n in range(200))
    monkeypatch.setattr(partial_parse, "_bodies_to_hollow", lambda *a: pytest.fail("planned"))
    assert hollowed_source(source, source_lines(source), interesting_lines(source)) == (source, [])
