"""A literal's positions are held as runs (a run a line), and read exactly as the tuple of
one Position per character they stand for."""

from __future__ import annotations

import ast

from hypothesis import given
from hypothesis import strategies as st

from boundary_lint.model import Position
from boundary_lint.sites.literal_positions import literal_pieces, source_lines
from boundary_lint.sites.position_runs import PositionRuns, RunsBuilder
from boundary_lint.sites.python import python_sql_sites

_PARTS = st.lists(st.tuples(st.sampled_from(["line", "repeat", "tuple"]), st.integers(1, 3),
                            st.integers(1, 6), st.integers(0, 4)), max_size=6)


@given(_PARTS, st.integers(0, 20), st.integers(0, 20))
def test_runs_read_as_the_tuple_they_stand_for(parts, start, stop):
    builder, expected = RunsBuilder(), []
    for kind, line, column, length in parts:
        if kind == "line":
            builder.add(PositionRuns.line(line, column, length))
            expected += [Position(line, column + k) for k in range(length)]
        elif kind == "repeat":
            builder.repeat(Position(line, column), length)
            expected += [Position(line, column)] * length
        else:
            chunk = tuple(Position(line, column + k % 2) for k in range(length))
            builder.add(chunk)
            expected += chunk
    runs, expected = builder.build(), tuple(expected)
    assert runs == expected and tuple(runs) == expected and len(runs) == len(expected)
    assert [runs[i] for i in range(-len(expected), len(expected))] == list(expected) * 2
    assert runs[start:stop] == expected[start:stop]
    assert runs[:1] * 3 == expected[:1] * 3 and expected[:2] + runs == expected[:2] + expected
    assert hash(runs) == hash(expected)


def test_a_long_query_is_one_run_a_line_not_a_position_a_character():
    body = "".join(f"    SELECT col_{n} FROM orders_{n}\n" for n in range(40))
    source = f'QUERY = """\n{body}"""\n'
    node = ast.parse(source).body[0].value
    (piece,) = literal_pieces(node, source_lines(source))
    assert len(piece.positions) == len(piece.text) > 1000
    assert piece.positions.run_count() == 41  # the opening line's break, and each line of the body
    assert piece.positions[piece.text.index("orders_7")] == Position(9, 23)


def test_a_site_joins_its_pieces_and_finds_positions_only_where_asked():
    source = 'cur.execute("SELECT * FROM a " +\n            "JOIN b ON a.id = b.id WHERE x = " + str(y))\n'
    (site,) = python_sql_sites(ast.parse(source), source_lines(source))
    first, second, hole = site.positions.parts
    assert not first.resolved() and not second.resolved()
    assert site.position_at(site.text.index("b ON")) == Position(2, 19)
    assert second.resolved() and not first.resolved()
    assert site.positions == tuple(Position(1, 14 + k) for k in range(len("SELECT * FROM a "))) + tuple(
        Position(2, 14 + k) for k in range(len("JOIN b ON a.id = b.id WHERE x = "))) + (Position(2, 50),) * 9


def test_only_the_literals_whose_sql_is_reported_are_scanned_for_positions(monkeypatch):
    from boundary_lint import pipeline
    from boundary_lint.registry import Registry, Service
    import boundary_lint.sites.python as python_sites

    scanned = []

    def counted(node, lines):
        scanned.append(node.lineno)
        return literal_pieces(node, lines)

    monkeypatch.setattr(python_sites, "literal_pieces", counted)
    registry = Registry({"app": Service("app", owns=("app.*",), search_path=("app",)),
                         "billing": Service("billing", owns=("billing.*",))})
    calls = [f'    cur.execute("UPDATE orders SET n = {n} WHERE id = %s", (key,))\n' for n in range(20)]
    calls[7] = '    cur.execute("SELECT total FROM billing.invoices WHERE id = %s", (key,))\n'
    source = "def handle(cur, key):\n" + "".join(calls)
    result = pipeline.check_python_source("views.py", source, registry, "app")
    assert [(f.line, f.column, f.table) for f in result.findings] == [(9, 36, "billing.invoices")]
    assert scanned == [9]
