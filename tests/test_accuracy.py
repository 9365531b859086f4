"""The checker's precision and recall on the labelled corpus in tests/corpus/ (see its README)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boundary_lint.tools import accuracy

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def scores():
    return accuracy.evaluate(CORPUS)


def test_precision_and_recall_reach_the_thresholds(scores):
    overall = scores["overall"]
    report = "\n" + accuracy.table(scores) + "\n" + "\n".join(accuracy.details(overall))
    assert overall.labels >= 200, report
    assert overall.precision >= accuracy.MIN_PRECISION, report
    assert overall.recall >= accuracy.MIN_RECALL, report
    assert overall.exact_share >= 0.95, report


def test_every_category_is_scored_and_traps_give_nothing(scores):
    expected = {"alembic", "asyncpg", "composed", "django", "pandas", "psycopg", "sql_migrations",
                "sqlalchemy", "traps", "orm_django", "orm_sqlalchemy", "overall"}
    assert expected <= set(scores)
    assert scores["traps"].labels == 0 and scores["traps"].findings == 0, scores["traps"].spurious


def test_the_orm_tier_per_framework(scores):
    """ORM operations (querysets, sessions, relations) on other services' models, per framework.

    Labelled and committed before the checker first ran on them. First run: Django precision
    1.000 / recall 0.890, SQLAlchemy 1.000 / 0.905; most misses were one bug (a file's module
    was taken from its displayed path, so relative imports failed when run from another
    folder), the rest shapes the checker does not read (reverse relations, aliased(),
    exists() subqueries, a relationship() typed only by Mapped[...]).
    """
    report = "\n" + accuracy.table(scores) + "\n" + "\n".join(accuracy.details(scores["overall"]))
    for framework in ("orm_django", "orm_sqlalchemy"):
        score = scores[framework]
        assert score.labels >= 60, report
        assert score.precision >= accuracy.MIN_PRECISION, (framework, report)
        assert score.recall >= 0.95, (framework, report)
    assert scores["orm_django"].labels + scores["orm_sqlalchemy"].labels >= 150


def test_the_corpus_reads_without_errors_and_warns_only_where_sqlglot_cannot_parse(scores):
    overall = scores["overall"]
    assert overall.errors == 0
    # Oracle-style :1 binds, a two-argument sum() and a locking clause are the constructs of
    # the corpus sqlglot cannot read (the second outside any sink: a clear statement; the
    # third at a query helper of its module: token-scanned all the same)
    assert sorted(w.split(": ")[0] for w in overall.warnings) == [
        "psycopg/accounts/own_query_helpers.py:20", "psycopg/accounts/unparsable_outside_sinks.py:12",
        "psycopg/orders/paramstyles_and_joins.py:49"]


def test_the_prefilter_loses_nothing(scores):
    """The byte-level pre-filter must never skip a file that holds a finding."""
    unfiltered = accuracy.evaluate(CORPUS, prefilter=False)["overall"]
    overall = scores["overall"]
    assert (unfiltered.exact, unfiltered.wrong_line, unfiltered.findings) == (
        overall.exact, overall.wrong_line, overall.findings)


def test_each_code_is_scored_on_its_own_and_bnd107_reaches_the_thresholds():
    """BND107 (statements across owners; the corpus's analytics service moves to its own
    database) is rare next to BND100: scored alone, a miss there cannot hide."""
    _, codes = accuracy.evaluate_all(CORPUS)
    assert set(codes) >= {"BND100", "BND101", "BND102", "BND103", "BND104", "BND107"}
    cross = codes["BND107"]
    report = "\n".join(accuracy.details(cross))
    assert cross.labels >= 20 and cross.files >= 8, report
    assert cross.precision >= accuracy.MIN_PRECISION and cross.recall >= accuracy.MIN_RECALL, report
    assert sum(s.labels for s in codes.values()) == accuracy.evaluate(CORPUS)["overall"].labels


def test_bnd108_reaches_the_thresholds_on_its_own():
    """Transactions across owners, labelled by reading in every transaction form the corpus
    holds (blocks, decorators, commits, migrations, BEGIN ... COMMIT), scored alone."""
    _, codes = accuracy.evaluate_all(CORPUS)
    transactions = codes["BND108"]
    report = "\n".join(accuracy.details(transactions))
    assert transactions.labels >= 15 and transactions.files >= 10, report
    assert transactions.precision >= accuracy.MIN_PRECISION and transactions.recall >= accuracy.MIN_RECALL, report


def test_the_script_prints_a_table_and_json(capsys):
    assert accuracy.main([str(CORPUS)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["category", "files", "labels", "findings"]
    assert "overall" in out
    assert accuracy.main([str(CORPUS), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["thresholds"]["passed"] is True
    assert set(document["overall"]) >= {"precision", "recall", "exact_line_share", "labels"}
    assert document["by_code"]["BND107"]["labels"] >= 20
    assert any(line.split()[:1] == ["code"] for line in out.splitlines())


def test_the_script_fails_below_the_thresholds(tmp_path, capsys):
    (tmp_path / "boundaries.toml").write_text(
        '[services.orders]\nowns = ["orders.*"]\npaths = ["*/orders/**"]\n'
        '[services.algo]\nowns = ["public.strategy"]\n'
    )
    (tmp_path / "psycopg" / "orders").mkdir(parents=True)
    (tmp_path / "psycopg" / "orders" / "a.py").write_text(
        'Q = "SELECT * FROM public.strategy"\nR = "SELECT * FROM public.strategy"\n\n'
        "# expect: 1 BND100 public.strategy\n# expect: 9 BND101 public.strategy\n"
    )
    assert accuracy.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "missed    psycopg/orders/a.py:9: BND101 public.strategy" in out
    assert "spurious  psycopg/orders/a.py:2: BND100 public.strategy" in out


def test_compare_counts_a_finding_on_another_line_as_found_on_the_wrong_line():
    expected = {("a.py", 3, "BND100", "t"), ("a.py", 9, "BND101", "t")}
    found = {("a.py", 4, "BND100", "t"), ("a.py", 9, "BND101", "t"), ("a.py", 1, "BND104", "x")}
    score = accuracy.compare(expected, found)
    assert (score.exact, score.wrong_line, len(score.missed), len(score.spurious)) == (1, 1, 0, 1)
    assert score.precision == pytest.approx(2 / 3) and score.recall == 1.0 and score.exact_share == 0.5


def test_usage_errors_exit_2(tmp_path, capsys):
    assert accuracy.main([str(tmp_path / "missing")]) == 2
    assert accuracy.main([str(tmp_path)]) == 2  # no boundaries.toml there


HOLDOUT = Path(__file__).parent / "corpus_holdout"
HOLDOUT_UNLABELLED = ("BND108",)  # codes newer than the held-out labels


def test_the_held_out_corpus_reaches_the_thresholds_too():
    """A second corpus, labelled before the checker ever ran on it (see its README).

    Its first run scored precision 0.983 / recall 0.992 (one Django ``db_table`` idiom);
    keep new cases out of tuning sessions so this stays a measurement. Its labels predate
    BND108 (transactions across owners) and it is never edited: scored without that code.
    """
    holdout = accuracy.evaluate(HOLDOUT, ignore=HOLDOUT_UNLABELLED)
    overall = holdout["overall"]
    report = "\n" + accuracy.table(holdout) + "\n" + "\n".join(accuracy.details(overall))
    assert overall.labels >= 100, report
    assert overall.precision >= accuracy.MIN_PRECISION, report
    assert overall.recall >= accuracy.MIN_RECALL, report
    assert holdout["traps"].findings == 0, report


HOLDOUT2 = Path(__file__).parent / "corpus_holdout2"


def test_the_second_held_out_corpus_reaches_its_floors():
    """Issue 21's held-out corpus: the shapes found on six real SQL-heavy trees, labelled and
    committed before the checker was changed for them (see its README).

    First run precision 0.768 / recall 0.778; after the issue's fixes 0.993 / 0.987 (left:
    a helper imported from another module, a "+=" name returned inside a conditional
    expression, a lower-case "delete from member" compared in a test). The floors sit a
    little below the measured values; keep tuning on tests/corpus, not here. Its labels were
    written before BND108 existed: scored without that code, as the first held-out corpus.
    """
    holdout = accuracy.evaluate(HOLDOUT2, ignore=HOLDOUT_UNLABELLED)
    overall = holdout["overall"]
    report = "\n" + accuracy.table(holdout) + "\n" + "\n".join(accuracy.details(overall))
    assert overall.labels >= 150, report
    assert overall.errors == 0, report
    assert overall.precision >= 0.98, report
    assert overall.recall >= 0.97, report
    assert holdout["traps"].findings == 0, report
