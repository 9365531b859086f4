"""Large ``.sql`` files read in pieces (sql_stream): the same result as read at once, and
where reading must stop, a warning naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from boundary_lint.adapters import source_files
from boundary_lint.pipeline import check_sql_source
from boundary_lint.adapters.config_file import load_registry
from boundary_lint.registry import Registry, Service
from boundary_lint.adapters.sql_stream import check_sql_stream
from conftest import FIXTURES

TESTS = Path(__file__).parents[1]
SQL_FILES = sorted(p for root in (FIXTURES, TESTS / "corpus", TESTS / "corpus_holdout", TESTS / "sql_cases")
                   for p in root.rglob("*.sql"))
REGISTRY = Registry({"app": Service("app", owns=("app.*",), search_path=("app",)),
                     "billing": Service("billing", owns=("billing.*", "public.*"))})
TRICKY = (  # every place a statement may not be cut: strings, comments, bodies, COPY data, CRLF
    "SET search_path = app;\r\n"
    "SELECT ';' AS semi, $$;$$ FROM billing.a; -- a comment; with a semicolon\n"
    "/* a block; /* nested; */ still; */ DELETE FROM billing.b;\n"
    "CREATE FUNCTION app.f() RETURNS void LANGUAGE plpgsql AS $body$\n"
    "BEGIN\n  UPDATE billing.c SET x = 1;\n  PERFORM 1;\nEND;\n$body$;\n"
    "COPY app.t (a, b) FROM stdin;\n1\tit's; here\n2\tSELECT * FROM billing.no;\n\\.\n"
    "\\copy app.t FROM stdin\nx; y\n\\.\n"
    "INSERT INTO app.t VALUES ('é; ü', E'\\'; x'); SELECT * FROM billing.d; SELECT * FROM public.e;\n"
    "SELECT * FROM billing.f -- boundary: allow BND100 reason: the nightly export\n;\n"
)


def result_of(result):
    return result.findings, result.problems, result.suppressed, result.unused, result.coverage


@pytest.mark.parametrize("block", [1, 7, 64, 4096])
def test_pieces_give_the_file_s_result_on_tricky_text(tmp_path, block):
    path = tmp_path / "dump.sql"
    path.write_bytes(TRICKY.encode())
    whole = check_sql_source("dump.sql", TRICKY.replace("\r\n", "\n"), REGISTRY, "app")
    assert [f.table for f in whole.findings] == ["billing.a", "billing.b", "billing.c", "billing.d", "public.e"]
    assert result_of(check_sql_stream(path, "dump.sql", REGISTRY, "app", block=block)) == result_of(whole)


def test_one_long_line_is_cut_between_statements_and_keeps_its_columns(tmp_path):
    text = "".join(f"INSERT INTO app.t VALUES ({n}, 'a;b'); " for n in range(300)) + "SELECT * FROM billing.x;"
    path = tmp_path / "line.sql"
    path.write_text(text)
    (finding,) = check_sql_stream(path, "line.sql", REGISTRY, "app", block=100).findings
    assert (finding.line, finding.column) == (1, text.index("billing.x") + 1)


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(TESTS)))
def test_pieces_give_the_file_s_result_on_every_corpus_sql_file(path):
    root = next(p for p in path.parents if (p / "boundaries.toml").exists() or p == TESTS)
    registry = load_registry(root / "boundaries.toml") if (root / "boundaries.toml").exists() else REGISTRY
    service = registry.service_for_path(path) or next(iter(registry.services))
    text = path.read_bytes().decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    whole = check_sql_source(str(path), text, registry, service)
    for block in (5, 300):
        assert result_of(check_sql_stream(path, str(path), registry, service, block=block)) == result_of(whole)


def test_a_file_over_the_size_cap_is_read_to_its_end(tmp_path, monkeypatch):
    """Bug: a .sql file over 5 MB was skipped whole ("larger than 5 MB"), its findings unseen."""
    monkeypatch.setattr(source_files, "MAX_FILE_BYTES", 2_000)
    text = "".join(f"INSERT INTO app.t VALUES ({n});\n" for n in range(200)) + "DELETE FROM billing.x;\n"
    path = tmp_path / "dump.sql"
    path.write_text(text)
    result = source_files.check_file(path, "dump.sql", REGISTRY, "app")
    assert [(f.line, f.code, f.table) for f in result.findings] == [(201, "BND101", "billing.x")]
    assert result.problems == []


def test_reading_stops_past_the_byte_limit_with_a_warning_at_the_line(tmp_path):
    text = "".join(f"SELECT * FROM billing.t{n};\n" for n in range(1000))
    path = tmp_path / "huge.sql"
    path.write_text(text)
    result = check_sql_stream(path, "huge.sql", REGISTRY, "app", block=1000, max_bytes=5000)
    (warning,) = result.problems
    assert not warning.fatal and warning.message.startswith("stopped reading here: the file is larger than")
    assert warning.line == len(result.findings) + 1  # the findings are those of every line before it


def test_one_statement_too_long_is_scanned_up_to_the_limit_and_reading_stops_there(tmp_path):
    rows = ",".join(f"({n}, 'x')" for n in range(3000))
    text = "SELECT * FROM billing.before;\nINSERT INTO billing.big VALUES " + rows + ";\nSELECT * FROM billing.after;\n"
    path = tmp_path / "big.sql"
    path.write_text(text)
    result = check_sql_stream(path, "big.sql", REGISTRY, "app", block=500, max_statement=10_000)
    assert [f.table for f in result.findings] == ["billing.before", "billing.big"]
    assert [(p.line, p.fatal) for p in result.problems if p.message.startswith("stopped reading here")] == [(2, False)]
    assert "the statement from line 2 is longer than 10,000 characters" in result.problems[-1].message


def test_binary_content_and_bad_utf8_are_reported_as_in_a_small_file(tmp_path):
    binary = tmp_path / "b.sql"
    binary.write_bytes(b"SELECT 1;\n" * 50 + b"\0")
    assert [p.message for p in check_sql_stream(binary, "b.sql", REGISTRY, "app", block=64).problems] == [
        "skipped: binary content (NUL bytes); exclude it"]
    latin = tmp_path / "l.sql"
    latin.write_bytes(b"SELECT * FROM billing.a;\n" * 3 + b"SELECT '\xe9';\n")
    result = check_sql_stream(latin, "l.sql", REGISTRY, "app", block=16)
    assert [(p.line, p.message.startswith("cannot decode as utf-8")) for p in result.problems] == [(4, True)]


def _reads(monkeypatch):
    """The ``may_find`` of each pass of sql_stream over the file's pieces (None: every statement parsed)."""
    from boundary_lint.adapters import sql_stream

    passes, real = [], sql_stream._read_pieces
    monkeypatch.setattr(sql_stream, "_read_pieces",
                        lambda path, display, registry, service, may_find, **limits:
                        passes.append(may_find) or real(path, display, registry, service, may_find, **limits))
    return passes


def test_a_write_elsewhere_without_a_transaction_is_not_read_again_parsed(tmp_path, monkeypatch):
    """Bug: a dump writing another owner's table was read a second time with every statement
    parsed (10 MB: 6 s instead of 1.5 s, and a budget warning a file read at once did not give)."""
    passes = _reads(monkeypatch)
    text = "".join(f"INSERT INTO app.t VALUES ({n});\n" for n in range(300)) + "DELETE FROM billing.x;\n"
    path = tmp_path / "dump.sql"
    path.write_text(text)
    streamed = check_sql_stream(path, "dump.sql", REGISTRY, "app", block=500)
    assert result_of(streamed) == result_of(check_sql_source("dump.sql", text, REGISTRY, "app"))
    assert [(f.line, f.table) for f in streamed.findings] == [(301, "billing.x")]
    assert len(passes) == 1 and passes[0] is not None


def test_a_transaction_across_pieces_writing_two_owners_is_read_again_with_its_writes_parsed(tmp_path, monkeypatch):
    passes = _reads(monkeypatch)
    text = ("BEGIN;\n" + "".join(f"INSERT INTO app.t VALUES ({n});\n" for n in range(300))
            + "DELETE FROM billing.x;\nCOMMIT;\n")
    path = tmp_path / "dump.sql"
    path.write_text(text)
    streamed = check_sql_stream(path, "dump.sql", REGISTRY, "app", block=500)
    assert result_of(streamed) == result_of(check_sql_source("dump.sql", text, REGISTRY, "app"))
    assert "BND108" in {f.code for f in streamed.findings}
    assert len(passes) == 2 and passes[0].__name__ == "may_find" and passes[1].__name__ == "may_find_or_write"


def test_a_hundred_thousand_tiny_statements_are_read_in_one_pass_none_parsed(tmp_path, monkeypatch):
    """A dump of 100,000 one-line INSERTs into the service's own tables: proved finding-free,
    none is parsed (the file's budget of parses stays whole), the one crossing statement is found."""
    monkeypatch.setattr(source_files, "MAX_FILE_BYTES", 100_000)
    passes = _reads(monkeypatch)
    text = "".join(f"INSERT INTO app.t VALUES ({n});" + ("\n" if n % 10 == 9 else " ") for n in range(100_000))
    path = tmp_path / "dump.sql"
    path.write_text(text + "DELETE FROM billing.x;\n")
    result = source_files.check_file(path, "dump.sql", REGISTRY, "app")
    assert [(f.line, f.table) for f in result.findings] == [(10_001, "billing.x")]
    assert result.problems == [] and result.coverage["parsed"] == 1 and len(passes) == 1


def test_one_long_line_is_held_a_block_at_a_time(tmp_path):
    """Memory stays bounded on a file that is one line: each piece is cut at the last
    statement end of what was read, never the whole line."""
    from boundary_lint.adapters.sql_stream import Piece, pieces

    text = "".join(f"INSERT INTO app.t VALUES ({n}, 'a;b'); " for n in range(20_000))
    path = tmp_path / "line.sql"
    path.write_text(text)
    read = [item for item in pieces(path, block=4096) if isinstance(item, Piece)]
    assert "".join(piece.text for piece in read) == text
    assert len(read) > 100 and max(len(piece.text) for piece in read) <= 2 * 4096


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64])
def test_a_lone_carriage_return_before_a_line_break_reads_as_in_one_piece(tmp_path, block):
    """``\r\r\n`` is ``\r\n`` read at once (one replace over the file): read in blocks, each
    block's text is normalized once, so where the blocks fall changes nothing, and a later
    pass cuts the pieces of the first at the same text (bug: text read before was normalized
    again at each read, ``\r\r\n`` became ``\n`` or not by where blocks fell)."""
    from boundary_lint.adapters import sql_stream

    text = ("BEGIN;\r\r\nUPDATE billing.t SET a = 1;\r\r\nCOPY app.t FROM stdin;\r\n1\t2\r\r\n\\.\r\r\n"
            "-- end\r\r\nSELECT * FROM billing.u;\r\r\nCOMMIT\r\r\n") * 3
    path = tmp_path / "dump.sql"
    path.write_bytes(text.encode())
    whole = check_sql_source("dump.sql", text.replace("\r\n", "\n"), REGISTRY, "app")
    assert "BND108" in {f.code for f in whole.findings}
    assert result_of(check_sql_stream(path, "dump.sql", REGISTRY, "app", block=block)) == result_of(whole)
    first = [item for item in sql_stream.pieces(path, block=block) if isinstance(item, sql_stream.Piece)]
    assert "".join(p.text for p in first) == text.replace("\r\n", "\n")
    cuts = sql_stream.Cuts(sql_stream.file_stamp(path), tuple(len(p.text) for p in first))
    assert list(sql_stream.pieces(path, block=block, cuts=cuts)) == first


@pytest.mark.parametrize("text, limits", [
    (TRICKY * 20, {"block": 7}),
    (TRICKY * 20, {"block": 300}),
    ("".join(f"SELECT * FROM billing.t{n};\n" for n in range(1000)), {"block": 1000, "max_bytes": 5000}),
    ("SELECT 1;\nINSERT INTO billing.big VALUES " + ",".join(f"({n}, 'x')" for n in range(3000)) + ";\nSELECT 2;\n",
     {"block": 500, "max_statement": 10_000}),
])
def test_a_later_pass_cuts_the_pieces_of_the_first_without_lexing(tmp_path, monkeypatch, text, limits):
    """The transactions' pass over a dump that writes elsewhere reads the pieces the first pass
    cut, at the lengths it recorded: the same pieces, as far as the first went, none lexed again."""
    from boundary_lint.adapters import sql_stream

    path = tmp_path / "dump.sql"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    first = [item for item in sql_stream.pieces(path, **limits) if isinstance(item, sql_stream.Piece)]
    assert len(first) > 1
    cuts = sql_stream.Cuts(sql_stream.file_stamp(path), tuple(len(p.text) for p in first))
    monkeypatch.setattr(sql_stream, "last_cut", lambda text: pytest.fail("lexed again to find a cut"))
    again = list(sql_stream.pieces(path, cuts=cuts, **limits))
    assert again == first


def test_a_file_changed_since_the_first_pass_is_cut_again_where_its_statements_end(tmp_path):
    """Lengths recorded on a file that changed before the next pass would cut its statements
    anywhere: that pass lexes the file again and gives the pieces a first pass would."""
    from boundary_lint.adapters import sql_stream

    path = tmp_path / "dump.sql"
    path.write_text("".join(f"SELECT * FROM billing.t{n};\n" for n in range(300)))
    first = [item for item in sql_stream.pieces(path, block=500) if isinstance(item, sql_stream.Piece)]
    cuts = sql_stream.Cuts(sql_stream.file_stamp(path), tuple(len(p.text) for p in first))
    path.write_text("-- a comment that shifts every statement\n" + path.read_text())
    again = [item for item in sql_stream.pieces(path, block=500, cuts=cuts) if isinstance(item, sql_stream.Piece)]
    assert again == [item for item in sql_stream.pieces(path, block=500) if isinstance(item, sql_stream.Piece)]
    assert all(piece.text.endswith(";\n") for piece in again)


def test_a_dump_rewritten_between_the_passes_gives_the_findings_of_the_new_text(tmp_path, monkeypatch):
    """The file changes after the first pass found a write elsewhere, before the transactions'
    pass: BND108 stands where the new text's transaction is, as a check of that text gives."""
    from boundary_lint.adapters import sql_stream

    old = "".join(f"SELECT * FROM app.t{n};\n" for n in range(200)) + "BEGIN;\nUPDATE billing.t SET a = 1;\n" \
        "UPDATE app.t SET a = 1;\nCOMMIT;\n"
    new = "-- shifted\n" * 37 + old
    path = tmp_path / "dump.sql"
    path.write_text(old)
    first_pass = sql_stream.stream_transactions

    def rewritten_first(path, cuts=None, **limits):
        path.write_text(new)
        return first_pass(path, cuts, **limits)

    monkeypatch.setattr(sql_stream, "stream_transactions", rewritten_first)
    streamed = check_sql_stream(path, "dump.sql", REGISTRY, "app", block=300)
    whole = check_sql_source("dump.sql", new, REGISTRY, "app")
    assert "BND108" in {f.code for f in whole.findings}
    assert [(f.code, f.line) for f in streamed.findings if f.code == "BND108"] == \
        [(f.code, f.line) for f in whole.findings if f.code == "BND108"]
