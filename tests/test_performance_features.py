"""Pre-filter, lazy imports, parallel jobs and the results cache: fast, and never different."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from boundary_lint import pipeline
from boundary_lint.adapters.source_files import check_file
from boundary_lint.adapters.config_file import load_registry
from boundary_lint.adapters.files import iter_files
from boundary_lint.prefilter.lines import may_hold_findings
from conftest import PLATFORM

ROOT = Path(__file__).resolve().parent.parent
CORPORA = [p for p in (PLATFORM, PLATFORM.parent / "orm_project", ROOT / "examples" / "order_service",
                       Path(__file__).parent / "corpus") if (p / "boundaries.toml").exists()]


@pytest.mark.parametrize("root", CORPORA, ids=lambda p: p.name)
def test_prefilter_loses_nothing(root):
    registry = load_registry(root / "boundaries.toml")
    skipped = 0
    for path, display in iter_files([str(root)]):
        fast = check_file(path, display, registry, prefilter=True)
        slow = check_file(path, display, registry, prefilter=False)
        assert fast.findings == slow.findings, display
        skipped += not may_hold_findings(path.read_bytes())
    if root.name == "order_service":
        assert skipped > 0  # its clients and models hold no SQL: the filter skips them, losing nothing


@pytest.mark.parametrize(
    "text, expected",
    [
        (b"import os\nfrom typing import List\nd.update(x)\nselect(Model)\n", False),
        (b'"select id from orders"', True),
        (b'("SELECT id "\n "FROM orders")', True),
        (b"class T(Base):\n    __tablename__ = 'strategy'\n", True),
        (b'Column(ForeignKey("public.strategy.id"))', True),
        (b'op.create_foreign_key("fk", "a", "b", ["x"], ["id"])', True),
        (b"cur.execute(q % 'UPDATE t SET a = 1')", True),
        (b'"insert into t values (1)"', True),
        (b'"TRUNCATE public.holdings"', True),
        (b"raise ValueError('bad') from exc\n", False),
        # a docstring's closing quote, then a with statement: no literal starts there
        (b'def f():\n    """Docs.\n    """\n    with open(p) as fh:\n        pass\n', False),
        (b'def f():\n    "Docs."\n    with open(p) as fh:\n        pass\n', False),
        (b'# "select x from t\nx = 1\n', False),  # in a comment
        (b'x = "select2-selection"\n', False),
        (b'x = "[ insert contents here ]"\n', False),
        # a lone keyword is SQL only when more text is joined to it
        (b'methods = ("DELETE", "POST")\n', False),
        (b'q = ("SELECT")\n    + " a FROM t"\n', True),
        (b'q = ("SELECT"  # the verb\n     " a FROM t")\n', True),
        (b'q = "SELECT {}".format(cols)\n', True),
        (b'q = "SELECT" \\\n    " a FROM t"\n', True),
        # escapes and SQL comments before the keyword
        (b'q = "\\nSELECT a FROM t"\n', True),
        (b'q = "-- why\\nSELECT a FROM t"\n', True),
        (b"q = '''\n    /* why */\n    delete from t'''\n", True),
        (b'p.add_argument("--select")\n', False),
        # calls: definitions, empty argument lists and Django's models.ForeignKey are not read
        (b"class ForeignKey(ForeignObject):\n    pass\n", False),
        (b"f = models.ForeignKey(Parent, models.CASCADE)\n", False),
        (b'find(By.XPATH, "//a[text()=1]")\n', False),
        (b'Column(sa.ForeignKey("public.strategy.id"))\n', True),
        (b"from alembic import op as ops\nops.create_table('t')\n", True),
        # names given a value: only where the construct can stand
        (b'Field(foreign_key="public.strategy.id")\n', True),
        (b"serialize(use_natural_foreign_keys=True)\n", False),
        (b'db_table = "x"\n', False),
        (b'class M(Model):\n    class Meta:\n        db_table = "x"\n', True),
        (b'qs.extra(select={"a": "1"})\n', False),
        (b'qs.extra(tables=["public.t"])\n', True),
    ],
)
def test_prefilter_shapes(text, expected):
    assert may_hold_findings(text) is expected


def check_in_a_new_process(folder, args, modules, env=None):
    """``boundary-lint check ARGS`` run in a fresh interpreter in ``folder``: its exit status
    followed by those of ``modules`` it imported (the last line, split), and the process."""
    code = (
        "import sys\nfrom boundary_lint.cli import main\n"
        f"rc = main({['check', *args]!r})\n"
        f"print(rc, *(name for name in {tuple(modules)!r} if name in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True)
    return (proc.stdout.splitlines() or [""])[-1].split(), proc


def test_check_without_sql_does_not_import_sqlglot_libcst_or_the_db_audit(tmp_path):
    (tmp_path / "boundaries.toml").write_text('[services.a]\nowns = ["a.*"]\npaths = ["**"]\n')
    (tmp_path / "plain.py").write_text("import os\n\ndef f(x):\n    return os.path.join(x, 'y')\n")
    imported, proc = check_in_a_new_process(tmp_path, ["--no-cache", "plain.py"],
                                            ("sqlglot", "libcst", "boundary_lint.adapters.db_catalog"))
    assert imported == ["0"], proc.stderr


def test_sql_proved_finding_free_is_never_given_to_the_parser(tmp_path):
    """The SQL parser costs ~0.1 s to import: a run whose every statement is proved unable to
    give a finding (a pre-commit run over clean files, the usual case) never imports it; one
    with a statement that may cross a boundary does, and reports it."""
    (tmp_path / "boundaries.toml").write_text('[settings]\nsearch_path = ["a"]\n[services.a]\nowns = ["a.*"]\n'
                                             'paths = ["**"]\nsearch_path = ["a"]\n[services.b]\nowns = ["b.*"]\n')
    (tmp_path / "own.py").write_text('def f(db, k):\n    return db.execute("SELECT o.id FROM orders o WHERE o.id = %s", (k,))\n')
    (tmp_path / "own.sql").write_text("CREATE FUNCTION a.f() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                                      "BEGIN UPDATE a.orders SET n = n + 1 WHERE id = NEW.id; RETURN NEW; END; $$;\n"
                                      "INSERT INTO orders (id) VALUES (1);\n")
    (tmp_path / "other.sql").write_text("SELECT * FROM b.invoices;\n")
    clean, proc = check_in_a_new_process(tmp_path, ["--no-cache", "own.py", "own.sql"], ("sqlglot",))
    assert clean == ["0"], proc.stdout + proc.stderr
    crossing, proc = check_in_a_new_process(tmp_path, ["--no-cache", "own.sql", "other.sql"], ("sqlglot",))
    assert crossing == ["1", "sqlglot"] and "b.invoices" in proc.stdout, proc.stderr


def test_a_warm_run_imports_no_checker_and_a_check_no_other_command(tmp_path):
    """Every pre-commit run and editor check pays for its imports: a run whose files all come
    from the cache imports neither the checker nor the SQL parser, and ``check`` imports no
    other subcommand (the codemod, the server, the database audit, ``init``)."""
    (tmp_path / "boundaries.toml").write_text('[services.a]\nowns = ["a.*"]\npaths = ["**"]\n')
    (tmp_path / "q.py").write_text('def f(db):\n    return db.execute("SELECT * FROM b.t")\n')
    heavy = ("boundary_lint.pipeline", "sqlglot", "boundary_lint.commands.fix", "boundary_lint.commands.init",
             "boundary_lint.commands.db_audit", "boundary_lint.lsp.command", "tempfile", "subprocess")
    env = {**os.environ, "BOUNDARY_LINT_CACHE_DIR": str(tmp_path / "cache")}
    cold, _ = check_in_a_new_process(tmp_path, ["."], heavy, env)
    warm, proc = check_in_a_new_process(tmp_path, ["."], heavy, env)
    assert cold[:2] == ["1", "boundary_lint.pipeline"]  # checked: a finding
    assert warm == ["1"] and "BND104" in proc.stdout, proc.stderr  # the same finding, from the cache alone


def test_jobs_give_identical_output(run_cli, monkeypatch):
    from boundary_lint.adapters import runner

    one = run_cli("check", "--no-cache", "--jobs", "1", "--format", "json", ".")
    pooled = []
    real_pool = runner._check_in_pool
    monkeypatch.setattr(runner, "pool_pays", lambda *args: True)  # workers from the first file on

    def counted_pool(todo, *rest):
        pooled.append(len(todo))
        return real_pool(todo, *rest)

    monkeypatch.setattr(runner, "_check_in_pool", counted_pool)
    two = run_cli("check", "--no-cache", "--jobs", "2", "--format", "json", ".")
    assert pooled and pooled[0] > 8, "the files were checked in worker processes"
    assert one.out == two.out and one.err == two.err and one.code == two.code


def test_workers_start_only_when_the_pace_says_they_pay():
    """A run checks files itself until the pace of those done says workers would finish the
    rest sooner than they take to start: a small tree never pays for a pool."""
    from boundary_lint.adapters.runner import WORKERS_START_S, pool_pays

    assert not pool_pays(0.001, 10_000, 10_000_000, 2)  # too soon to tell
    assert pool_pays(0.01, 100_000, 17_000_000, 2)  # Django's pace: 1.7 s left
    assert not pool_pays(0.01, 100_000, 300_000, 2)  # 30 ms left: less than workers cost
    assert not pool_pays(1.0, 1, 10**9, 1)  # one job: never
    left = 0.01 * 1_000_000 / 100_000
    assert pool_pays(0.01, 100_000, 1_000_000, 4) == (left * 0.75 > WORKERS_START_S)


class _Clock:
    """``time`` for the runner: each reading ``step`` seconds after the last (a file checked
    in a known time, whatever the machine is doing)."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def perf_counter(self) -> float:
        self.now += self.step
        return self.now


@pytest.mark.parametrize("seconds_a_file, pooled", [(0.0005, False), (0.02, True)])
def test_workers_start_when_the_files_left_would_take_longer_than_they_do(run_cli, monkeypatch, seconds_a_file,
                                                                          pooled):
    """20 files: at 0.5 ms a file (the fixture's pace here) checked in this process; at 20 ms a
    file workers take over the rest, and the output is the same."""
    from boundary_lint.adapters import runner

    alone = run_cli("check", "--no-cache", "--jobs", "1", "--format", "json", ".")
    handed = []
    real_pool = runner._check_in_pool

    def pool(todo, *rest):
        handed.append(len(todo))
        return real_pool(todo, *rest)

    monkeypatch.setattr(runner, "_check_in_pool", pool)
    monkeypatch.setattr(runner, "time", _Clock(seconds_a_file / 2))  # two readings a file
    result = run_cli("check", "--no-cache", "--jobs", "2", "--format", "json", ".")
    assert bool(handed) == pooled and (not handed or 8 <= handed[0] < 20)
    assert (result.code, result.out) == (alone.code, alone.out)


def test_bad_jobs_value_is_a_usage_error(run_cli):
    assert run_cli("check", "--jobs", "0", ".").code == 2


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("BOUNDARY_LINT_CACHE_DIR")  # these tests look at the cache beside the registry
    shutil.copytree(PLATFORM, tmp_path / "p", ignore=shutil.ignore_patterns(".boundary_lint_cache"))
    return tmp_path / "p"


def counting(monkeypatch):
    calls = []
    original = pipeline.check_source

    def spy(data, path, display, *args, **kwargs):
        calls.append(display)
        return original(data, path, display, *args, **kwargs)

    monkeypatch.setattr(pipeline, "check_source", spy)
    return calls


def test_warm_run_comes_from_the_cache_and_edits_invalidate(run_cli, project, monkeypatch):
    first = run_cli("check", "--jobs", "1", "--format", "json", ".", cwd=project)
    calls = counting(monkeypatch)
    second = run_cli("check", "--jobs", "1", "--format", "json", ".", cwd=project)
    assert calls == [] and second.out == first.out and second.err == first.err

    target = project / "order_service" / "app" / "clean.py"
    target.write_text(target.read_text() + '\nLATE = "SELECT * FROM public.portfolio"\n')
    third = run_cli("check", "--jobs", "1", "--format", "json", ".", cwd=project)
    assert calls == ["order_service/app/clean.py"]
    assert any(f["path"] == "order_service/app/clean.py" for f in third.json["findings"])


def test_registry_change_invalidates_the_cache(run_cli, project, monkeypatch):
    run_cli("check", "--jobs", "1", ".", cwd=project)
    registry = project / "boundaries.toml"
    registry.write_text(registry.read_text().replace('"public.holdings"', '"public.holdings", "public.x"'))
    calls = counting(monkeypatch)
    run_cli("check", "--jobs", "1", ".", cwd=project)
    assert calls  # everything re-checked under the new registry


def test_no_cache_writes_nothing(run_cli, project):
    run_cli("check", "--no-cache", ".", cwd=project)
    assert not (project / ".boundary_lint_cache").exists()


def test_cache_prunes_deleted_files_and_survives_corruption(run_cli, project):
    run_cli("check", "--jobs", "1", ".", cwd=project)
    cache_file = next((project / ".boundary_lint_cache").glob("results-*.json"))
    assert "order_service/app/quoted.py" in json.loads(cache_file.read_text())["entries"]
    (project / "order_service" / "app" / "quoted.py").unlink()
    run_cli("check", "--jobs", "1", ".", cwd=project)
    assert "order_service/app/quoted.py" not in json.loads(cache_file.read_text())["entries"]
    cache_file.write_text("{not json")
    again = run_cli("check", "--jobs", "1", "--format", "json", ".", cwd=project)
    assert again.code == 1 and again.json["findings"]


@pytest.mark.parametrize("root", CORPORA, ids=lambda p: p.name)
def test_pruning_the_tree_loses_nothing(root, monkeypatch):
    """Walking only the statements on SQL-looking lines gives the same findings as walking all."""
    from boundary_lint import pipeline as checker

    registry = load_registry(root / "boundaries.toml")
    files = list(iter_files([str(root)]))
    whole = [check_file(path, display, registry, prefilter=False).findings for path, display in files]
    monkeypatch.setattr(checker, "EVERY_LINE", None)  # no byte pre-filter, no proof, but the lines pruned
    pruned = [check_file(path, display, registry, prefilter=False).findings for path, display in files]
    assert pruned == whole
