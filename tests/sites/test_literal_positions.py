"""Every character of a string literal must map to where it is written in the file."""

from __future__ import annotations

import ast
import keyword
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boundary_lint.sites.literal_positions import (
    LiteralPiece,
    char_column,
    literal_pieces,
    node_position,
    source_lines,
)
from boundary_lint.model import Position

# Odd escapes in the sources below are deliberate.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")


def _string_nodes(tree: ast.AST) -> list:
    return [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)
            or (isinstance(n, ast.Constant) and isinstance(n.value, str))]


def pieces_of(source: str):
    """Pieces of the outermost string literal in source."""
    node = _string_nodes(ast.parse(source))[0]
    return literal_pieces(node, source.splitlines(keepends=True))


def flat(pieces) -> tuple[str, list[Position]]:
    """Constant text with holes shown as "\\0", and a Position per character."""
    text, where = "", []
    for piece in pieces:
        text += piece.text or "\0"
        where += list(piece.positions)
    return text, where


def find(source: str, needle: str) -> Position:
    """Where the first occurrence of needle inside the literal is written."""
    pieces = pieces_of(source)
    assert pieces is not None
    text, where = flat(pieces)
    return where[text.index(needle)]


def assert_points_at(source: str, position: Position, needle: str) -> None:
    line = source.splitlines(keepends=True)[position.line - 1]
    assert line[position.column - 1:].startswith(needle)


# --- exact positions -------------------------------------------------------


def test_single_line():
    src = 'cur.execute("SELECT * FROM orders")\n'
    assert find(src, "orders") == Position(1, 28)
    assert find(src, "SELECT") == Position(1, 14)


def test_triple_quoted_table_on_third_line_of_string():
    src = 'def f(cur):\n    cur.execute("""\n        SELECT id\n          FROM billing.invoices\n    """)\n'
    pos = find(src, "billing.invoices")
    assert pos == Position(4, 16)
    assert_points_at(src, pos, "billing.invoices")


def test_implicit_concatenation_with_comments_and_continuations():
    src = ('q = (\n'
           '    "SELECT"\' * \'  # the columns\n'
           '    # a whole comment line\n'
           "    'FROM ' \\\n"
           '    "orders"\n'
           ')\n')
    pieces = pieces_of(src)
    assert [p.text for p in pieces] == ["SELECT * FROM orders"]
    assert find(src, "FROM") == Position(4, 6)
    assert find(src, "orders") == Position(5, 6)


def test_escapes_map_to_their_backslash():
    src = 'x = "a\\nb"\n'
    text, where = flat(pieces_of(src))
    assert text == "a\nb"
    assert where == [Position(1, 6), Position(1, 7), Position(1, 9)]
    src = 'x = "\\x41\\u00e9\\N{EM DASH}\\101\\0\\q\\\\ t"\n'
    text, where = flat(pieces_of(src))
    assert text == "A\u00e9\u2014A\0\\q\\ t"
    assert [p.column for p in where] == [6, 10, 16, 27, 31, 33, 34, 35, 37, 38]


def test_backslash_newline_inside_string_is_nothing():
    src = 'x = "SELECT * \\\nFROM orders"\n'
    assert find(src, "FROM") == Position(2, 1)


def test_raw_strings_keep_backslashes():
    src = 'x = r"a\\nb FROM t"\n'
    text, where = flat(pieces_of(src))
    assert text == "a\\nb FROM t"
    assert [p.column for p in where] == list(range(7, 18))


@pytest.mark.parametrize("before", ["é", "日本", "🦆", "é日🦆 "])
def test_non_ascii_before_table_name(before):
    src = f'x = "-- {before}\\n{before} SELECT * FROM orders"  # {before}\n'
    pos = find(src, "orders")
    assert pos == Position(1, 9 + len(before) + 2 + len(before) + 15)
    assert_points_at(src, pos, "orders")


def test_char_column_and_node_position_count_characters():
    line = "é = '日本'\n"
    assert char_column(line, 0) == 1
    assert char_column(line, len("é = ".encode())) == 5
    assert char_column("abc", 2) == 3
    tree = ast.parse(line)
    assert node_position(tree.body[0].value, [line]) == Position(1, 5)
    assert node_position(ast.Pass(), []) == Position(1, 1)  # no location: no crash


def test_fstring_hole_in_value_position():
    src = 'q = f"SELECT * FROM orders WHERE id = {order_id!r} AND x = 1"\n'
    pieces = pieces_of(src)
    assert [p.text for p in pieces] == ["SELECT * FROM orders WHERE id = ", "", " AND x = 1"]
    hole = pieces[1]
    assert isinstance(hole.hole, ast.Name) and hole.hole.id == "order_id"
    assert hole.positions == (Position(1, 39),)
    assert_points_at(src, hole.positions[0], "{order_id")
    assert find(src, "orders") == Position(1, 21)
    assert find(src, "AND") == Position(1, 52)


def test_fstring_hole_in_table_position():
    src = 'q = f"SELECT * FROM {schema}.orders JOIN {tables[0]} ON 1"\n'
    pieces = pieces_of(src)
    holes = [p for p in pieces if p.hole is not None]
    assert [ast.unparse(h.hole) for h in holes] == ["schema", "tables[0]"]
    assert [h.positions[0] for h in holes] == [Position(1, 21), Position(1, 42)]
    assert find(src, ".orders") == Position(1, 29)
    assert find(src, " ON") == Position(1, 53)


def test_doubled_braces_are_literal():
    src = 'q = f"SELECT \'{{}}\' FROM {t} -- }}"\n'
    text, where = flat(pieces_of(src))
    assert text == "SELECT '{}' FROM \0 -- }"
    assert where[8] == Position(1, 15) and where[9] == Position(1, 17)
    assert where[-1] == Position(1, 33)


def test_nested_format_spec_and_debug_equals():
    src = 'q = f"{n:>{width}.{prec}f} FROM t WHERE {x = } AND {y=!r:{w}}"\n'
    pieces = pieces_of(src)
    text, _ = flat(pieces)
    assert text == "\0 FROM t WHERE x = \0 AND y=\0"
    assert [ast.unparse(p.hole) for p in pieces if p.hole] == ["n", "x", "y"]
    assert find(src, "FROM") == Position(1, 28)
    assert find(src, "x = ") == Position(1, 42)


def test_fstring_mixed_with_plain_strings_and_nested_strings():
    src = ('run(\n'
           "    'SELECT * '\n"
           '    f"FROM {d[\'k\']} "  # table\n'
           '    rf"\\w {x:%Y-%m} {{}}"\n'
           '    "WHERE 1"\n'
           ')\n')
    pieces = pieces_of(src)
    text, where = flat(pieces)
    assert text == "SELECT * FROM \0 \\w \0 {}WHERE 1"
    assert [ast.unparse(p.hole) for p in pieces if p.hole] == ["d['k']", "x"]
    assert find(src, "FROM") == Position(3, 7)
    assert find(src, "\\w") == Position(4, 8)
    assert find(src, "WHERE") == Position(5, 6)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 701 f-strings")
def test_pep701_same_quotes_comments_and_newlines_in_fields():
    src = ('q = f"SELECT {d["k"] + f"{y}"} FROM {\n'
           '    t  # the table\n'
           '} WHERE x = {"}"}"\n')
    text, where = flat(pieces_of(src))
    assert text == "SELECT \0 FROM \0 WHERE x = \0"
    assert find(src, "FROM") == Position(1, 32)
    assert find(src, "WHERE") == Position(3, 3)


def test_tabs_count_as_one_column():
    src = 'if 1:\n\tq = """\n\t\tSELECT *\tFROM\torders"""\n'
    assert find(src, "orders") == Position(3, 17)
    assert_points_at(src, find(src, "orders"), "orders")


def test_crlf_and_lone_cr_become_newlines():
    src = 'x = """a\r\nFROM t\rWHERE"""\r\n'
    text, where = flat(pieces_of(src))
    assert text == "a\nFROM t\nWHERE"
    assert where[1] == Position(1, 9) and where[2] == Position(2, 1)
    assert find(src, "WHERE") == Position(3, 1)


def test_source_lines_split_only_where_python_does():
    src = "a = 1\x0c\nb = '\u2028'\r\nc\rd"
    assert source_lines(src) == ["a = 1\x0c\n", "b = '\u2028'\r\n", "c\r", "d"]
    tree = ast.parse("x = 1\n\x0cy = 'FROM t'\n")
    lines = source_lines("x = 1\n\x0cy = 'FROM t'\n")
    assert literal_pieces(tree.body[1].value, lines)[0].positions[0] == Position(2, 7)


def test_piece_shape():
    piece = pieces_of("x = 'ab'")[0]
    assert piece == LiteralPiece("ab", (Position(1, 6), Position(1, 7)))


# --- refusing instead of guessing ------------------------------------------


def test_returns_none_for_non_str_nodes_and_mismatched_lines():
    tree = ast.parse("x = b'FROM t'\ny = 'FROM t'\nz = 1\n")
    assert literal_pieces(tree.body[0].value, ["x = b'FROM t'\n"]) is None
    assert literal_pieces(tree.body[2].value, ["z = 1\n"]) is None
    node = tree.body[1].value
    assert literal_pieces(node, []) is None
    assert literal_pieces(node, ["x\n", "y = 'FROM u'\n"]) is None  # text differs from the value
    assert literal_pieces(node, ["x\n", "y = 12345678\n"]) is None


def test_inner_nodes_of_an_fstring_are_refused_not_misplaced():
    src = "q = f\"{x}'SELECT'\"\n"
    lines = src.splitlines(keepends=True)
    for node in _string_nodes(ast.parse(src))[1:]:
        result = literal_pieces(node, lines)
        assert result is None or flat(result)[0] == node.value


# --- properties ------------------------------------------------------------

SEPARATORS = [" ", "\n    ", "  # a comment 'x' {\n  ", " \\\n  ", "\n# c\n\n\t"]


def _render_char(char: str, quote: str, triple: bool, fstring: bool) -> str:
    if char == "\n" and triple:
        return "\n"
    if char in ("\\", quote):
        return "\\" + char
    if fstring and char in "{}":
        return char * 2
    return char if char.isprintable() else repr(char)[1:-1]


def _render(chunk: str, style: str, quote: str, fstring: bool = False) -> str:
    prefix = "f" if fstring else ""
    if style == "raw" and all(c.isprintable() and c not in ("\\", quote) for c in chunk):
        body = chunk.replace("{", "{{").replace("}", "}}") if fstring else chunk
        return "r" + prefix + quote + body + quote
    triple = style == "triple"
    fence = quote * 3 if triple else quote
    return prefix + fence + "".join(_render_char(c, quote, triple, fstring) for c in chunk) + fence


def _check_positions(source: str, pieces: list) -> None:
    lines = source.splitlines(keepends=True)
    previous = Position(0, 0)
    for piece in pieces:
        for char, pos in zip(piece.text, piece.positions):
            written = lines[pos.line - 1][pos.column - 1]
            if char.isprintable() and char not in "\\'\"":  # written as itself, never as an escape
                assert written == char, (char, pos)
            else:
                assert written == char or written == "\\" or (char == "\n" and written in "\r\n"), (char, pos)
            assert pos > previous
            previous = pos
        assert len(piece.positions) == max(len(piece.text), 1)


chunks = st.lists(st.tuples(st.text(max_size=12), st.sampled_from(["plain", "triple", "raw"]),
                            st.sampled_from(["'", '"']), st.sampled_from(SEPARATORS)), min_size=1, max_size=4)


@settings(max_examples=120, deadline=None)
@given(chunks, st.sampled_from(["\n", "\r\n"]))
def test_property_plain_strings_decode_and_point_at_their_characters(parts, newline):
    body = "".join(_render(text, style, quote) + sep for text, style, quote, sep in parts)
    source = ("x = 1\nq = (\n    " + body + "\n)\n").replace("\n", newline)
    node = ast.parse(source).body[1].value
    pieces = literal_pieces(node, source.splitlines(keepends=True))
    assert pieces is not None
    assert "".join(p.text for p in pieces) == node.value == "".join(t for t, *_ in parts)
    _check_positions(source, pieces)


identifiers = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(lambda s: not keyword.iskeyword(s))


@settings(max_examples=80, deadline=None)
@given(chunks, st.lists(identifiers, min_size=1, max_size=4), st.sampled_from(["", "!r", ":>10", ":{w}"]))
def test_property_fstrings_holes_in_order(parts, names, spec):
    rendered = []
    for k, (text, style, quote, sep) in enumerate(parts):
        literal = _render(text, style, quote, fstring=True)
        hole = "{" + names[k % len(names)] + spec + "}"
        rendered.append(literal[:-3] + hole + literal[-3:] if style == "triple" else literal[:-1] + hole + literal[-1:])
        rendered.append(sep)
    source = "q = (\n" + "".join(rendered) + "\n)\n"
    node = ast.parse(source).body[0].value
    pieces = literal_pieces(node, source.splitlines(keepends=True))
    assert pieces is not None
    holes = [p for p in pieces if p.hole is not None]
    assert [h.hole.id for h in holes] == [names[k % len(names)] for k in range(len(parts))]
    for h in holes:
        assert_points_at(source, h.positions[0], "{" + h.hole.id)
    _check_positions(source, [p for p in pieces if p.hole is None])


FRAGMENTS = ["f", "r", "b", "u", "'", '"', "'''", '"""', "{", "}", "{{", "\\", "\\n", "\\N{DASH}",
             "x", ":", "!r", "=", "#", "\n", " ", "é", "日", "(", ")", "[", "]", ",", "1"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=20), st.text(max_size=30))
def test_property_never_raises(fragments, junk):
    source = "q = " + "".join(fragments)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        tree = ast.parse("q = f'{x}' 'y'\n")
    lines = source.splitlines(keepends=True)
    for node in _string_nodes(tree):
        result = literal_pieces(node, lines)
        assert result is None or isinstance(result, list)
        literal_pieces(node, [junk, junk + "\n", junk])  # mismatched text: refuse, never raise
        node_position(node, [junk])
