"""Host-language site finders (``boundary-lint[polyglot]``): Go, TypeScript/JavaScript,
Java/Kotlin, shell and Prisma files feed the same analysis, rules, suppressions and output.

The fixtures (tests/fixtures/polyglot/app) hold each hole form and escape of each language;
a finding's expected place is where the table name (or the hole standing for it) is
written in the file, found by searching the file's text, so columns count characters.
The mini-platform of tests/corpus_polyglot is scored per language.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boundary_lint.adapters.config_file import load_registry
from boundary_lint.registry import ConfigError
from boundary_lint.adapters.runner import run_paths
from boundary_lint.languages import HOST_LANGUAGES, LANGUAGE_NAMES
from boundary_lint.tools import accuracy

pytest.importorskip("tree_sitter", reason="boundary-lint[polyglot] is not installed (pip install -e '.[test]')")
for _language in HOST_LANGUAGES:
    if _language.grammar is not None:
        pytest.importorskip(_language.grammar[0], reason=f"the {_language.name} grammar of boundary-lint[polyglot] "
                            "is not installed")

FIXTURES = Path(__file__).parents[1] / "fixtures" / "polyglot"
CORPUS = Path(__file__).parents[1] / "corpus_polyglot"
REPO = Path(__file__).parents[2]

# (file, needle, code, table): the finding stands where "|" is in the needle (else at its start)
EXPECTED = [
    ("holes.go", "%s.invoices", "BND105", "{}.invoices"),
    ("holes.go", "billing.%[1]s", "BND100", "billing.{}"),
    ("holes.go", "billing.invoices WHERE note", "BND101", "billing.invoices"),  # after \" and \t escapes
    ("holes.go", "billing.refunds", "BND100", "billing.refunds"),
    ("holes.go", "billing.payments", "BND100", "billing.payments"),  # after a non-ASCII character
    ("holes.go", "+ |table)", "BND105", "{}"),
    ("holes.ts", "${schema}.invoices", "BND105", "{}.invoices"),
    ("holes.ts", 'billing.invoices");', "BND100", "billing.invoices"),
    ("holes.ts", "billing.refunds", "BND100", "billing.refunds"),
    ("holes.ts", "billing.payments", "BND101", "billing.payments"),
    ("Holes.java", "%s.invoices", "BND105", "{}.invoices"),
    ("Holes.java", "billing.%s", "BND100", "billing.{}"),
    ("Holes.java", "billing.invoices", "BND100", "billing.invoices"),
    ("Holes.java", "billing.refunds", "BND100", "billing.refunds"),  # a text block
    ("holes.kt", "$schema.invoices", "BND105", "{}.invoices"),
    ("holes.kt", "billing.invoices", "BND100", "billing.invoices"),
    ("holes.sh", "$(cat", "BND105", "{}.invoices"),
    ("holes.sh", "billing.invoices", "BND100", "billing.invoices"),
    ("holes.sh", "billing.payments", "BND100", "billing.payments"),  # a quoted here-document: no hole
    ("holes.sh", "billing.refunds", "BND101", "billing.refunds"),
    ("schema.prisma", "Invoice {", "BND106", "billing.Invoice"),
]
SUPPRESSED = [
    ("holes.go", "billing.invoices SET", "BND101"),
    ("holes.ts", "billing.invoices`", "BND100"),
    ("schema.prisma", '"refunds"', "BND106"),
]


def place(name: str, needle: str):
    """``(path, line, column)`` of the needle's marked character in the fixture's text."""
    text = (FIXTURES / "app" / name).read_text(encoding="utf-8")
    offset = text.index(needle.replace("|", "")) + max(needle.find("|"), 0)
    if needle.startswith('"'):
        offset += 1  # a quoted name: the name itself
    line = text.count("\n", 0, offset) + 1
    return f"app/{name}", line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def run(root: Path, *paths: str):
    registry = load_registry(root / "boundaries.toml")
    old = Path.cwd()
    os.chdir(root)
    try:
        return run_paths(list(paths) or ["."], registry, use_cache=False, jobs=1)
    finally:
        os.chdir(old)


@pytest.fixture(scope="module")
def fixture_run():
    return run(FIXTURES)


def test_each_hole_form_and_escape_gives_the_table_names_exact_place(fixture_run):
    found = {(f.path, f.line, f.column, f.code, f.table) for f in fixture_run.findings}
    expected = {(*place(name, needle), code, table) for name, needle, code, table in EXPECTED}
    assert found == expected
    assert not [p for p in fixture_run.problems if p.fatal], fixture_run.problems


def test_suppression_comments_of_each_language_apply(fixture_run):
    found = {(s.finding.path, s.finding.line, s.finding.column, s.finding.code) for s in fixture_run.suppressed}
    assert found == {(*place(name, needle), code) for name, needle, code in SUPPRESSED}
    reasons = {s.finding.path: s.reason for s in fixture_run.suppressed}
    assert reasons["app/schema.prisma"] == "read model until the API ships"


@pytest.fixture(scope="module")
def corpus_scores():
    return accuracy.evaluate(CORPUS)


def language_scores():
    """Precision and recall per host language (by file suffix) on the mini-platform."""
    registry = load_registry(CORPUS / "boundaries.toml")
    from boundary_lint.adapters.source_files import check_file

    by_language = {}
    for language in HOST_LANGUAGES:
        name = "typescript" if language.name == "tsx" else language.name
        for path in sorted(CORPUS.rglob("*")):
            if path.suffix not in language.suffixes:
                continue
            relative = path.relative_to(CORPUS).as_posix()
            result = check_file(path, relative, registry)
            expected = {(relative, *label) for label in accuracy.labels_in(path.read_text(encoding="utf-8"))}
            score = accuracy.compare(expected, {(relative, f.line, f.code, f.table) for f in result.findings})
            score.files = 1
            by_language.setdefault(name, accuracy.Score()).add(score)
    return by_language


def test_the_mini_platform_scores_per_language():
    """First run, on labels committed before it: every language 1.000 / 1.000 (35 labels)."""
    scores = language_scores()
    report = "\n" + accuracy.table(scores, first="language")
    assert set(scores) == {"go", "typescript", "javascript", "java", "kotlin", "shell", "prisma"}, report
    for name, score in scores.items():
        assert score.labels >= 2, (name, report)
        assert score.precision >= accuracy.MIN_PRECISION and score.recall >= accuracy.MIN_RECALL, (name, report)


def test_the_mini_platform_reads_without_errors(corpus_scores):
    overall = corpus_scores["overall"]
    assert overall.errors == 0 and overall.labels >= 30
    assert set(corpus_scores) == {"db", "order_service", "product_service", "user_service", "overall"}
    # JPA's ?1 positional parameter is the one construct sqlglot cannot read: scanned instead
    assert [w.split(": ")[0] for w in overall.warnings] == ["user_service/src/main/java/com/shop/users/UserDao.java:44"]


def cli(*args: str, cwd: Path, env=None):
    environment = dict(os.environ, BOUNDARY_LINT_CACHE_DIR=str(cwd / ".cache"), **(env or {}))
    return subprocess.run([sys.executable, "-m", "boundary_lint", *args], cwd=cwd, capture_output=True, text=True,
                          env=environment, timeout=300)


def test_init_on_the_mini_platform_drafts_a_registry_check_accepts(tmp_path):
    import shutil

    shutil.copytree(CORPUS, tmp_path / "platform", ignore=shutil.ignore_patterns("boundaries.toml"))
    root = tmp_path / "platform"
    drafted = cli("init", ".", cwd=root)
    assert drafted.returncode == 0, drafted.stderr
    text = (root / "boundaries.toml").read_text()
    for service in ("order_service", "product_service", "user_service", "db"):
        assert f"[services.{service}]" in text
    assert '"product.products",' in text  # the Prisma models define the product service's tables
    checked = cli("check", "--format", "json", ".", cwd=root)
    assert checked.returncode == 1, checked.stderr  # findings, not a usage error
    document = json.loads(checked.stdout)
    assert document["summary"]["files"] == 15 and not document["errors"]


BLOCK_TREE_SITTER = (
    "import sys\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0].startswith('tree_sitter'):\n"
    "            raise ImportError('blocked: ' + name)\n"
    "sys.meta_path.insert(0, Block())\n"
    "from boundary_lint.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_without_the_extra_host_files_are_counted_as_not_read_and_the_run_says_once(tmp_path):
    (tmp_path / "boundaries.toml").write_text('[services.app]\nowns = ["app.*"]\npaths = ["**"]\n')
    (tmp_path / "main.go").write_text('package main\nvar q = "SELECT * FROM billing.invoices"\n')
    (tmp_path / "web.ts").write_text('pool.query("SELECT 1");\n')
    (tmp_path / "q.py").write_text('cur.execute("SELECT * FROM billing.invoices")\n')
    env = dict(os.environ, BOUNDARY_LINT_CACHE_DIR=str(tmp_path / ".cache"))
    result = subprocess.run([sys.executable, "-c", BLOCK_TREE_SITTER, "check", "."], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result  # the Python file's BND104
    assert result.stderr.count("boundary-lint[polyglot]") == 1, result.stderr
    assert "2 files of other languages (Go, TypeScript, Java, shell...) were not read" in result.stderr
    assert "2 files not read (no parser installed)" in result.stdout
    again = subprocess.run([sys.executable, "-c", BLOCK_TREE_SITTER, "check", "--format", "json", "."],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert json.loads(again.stdout)["summary"]["coverage"]["not_read"] == 2  # cached as not read, and still said
    installed = subprocess.run([sys.executable, "-m", "boundary_lint", "check", "--format", "json", "."],
                               cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    summary = json.loads(installed.stdout)["summary"]
    assert summary["coverage"].get("not_read", 0) == 0  # the parser installed: read, not taken from the cache
    assert {f["path"] for f in json.loads(installed.stdout)["findings"]} >= {"main.go"}


def test_a_python_only_tree_imports_nothing_of_the_host_finders(tmp_path):
    (tmp_path / "boundaries.toml").write_text('[services.app]\nowns = ["app.*"]\npaths = ["**"]\n')
    (tmp_path / "q.py").write_text('cur.execute("SELECT * FROM billing.invoices")\n')
    (tmp_path / "README.md").write_text("SELECT * FROM billing.invoices\n")
    probe = ("import sys, runpy\nsys.argv = ['boundary-lint', 'check', '--no-cache', '.']\n"
             "from boundary_lint.cli import main\ncode = main(sys.argv[1:])\n"
             "loaded = sorted(m for m in sys.modules if m.startswith(('tree_sitter', 'boundary_lint.sites.host')))\n"
             "print('LOADED', loaded)\n")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                            env=dict(os.environ, BOUNDARY_LINT_CACHE_DIR=str(tmp_path / ".cache")), timeout=300)
    assert "LOADED []" in result.stdout, result


def test_an_unparsable_or_unreadable_host_file_is_a_clear_message_and_the_run_goes_on(tmp_path):
    (tmp_path / "boundaries.toml").write_text('[services.app]\nowns = ["app.*"]\npaths = ["**"]\n')
    (tmp_path / "broken.go").write_text('package main\n\nfunc f( {\n\tdb.Query("SELECT * FROM billing.invoices")\n')
    (tmp_path / "bad.ts").write_bytes(b'pool.query("SELECT \xff FROM billing.refunds");\n')
    (tmp_path / "ok.sh").write_text('psql -c "DELETE FROM billing.payments"\n')
    (tmp_path / "gone.java").symlink_to(tmp_path / "missing.java")
    result = cli("check", ".", cwd=tmp_path)
    assert "broken.go:3: warning: cannot fully parse as go" in result.stderr, result.stderr
    assert "bad.ts:1: error: cannot decode as utf-8" in result.stderr, result.stderr
    assert "gone.java:1: error: cannot read file" in result.stderr and "fix or remove the symlink" in result.stderr
    assert "ok.sh:1:22: BND104" in result.stdout, result.stdout
    assert result.returncode == 1


def test_which_languages_are_read_is_a_registry_setting(tmp_path):
    (tmp_path / "boundaries.toml").write_text(
        '[settings]\nlanguages = ["python", "shell"]\n[services.app]\nowns = ["app.*"]\npaths = ["**"]\n')
    (tmp_path / "main.go").write_text('package main\nvar q = "SELECT * FROM billing.invoices"\n')
    (tmp_path / "ok.sh").write_text('psql -c "DELETE FROM billing.payments"\n')
    result = run(tmp_path)
    assert [f.path for f in result.findings] == ["ok.sh"] and result.files == 1
    (tmp_path / "boundaries.toml").write_text('[settings]\nlanguages = ["typscript"]\n[services.app]\nowns = []\n')
    with pytest.raises(ConfigError, match=r"unknown language 'typscript'; did you mean 'typescript'\?"):
        load_registry(tmp_path / "boundaries.toml")
    assert LANGUAGE_NAMES[:2] == ("python", "sql")


def test_the_flake8_plugin_reads_python_only(tmp_path):
    (tmp_path / "boundaries.toml").write_text('[services.app]\nowns = ["app.*"]\npaths = ["**"]\n')
    (tmp_path / "q.py").write_text('cur.execute("SELECT * FROM billing.invoices")\n')
    (tmp_path / "main.go").write_text('package main\nvar q = "SELECT * FROM billing.invoices"\n')
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "BND", "."], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.stdout.splitlines() == ["./q.py:1:28: BND104 app reads billing.invoices, which no service "
                                          "in the registry owns"], result


def _walks(path: Path, monkeypatch=None):
    """(sites, comments, references, named roots) of each walk of a host file: every node, then
    the query's nodes only (a string of a type's keyword, TypeScript's ``: string``, is an
    unnamed node the first walk also offers: it is never SQL)."""
    import importlib

    from boundary_lint.sites.host_tree_sitter import Source, parser_for

    language = next(h for h in HOST_LANGUAGES if path.suffix in h.suffixes and h.grammar is not None)
    data = path.read_bytes()
    tree = parser_for(language).parse(data)
    finder = importlib.import_module(f"boundary_lint.sites.{language.finder}")
    out = []
    for grammar in (None, tree.language):
        walker = finder.walker(language.name, Source(data))
        walker.path = str(path)
        walker.walk(tree.root_node, grammar)
        sites = walker.result()
        out.append((repr(sites), walker.comments, repr(walker.references),
                    [(r.start_byte, r.end_byte) for r in walker.roots if r.is_named]))
    return out


HOST_FILES = sorted(p for root in (FIXTURES, CORPUS) for p in root.rglob("*")
                    if p.is_file() and any(p.suffix in h.suffixes for h in HOST_LANGUAGES if h.grammar is not None))


@pytest.mark.parametrize("path", HOST_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_the_query_s_nodes_give_what_walking_every_node_gives(path):
    every_node, queried = _walks(path)
    assert queried == every_node


@pytest.mark.parametrize("path", HOST_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_a_literal_judged_from_its_bytes_gives_the_sites_composing_it_gives(path, monkeypatch):
    from boundary_lint.sites.host_tree_sitter import HostWalker

    read_from_bytes = _walks(path)
    monkeypatch.setattr(HostWalker, "literal_first_text", lambda self, node: None)  # every root composed
    assert _walks(path) == read_from_bytes


def test_a_vendored_library_is_walked_by_its_query_nodes_only(monkeypatch, tmp_path):
    """jQuery-like code: thousands of calls and ``+``; the query hands the walk the calls,
    strings, ``+`` and comments only (a fraction of the tree's nodes), and every site is
    still found."""
    from boundary_lint.sites import host_tree_sitter

    body = "".join(f"$(el{n}).on('select', function (e) {{ return a{n} + b[{n}] * 2; }});\n" for n in range(300))
    path = tmp_path / "vendored.js"
    path.write_text(body + "db.query('SELECT * FROM billing.invoices');\n")
    seen = []
    real = host_tree_sitter._document_order
    monkeypatch.setattr(host_tree_sitter, "_document_order", lambda nodes: seen.append(len(nodes)) or real(nodes))
    every_node, queried = _walks(path)
    assert queried == every_node and "billing.invoices" in queried[0]
    tree = host_tree_sitter.parser_for(next(h for h in HOST_LANGUAGES if ".js" in h.suffixes)).parse(path.read_bytes())
    nodes, stack = 0, [tree.root_node]
    while stack:
        nodes += 1
        stack.extend(stack.pop().children)
    assert seen and seen[0] * 4 < nodes, (seen, nodes)


def test_a_grammar_s_query_is_made_once_whether_or_not_it_names_itself():
    """Making a query costs ~1.5 ms, more than walking a small file: TypeScript's grammars
    report no name, and each file made its own (a regression)."""
    from boundary_lint.sites.host_tree_sitter import _query, parser_for

    for suffix in (".ts", ".tsx", ".js"):
        language = next(h for h in HOST_LANGUAGES if suffix in h.suffixes and h.grammar is not None)
        one = parser_for(language).parse(b"const a = 1;").language
        two = parser_for(language).parse(b"let b = 'x';").language
        types = frozenset({"comment", "string"})
        assert _query(one, types) is not None and _query(one, types) is _query(two, types), suffix
