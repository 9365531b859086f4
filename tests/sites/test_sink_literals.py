"""Sink calls whose SQL is one plain literal, read from a module's text before any parse.

Found only where the text leaves no doubt: each one is the ``ast`` constant at its place, the
first argument of a call of a sink, in no larger expression. Judged as the walk judges a sink's
SQL: the same findings, problems and coverage on every corpus, and a function holding nothing
else is left out of the parse.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boundary_lint import pipeline
from boundary_lint.adapters.config_file import load_registry
from boundary_lint.adapters.files import iter_files
from boundary_lint.adapters.source_files import check_file
from boundary_lint.registry_schema import registry_from_mapping
from boundary_lint.sites.ast_calls import callee_name
from boundary_lint.sites.python import SQL_KEYWORDS, sink_names
from boundary_lint.sites.sink_literals import RESULT_METHODS, blanked, plain_sink_literals
from conftest import FIXTURES, PLATFORM
from project import REPOSITORY, repository_python_files

SINKS = sink_names()
CORPORA = [PLATFORM, FIXTURES / "orm_project", REPOSITORY / "examples" / "order_service",
           REPOSITORY / "tests" / "corpus", REPOSITORY / "tests" / "corpus_holdout",
           REPOSITORY / "tests" / "corpus_holdout2"]
REGISTRY = registry_from_mapping({"services": {
    "orders": {"owns": ["orders.*"], "search_path": ["orders"]},
    "billing": {"owns": ["billing.*"]},
}})


def found(source: str):
    return [literal.value for literal in plain_sink_literals(textwrap.dedent(source), SINKS)]


@pytest.mark.parametrize("source, values", [
    ('cur.execute("SELECT a FROM t WHERE id = %s", (key,))\n', ["SELECT a FROM t WHERE id = %s"]),
    ('rows = cur.execute(\'SELECT b FROM t\').fetchall()\n', ["SELECT b FROM t"]),
    ('cur.execute("SELECT a FROM t "\n            "JOIN u ON u.id = t.id", (1, {"k": 2}))\n',
     ["SELECT a FROM t JOIN u ON u.id = t.id"]),
    ('cur.execute(\n    """\n    SELECT c FROM t\n    """,  # why\n    (a,),\n)\n', ["\n    SELECT c FROM t\n    "]),
    ('cur.execute("SELECT a FROM t"  # it\'s\n            u"JOIN c")\n', ["SELECT a FROM tJOIN c"]),
    ('async def f(conn):\n    return await conn.fetchrow(r"SELECT 1 FROM t", 1)\n', ["SELECT 1 FROM t"]),
    ('x = [\n    cur.execute("SELECT 1 FROM a"),\n    cur.execute("SELECT 2 FROM b"),\n]\n',
     ["SELECT 1 FROM a", "SELECT 2 FROM b"]),
    ('self.db.cursor().execute("DELETE FROM t")  # done\n', ["DELETE FROM t"]),
    ('result = await session.execute(text("SELECT a FROM t WHERE id = :id"), {"id": id})\n',
     ["SELECT a FROM t WHERE id = :id"]),
    ('result = await session.execute(\n    text("""\n        SELECT b FROM t\n    """),\n    {"id": id},\n)\n',
     ["\n        SELECT b FROM t\n    "]),
])
def test_plain_literals_passed_first_to_a_sink_are_found_with_their_value(source, values):
    assert found(source) == values


@pytest.mark.parametrize("source", [
    'def f():\n    """cur.execute("SELECT * FROM billing.x")"""\n',  # in a docstring
    '# cur.execute("SELECT 1 FROM a")\n',  # in a comment
    'cur.execute("SELECT a FROM t" + t)\n',  # composed
    'cur.execute(f"SELECT a FROM {t}")\n',
    'cur.execute("SELECT a FROM %s" % t)\n',
    'cur.execute("SELECT a FROM {}".format(t))\n',
    'cur.execute("SELECT a FROM t", sql=q)\n',  # a keyword argument may be the SQL
    'cur.execute(r"SELECT \\d FROM t")\n',  # a backslash: the value is not the text
    'cur.execute(b"SELECT a FROM t")\n',
    'x = foo(cur.execute("SELECT a FROM t"))\n',  # inside another expression
    'q = (\n    text("SELECT * FROM ")\n) + t\n',
    'q = (text("SELECT * FROM ")\n     + t)\n',
    'x = (cur.mogrify("SELECT a FROM t")\n     .decode())\n',
    'q = "SELECT a " + \\\n    text("SELECT b FROM t")\n',
    'cur.execute("SELECT a FROM t")[0]\n',
    'record(cur.execute)("SELECT a FROM t")\n',
    'cur.execute("")\n',
    'log("SELECT a FROM t")\n',  # no sink
    'conn.execute(text("SELECT c FROM t").bindparams(x=1))\n',
    'conn.execute(text("SELECT d FROM t"), sql=x)\n',  # the sink's SQL is another argument
    'q = foo(text("SELECT e FROM t"))\n',
    'x = (session.execute(\n    text("SELECT f FROM t")) + 1)\n',
    'conn.execute(\n    text("SELECT g FROM t")\n) + q\n',
    'conn.execute(mogrify("SELECT h FROM t"))\n',  # only text() is seen through
])
def test_doubtful_shapes_are_left_to_the_walk(source):
    assert found(source) == []


def test_a_text_with_carriage_returns_is_left_to_the_walk():
    assert plain_sink_literals('cur.execute("SELECT a FROM t")\r\n', SINKS) == []


def _parents(tree):
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def assert_found_are_sink_constants(source: str, where: object = None) -> int:
    """Each literal found is the constant at its place with its value, the first argument of a
    call of a sink with no SQL keyword argument, and that call no operand of an operator, a
    subscript or a format (method calls on its result aside). Returns how many were found."""
    literals = plain_sink_literals(source, SINKS)
    if not literals:
        return 0
    tree = ast.parse(source)
    constants = {(n.lineno, n.col_offset): n for n in ast.walk(tree)
                 if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    parents = _parents(tree)
    for literal in literals:
        node = constants.get((literal.line, literal.column))
        assert node is not None and node.value == literal.value, (where, literal)
        call = parents[id(node)]
        assert isinstance(call, ast.Call) and call.args and call.args[0] is node, (where, literal)
        assert callee_name(call.func) in SINKS and not any(k.arg in SQL_KEYWORDS for k in call.keywords)
        outer = parents.get(id(call))
        if isinstance(outer, ast.Call) and outer.args and outer.args[0] is call and callee_name(call.func) == "text":
            assert callee_name(outer.func) in SINKS and not any(k.arg in SQL_KEYWORDS for k in outer.keywords)
            call, outer = outer, parents.get(id(outer))  # session.execute(text("..."))
        while isinstance(outer, ast.Attribute) or (isinstance(outer, ast.Call) and isinstance(
                parents.get(id(outer)), ast.Attribute)):
            assert not isinstance(outer, ast.Attribute) or outer.attr in RESULT_METHODS, (where, literal)
            outer = parents.get(id(outer))  # .fetchall() on the result
        assert not isinstance(outer, (ast.BinOp, ast.JoinedStr, ast.FormattedValue, ast.Subscript,
                                      ast.BoolOp, ast.Compare, ast.IfExp)), (where, literal)
    return len(literals)


def test_every_literal_found_in_the_repository_is_the_constant_a_sink_is_called_with():
    """On every Python file of the fixtures, corpora, example and package."""
    checked = 0
    for path in repository_python_files():
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            checked += assert_found_are_sink_constants(source, path)
        except SyntaxError:
            continue  # a fixture that does not parse: the walk reads nothing there either
    assert checked > 50


_BEFORE = ["", "x = ", "return ", "await ", "foo(", '"a" + ', "(", "x = [\n    ", "q = (\n    ", "a +\\\n    ",
           "if ok: ", "x = y if c else ", "print(", "lambda: ", "session.execute(", "await s.execute(\n    ",
           "s.execute(x, ", "s.execute(sql=", "(s.execute(\n    "]
_AFTER = ["", ")", "), {'id': 1})", ")\n)", "), sql=q)", ") + t", ".format(x))", ".join(y))",
          ".fetchall())",
          " + t", ".format(x)", ".fetchall()", "[0]", ".strip() + t", " if c else y", " or q", ",",
          "\n    + t", "\n    .decode()", "\nx = 1", "  # note", " and x", ") % t"]
_ARGUMENTS = ["", ", (key,)", ", sql=q", ", {\"k\": [1]}", ",\n    (a, b),\n", ", *rest", ', ("SELECT 1",)']
_STRINGS = ['"SELECT a FROM t"', "'SELECT b FROM t'", 'r"SELECT c FROM t"', 'f"SELECT {t} FROM t"',
            '"""\n    SELECT d FROM t\n    """', '"SELECT e "\n    "FROM t"', '"SELECT f" \'FROM t\'',
            'b"SELECT g FROM t"', '"SELECT \\\\h FROM t"', 'u"SELECT i FROM t"  # c\n    "JOIN j"']


@settings(max_examples=300, deadline=None)
@given(before=st.sampled_from(_BEFORE), receiver=st.sampled_from(["", "cur.", "self.db.cursor().", "x[0]."]),
       name=st.sampled_from(["execute", "text", "fetchrow", "mogrify", "helper"]),
       string=st.sampled_from(_STRINGS), arguments=st.sampled_from(_ARGUMENTS), after=st.sampled_from(_AFTER),
       indent=st.booleans())
def test_a_literal_found_in_any_shape_is_a_sink_s_first_argument_and_composes_nothing(
        before, receiver, name, string, arguments, after, indent):
    source = f"{before}{receiver}{name}({string}{arguments}){after}\n"
    if indent:
        source = "def f():\n" + textwrap.indent(source, "    ")
    try:
        compile(source, "m.py", "exec", ast.PyCF_ONLY_AST)
    except SyntaxError:
        return  # only what Python reads is a module
    assert_found_are_sink_constants(source, source)


def test_blanking_keeps_every_line_and_leaves_the_arguments():
    source = 'cur.execute(\n    "SELECT a FROM t",\n    (text("SELECT 1"),))\nx = 1\n'
    literals = plain_sink_literals(source, SINKS)
    text = blanked(source, literals)
    assert text.count("\n") == source.count("\n") and len(text) == len(source)
    assert "execute" not in text and "SELECT a" not in text and 'text("SELECT 1")' in text


def _results(root: Path, monkeypatch, proven: bool, judged=None):
    registry = load_registry(root / "boundaries.toml")
    real = pipeline.proven_sink_literals

    def judging(source, registry, words, proof, lines):
        found, left = real(source, registry, words, proof, lines) if proven else ({}, lines)
        if judged is not None:
            judged.extend(found)
        return found, left

    monkeypatch.setattr(pipeline, "proven_sink_literals", judging)
    try:
        return [check_file(path, display, registry) for path, display in iter_files([str(root)])]
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("root", CORPORA, ids=lambda p: p.name)
def test_judging_sink_literals_before_the_walk_changes_nothing_a_user_sees(root, monkeypatch):
    """Findings, problems, suppressions and coverage, file by file, with and without it (on
    the labelled corpora, dozens of calls are judged before the walk)."""
    walked = _results(root, monkeypatch, proven=False)
    literals = []
    judged = _results(root, monkeypatch, proven=True, judged=literals)
    assert len(literals) >= (20 if root.name.startswith("corpus") else 0)
    for before, after in zip(walked, judged):
        assert (after.findings, after.problems, after.suppressed, after.unused, after.coverage) == (
            before.findings, before.problems, before.suppressed, before.unused, before.coverage), before.path


OWN_ONLY = '''\
def handler_{n}(conn, key):
    """Handler {n}."""
    with conn.cursor() as cur:
        cur.execute("SELECT o.id, o.note FROM orders o "
                    "WHERE o.id = %s", (key,))
        rows = cur.fetchall()
        cur.execute("UPDATE orders SET note = %s WHERE id = %s", ("x", key))
    return rows

'''


def test_a_function_holding_only_such_calls_is_left_out_of_the_parse(monkeypatch):
    source = "".join(OWN_ONLY.format(n=n) for n in range(20)) + (
        'def crossing(cur):\n    cur.execute("SELECT * FROM billing.invoices")\n    return cur.fetchall()\n')
    parsed = []
    real = pipeline.parse_hollowed

    def recording(text, lines, interesting):
        tree = real(text, lines, interesting)
        parsed.append(tree)
        return tree

    monkeypatch.setattr(pipeline, "parse_hollowed", recording)
    result = pipeline.check_source(source.encode(), Path("svc.py"), "svc.py", REGISTRY, "orders")
    assert [(f.code, f.line, f.table) for f in result.findings] == [("BND100", 182, "billing.invoices")]
    assert result.coverage == {"sql_sites": 41, "parsed": 41}  # the 40 judged before the walk count as read
    functions = [node for node in parsed[0].body if isinstance(node, ast.FunctionDef)]
    assert all(isinstance(f.body[0], ast.Pass) for f in functions[:20])  # never parsed
    assert not isinstance(functions[20].body[0], ast.Pass)


FILLER = "".join(f"    x{n} = {n}\n" for n in range(200))


@pytest.mark.parametrize("source", [
    'session.execute(text("SELECT * FROM {}").format("billing.invoices"))\n',  # .format composes the sink's SQL
    'session.execute(text("SELECT * FROM orders.o o JOIN ").join(["", "billing.invoices i ON true"]))\n',
    'q = text("SELECT * FROM {}").format(t)\ncur.execute(q)\n',
    'cur.execute("SELECT 1 FROM orders.o")\nx = f"{foo(\'SELECT * FROM billing.invoices\')}"\n',  # a literal in a field
    'def run(q):\n    return cur.execute(q)\n\ncur.execute("SELECT 1 FROM orders.o")\nrun("DELETE")\n',  # a helper
    'cur.execute(a if c else\n    text("SELECT 1 FROM orders.o WHERE x = \'{{}}\'").format())\n',
    "class A(models.Model):\n    pass\n\ndef g():\n" + FILLER + "    y = 1 +* 2\n",  # no SQL, a syntax error
    'cur.execute("SELECT 1 FROM orders.o")\n\ndef g():\n    cur.execute("SELECT 2 FROM orders.o")\n' + FILLER,
])
def test_shapes_found_in_review_give_what_the_walk_gives(source, monkeypatch):
    """Each of these once differed from the walk (a finding lost, a site counted twice, a parse
    error hidden in a body without SQL): findings, problems and coverage as the walk gives them."""
    def result():
        found = pipeline.check_source(source.encode(), Path("svc.py"), "svc.py", REGISTRY, "orders")
        return found.findings, found.problems, found.coverage

    judged = result()
    monkeypatch.setattr(pipeline, "proven_sink_literals", lambda source, registry, words, proof, lines: ({}, lines))
    assert judged == result()


def test_a_file_with_no_sql_and_a_syntax_error_in_a_long_function_is_still_reported():
    """A model hint brings it to the checker with no line to walk: it is parsed whole (its
    bodies are left out only where a line holds SQL or a judged call), so the error is seen."""
    source = "class A(models.Model):\n    pass\n\ndef g():\n" + FILLER + "    y = 1 +* 2\n"
    result = pipeline.check_source(source.encode(), Path("svc.py"), "svc.py", REGISTRY, "orders")
    assert [p.line for p in result.problems if "cannot parse as Python" in p.message] == [205]


def test_what_the_walk_reads_and_a_judged_function_does_not(tmp_path):
    """The two things that differ, both as for a function with no SQL at all, whose body was
    already left out of the parse: a syntax error inside a function whose only SQL was
    cleared is not reported (Python's, or flake8's E999, is), and an expression too deep to
    walk in a call that was cleared gives no warning (the call is not walked)."""
    hidden = ('def f(cur):\n    cur.execute("SELECT * FROM orders.o WHERE id = %s", (1,))\n'
              + FILLER + "    y = 1 +* 2\n")
    result = pipeline.check_source(hidden.encode(), Path("svc.py"), "svc.py", REGISTRY, "orders")
    assert result.problems == [] and result.coverage == {"sql_sites": 1, "parsed": 1}
    deep = 'cur.execute("SELECT 1", ' + " + ".join(["1"] * 800) + ')\ncur.execute("SELECT * FROM billing.x")\n'
    result = pipeline.check_source(deep.encode(), Path("svc.py"), "svc.py", REGISTRY, "orders")
    assert result.problems == [] and [(f.code, f.line) for f in result.findings] == [("BND100", 2)]


def test_a_transaction_writing_elsewhere_counts_the_writes_judged_before_the_walk():
    """BND108 needs every write of the transaction, the service's own too: a file that writes
    another owner's table is read again whole."""
    source = textwrap.dedent('''\
        def pay(conn):
            with conn.transaction():
                conn.execute("UPDATE orders SET paid = true WHERE id = 1")
                conn.execute("UPDATE billing.invoices SET paid = true WHERE id = 1")
    ''')
    result = pipeline.check_source(source.encode(), Path("svc.py"), "svc.py", REGISTRY, "orders")
    unfiltered = pipeline.check_source(source.encode(), Path("svc.py"), "svc.py", REGISTRY, "orders", prefilter=False)
    assert "BND108" in {f.code for f in result.findings}
    assert result.findings == unfiltered.findings
