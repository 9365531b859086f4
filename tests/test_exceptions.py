"""Exceptions with a ticket and an end date: suppression comments and baseline entries.

``# boundary: allow BND100 -- JIRA-123 until 2027-03-31 why`` holds to the end of that day; the
day after, the finding is back with a note naming the exception. The date is injected (``--today``,
``BOUNDARY_LINT_TODAY``); the checker itself never reads the clock.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

import pytest

from boundary_lint.pipeline import check_python_source
from boundary_lint.registry_schema import registry_from_mapping
from boundary_lint.model import RunResult
from boundary_lint.filters.run_filters import expire
from project import make_project

ALLOW = "# boundary: allow BND100 -- JIRA-123 until 2027-03-31 read model until the strategy API ships"
APP = f'''\
def names(cur):
    cur.execute("SELECT name FROM public.strategy")  {ALLOW}
    return cur.fetchall()
'''


def check(run_cli, root, *args):
    return run_cli("check", "--no-cache", *args, ".", cwd=root)


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, {"orders/app.py": APP})


@pytest.mark.parametrize("today", ["2027-03-30", "2027-03-31"])
def test_an_exception_holds_the_day_before_and_on_its_last_day(run_cli, project, today):
    result = check(run_cli, project, "--today", today, "--format", "json", "--show-suppressed")
    assert result.code == 0, result.out
    assert result.json["findings"] == []
    [item] = result.json["suppressed"]
    assert (item["code"], item["kind"], item["ticket"], item["until"], item["reason"]) == (
        "BND100", "allow", "JIRA-123", "2027-03-31", "read model until the strategy API ships")


def test_the_day_after_the_finding_is_back_with_a_note_naming_the_exception(run_cli, project):
    result = check(run_cli, project, "--today", "2027-04-01")
    assert result.code == 1
    assert ("orders/app.py:2:35: BND100 orders reads public.strategy, owned by algo (exception expired on "
            "2027-03-31: `boundary: allow` on line 2, JIRA-123, read model until the strategy API ships)"
            ) in result.out.splitlines()
    document = check(run_cli, project, "--today", "2027-04-01", "--format", "json", "--show-suppressed").json
    assert document["suppressed"] == []
    assert document["findings"][0]["note"].startswith("exception expired on 2027-03-31")


def test_the_date_can_come_from_the_environment(run_cli, project, monkeypatch):
    monkeypatch.setenv("BOUNDARY_LINT_TODAY", "2027-04-01")
    assert check(run_cli, project).code == 1
    monkeypatch.setenv("BOUNDARY_LINT_TODAY", "2027-03-31")
    assert check(run_cli, project).code == 0


def test_a_bad_today_is_a_usage_error(run_cli, project):
    result = check(run_cli, project, "--today", "31/03/2027")
    assert result.code == 2 and "is no date; write YYYY-MM-DD" in result.err


def test_the_checker_keeps_the_date_and_only_the_run_filter_decides():
    """The pure core gives the same answer whatever the date: the exception and its end date."""
    registry = registry_from_mapping({"services": {"orders": {"owns": ["orders.*"]},
                                                   "algo": {"owns": ["public.strategy"]}}})
    result = check_python_source("app.py", APP, registry, "orders")
    assert result.findings == [] and [(s.ticket, s.until) for s in result.suppressed] == [("JIRA-123", "2027-03-31")]
    run = RunResult(findings=[], suppressed=list(result.suppressed))
    assert expire(run, datetime.date(2027, 3, 31)).findings == []
    [back] = expire(run, datetime.date(2027, 4, 1)).findings
    assert back.code == "BND100" and "JIRA-123" in back.note


def test_show_suppressed_lists_ticket_and_date_in_text(run_cli, project):
    out = check(run_cli, project, "--today", "2027-01-01", "--show-suppressed").out
    assert ("(suppressed: JIRA-123, until 2027-03-31: read model until the strategy API ships)") in out


@pytest.mark.parametrize("comment, ticket, until, reason", [
    ("-- until 2027-03-31 #451 legacy report", "#451", "2027-03-31", "legacy report"),
    ("-- https://gitlab.example.com/g/p/-/issues/7", "https://gitlab.example.com/g/p/-/issues/7", None, ""),
    ("-- read model, ticket 42", None, None, "read model, ticket 42"),
])
def test_ticket_and_date_may_come_in_either_order_or_not_at_all(run_cli, tmp_path, comment, ticket, until, reason):
    root = make_project(tmp_path, {"orders/app.py": APP.replace(ALLOW, "# boundary: allow BND100 " + comment)})
    [item] = check(run_cli, root, "--today", "2027-01-01", "--format", "json", "--show-suppressed").json["suppressed"]
    assert (item["ticket"], item["until"], item["reason"]) == (ticket, until, reason)


@pytest.mark.parametrize("bad", ["2027-02-30", "31/03/2027", "2027-3-31"])
def test_an_until_that_is_no_date_is_a_usage_error_on_the_comment(run_cli, tmp_path, bad):
    root = make_project(tmp_path, {"orders/app.py": APP.replace("until 2027-03-31", f"until {bad}")})
    result = check(run_cli, root)
    assert result.code == 2
    assert f"orders/app.py:2: error: suppression comment: until {bad!r} is no date" in result.err


# -- settings.require_ticket ---------------------------------------------------------------


def test_require_ticket_brings_back_a_suppression_without_one(run_cli, tmp_path):
    root = make_project(tmp_path, {"orders/app.py": APP.replace("JIRA-123 until 2027-03-31 ", "")},
                        settings="require_ticket = true")
    result = check(run_cli, root)
    assert result.code == 1
    assert "BND100 orders reads public.strategy" in result.out
    assert ("orders/app.py:2: warning: suppression without a ticket does not count: settings.require_ticket is "
            "true; write `# boundary: allow BND100 -- PROJ-123 why`") in result.err
    (tmp_path / "ok").mkdir()
    assert check(run_cli, make_project(tmp_path / "ok", {"orders/app.py": APP}, settings="require_ticket = true"),
                 "--today", "2027-01-01").code == 0


def test_require_ticket_must_be_true_or_false(run_cli, tmp_path):
    root = make_project(tmp_path, settings='require_ticket = "yes"')
    result = check(run_cli, root)
    assert result.code == 2 and "settings.require_ticket must be true or false" in result.err


# -- unused suppressions -------------------------------------------------------------------

UNUSED = '''\
def f(cur):
    cur.execute("SELECT * FROM orders.positions")  # boundary: allow BND100 -- JIRA-9 the strategy read moved
    cur.execute("SELECT * FROM orders.fills")  # noqa: E501, BND101
    cur.execute("SELECT * FROM orders.legs")  # noqa
    cur.execute("SELECT * FROM public.strategy")  # noqa: BND100
'''


def test_a_suppression_that_suppresses_nothing_is_reported_as_unused(run_cli, tmp_path):
    root = make_project(tmp_path, {"orders/app.py": UNUSED})
    result = check(run_cli, root)
    assert result.code == 0  # a warning by default
    assert [line for line in result.err.splitlines() if "unused suppression" in line] == [
        "orders/app.py:2: warning: unused suppression: `boundary: allow` BND100 suppresses no finding here any "
        "more; remove it (or fix the code it names)",
        "orders/app.py:3: warning: unused suppression: `noqa` BND101 suppresses no finding here any more; "
        "remove it (or fix the code it names)",
    ]
    assert result.out.rstrip().endswith("; 2 unused suppressions")
    document = check(run_cli, root, "--format", "json").json
    assert [(u["line"], u["codes"], u["kind"], u["ticket"]) for u in document["unused_suppressions"]] == [
        (2, ["BND100"], "allow", "JIRA-9"), (3, ["BND101"], "noqa", None)]


def test_strict_suppressions_fails_the_run_on_an_unused_one(run_cli, tmp_path):
    root = make_project(tmp_path, {"orders/app.py": UNUSED})
    result = check(run_cli, root, "--strict-suppressions")
    assert result.code == 1
    assert "orders/app.py:2: error: unused suppression" in result.err
    assert "file error" not in result.out
    (tmp_path / "clean").mkdir()
    clean = make_project(tmp_path / "clean", {"orders/app.py": UNUSED.splitlines()[0] + "\n" + UNUSED.splitlines()[4]})
    assert check(run_cli, clean, "--strict-suppressions").code == 0


def test_a_code_the_run_does_not_report_is_never_judged_unused(run_cli, tmp_path):
    root = make_project(tmp_path, {"orders/app.py": UNUSED})
    result = check(run_cli, root, "--select", "BND101", "--format", "json")
    assert [u["line"] for u in result.json["unused_suppressions"]] == [3]


def test_an_expired_exception_is_not_also_unused(run_cli, project):
    result = check(run_cli, project, "--today", "2027-04-01", "--format", "json")
    assert result.json["unused_suppressions"] == [] and len(result.json["findings"]) == 1


def test_unused_comments_are_found_in_sql_files_and_in_python_files_without_sql(run_cli, tmp_path):
    root = make_project(tmp_path, {
        "orders/m.sql": "SELECT * FROM orders.positions; -- boundary: allow BND100 -- gone\n",
        "orders/helpers.py": "def f():\n    return 1  # boundary: allow BND101 -- the write moved away\n",
    })
    lines = [line for line in check(run_cli, root).err.splitlines() if "unused suppression" in line]
    assert [line.split(": warning")[0] for line in lines] == ["orders/helpers.py:2", "orders/m.sql:1"]


def test_unused_suppressions_survive_the_results_cache(run_cli, tmp_path):
    root = make_project(tmp_path, {"orders/app.py": UNUSED})
    first = run_cli("check", "--format", "json", ".", cwd=root).json["unused_suppressions"]
    second = run_cli("check", "--format", "json", ".", cwd=root).json["unused_suppressions"]
    assert first == second and len(first) == 2


# -- baseline entries ---------------------------------------------------------------------


def test_a_baseline_entry_with_an_end_date_expires_too(run_cli, tmp_path):
    root = make_project(tmp_path, {"orders/app.py": APP.replace(f"  {ALLOW}", "")})
    assert check(run_cli, root, "--write-baseline", "baseline.json").code == 0
    document = json.loads((root / "baseline.json").read_text())
    document["entries"][0].update(ticket="JIRA-77", until="2027-03-31", reason="until the API ships")
    (root / "baseline.json").write_text(json.dumps(document))
    before = check(run_cli, root, "--baseline", "baseline.json", "--today", "2027-03-31", "--format", "json",
                   "--show-suppressed")
    assert before.code == 0
    [item] = before.json["suppressed"]
    assert (item["kind"], item["ticket"], item["until"]) == ("baseline", "JIRA-77", "2027-03-31")
    text = check(run_cli, root, "--baseline", "baseline.json", "--today", "2027-03-31", "--show-suppressed").out
    assert ("orders/app.py:2:35: BND100 orders reads public.strategy, owned by algo (accepted by the baseline: "
            "JIRA-77, until 2027-03-31: until the API ships)") in text.splitlines()
    assert text.splitlines()[-1].endswith("; 1 more accepted by the baseline")  # not counted twice
    sarif = json.loads(check(run_cli, root, "--baseline", "baseline.json", "--today", "2027-03-31",
                             "--show-suppressed", "--format", "sarif").out)
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"] == [
        {"kind": "external", "justification": "JIRA-77, until 2027-03-31, until the API ships"}]
    after = check(run_cli, root, "--baseline", "baseline.json", "--today", "2027-04-01", "--format", "json")
    assert after.code == 1
    [finding] = after.json["findings"]
    assert finding["note"] == "exception expired on 2027-03-31: baseline entry, JIRA-77, until the API ships"
    assert after.json["stale_baseline"] == []  # it still matches: expired, not fixed


def test_rewriting_the_baseline_keeps_tickets_and_dates(run_cli, tmp_path):
    root = make_project(tmp_path)
    assert check(run_cli, root, "--write-baseline", "baseline.json").code == 0
    document = json.loads((root / "baseline.json").read_text())
    document["entries"][0].update(ticket="JIRA-77", until="2027-03-31")
    (root / "baseline.json").write_text(json.dumps(document))
    assert check(run_cli, root, "--write-baseline", "baseline.json", "--today", "2027-01-01").code == 0
    entry = json.loads((root / "baseline.json").read_text())["entries"][0]
    assert (entry["ticket"], entry["until"]) == ("JIRA-77", "2027-03-31")


def test_a_baseline_entry_whose_until_is_no_date_is_a_usage_error(run_cli, tmp_path):
    root = make_project(tmp_path)
    (root / "baseline.json").write_text(json.dumps({"version": 1, "entries": [
        {"path": "orders/app.py", "code": "BND100", "table": "public.strategy", "until": "next spring"}]}))
    result = check(run_cli, root, "--baseline", "baseline.json")
    assert result.code == 2 and "entry 1: until 'next spring' is no date" in result.err


# -- flake8 --------------------------------------------------------------------------------


def test_flake8_reports_an_expired_exception_too(project):
    def flake8(today):
        return subprocess.run([sys.executable, "-m", "flake8", "--select", "BND", "orders/app.py"], cwd=project,
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "BOUNDARY_LINT_TODAY": today})
    assert flake8("2027-03-31").stdout == ""
    after = flake8("2027-04-01").stdout
    assert "orders/app.py:2:35: BND100 orders reads public.strategy, owned by algo (exception expired" in after
