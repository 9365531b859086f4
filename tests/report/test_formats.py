"""--format github (workflow annotations), the summary by service pair, and the progress line."""

from __future__ import annotations

import io

from boundary_lint.report.github import command, format_github
from boundary_lint.model import Finding, Problem, SuppressedFinding
from boundary_lint.report.owners import by_owner, owner_lines
from boundary_lint.adapters.progress import Progress
from boundary_lint.report.formats import RunResult


def test_github_format_is_one_workflow_command_per_finding(run_cli):
    result = run_cli("check", "--format", "github", "order_service/app/reads.py")
    lines = result.out.splitlines()
    assert result.code == 1
    assert lines[0] == (
        "::error file=tests/fixtures/platform/order_service/app/reads.py,line=13,col=10,title=BND100::"
        "order_service reads public.strategy, owned by algo_engine"
    )
    assert all(line.startswith("::error ") for line in lines[:-1])
    assert lines[-1].startswith("4 findings in 1 file (1 file checked); BND")


def test_github_format_escapes_and_lists_problems_and_suppressed():
    finding = Finding("a,b:c.py", 3, 7, "BND101", "public.x", "s", "o", "write", message="50% of\nit")
    result = RunResult(
        findings=[finding],
        problems=[Problem("broken.py", 2, "cannot parse as Python"), Problem("q.py", 4, "odd SQL", fatal=False)],
        suppressed=[SuppressedFinding(finding, "because", 3, "allow")],
        files=3,
    )
    lines = format_github(result).splitlines()
    assert lines[0] == "::error file=a%2Cb%3Ac.py,line=3,col=7,title=BND101::50%25 of%0Ait"
    assert lines[1] == "::notice file=a%2Cb%3Ac.py,line=3,col=7,title=BND101::50%25 of%0Ait (suppressed: because)"
    assert lines[2] == "::error file=broken.py,line=2,title=boundary-lint::cannot parse as Python"
    assert lines[3] == "::warning file=q.py,line=4,title=boundary-lint::odd SQL"
    assert command("error", "plain") == "::error::plain"


def findings(*rows):
    return [Finding("a.py", n, 1, code, "t", service, owner, op) for n, (service, owner, code, op) in enumerate(rows)]


def test_by_owner_counts_each_pair_by_operation():
    rows = findings(
        *[("order_service", "algo_engine", "BND100", "read")] * 12,
        *[("order_service", "algo_engine", "BND101", "write")] * 3,
        *[("order_service", "algo_engine", "BND102", "fk")] * 2,
        ("order_service", "", "BND104", "read"),
        ("order_service", "market_data", "BND106", "map"),
        ("order_service", "market_data", "BND103", "ddl"),
    )
    assert owner_lines(rows) == [
        "order_service -> algo_engine: 12 reads, 3 writes, 2 FKs",
        "order_service -> market_data: 1 schema change, 1 ORM mapping",
        "order_service -> (no owner): 1 read",
    ]
    assert by_owner(rows)[0] == {"service": "order_service", "owner": "algo_engine", "read": 12, "write": 3,
                                 "fk": 2, "ddl": 0, "map": 0, "statement": 0, "total": 17, "dynamic": False}


def test_text_output_has_the_summary_after_the_findings(run_cli):
    lines = run_cli("check", "order_service/app/reads.py").out.splitlines()
    block = lines.index("by owning service:")
    assert all(":" in line and " BND" in line for line in lines[:block])
    assert lines[-2].startswith("coverage: 4 SQL sites read (4 parsed, 0 token-scanned")
    assert lines[block + 1:-2] == [
        "  order_service -> algo_engine: 2 reads",
        "  order_service -> market_data: 1 read",
        "  order_service -> user_service: 1 read",
    ]


def test_json_summary_by_owner(run_cli):
    summary = run_cli("check", "--format", "json", "order_service/app/reads.py").json["summary"]
    assert summary["by_owner"][0] == {"service": "order_service", "owner": "algo_engine", "read": 2, "write": 0,
                                      "fk": 0, "ddl": 0, "map": 0, "statement": 0, "total": 2, "dynamic": False}
    assert sum(row["total"] for row in summary["by_owner"]) == summary["findings"]


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_for_long_runs_and_erases_itself():
    stream, now = Tty(), [0.0]
    progress = Progress(stream, min_files=10, clock=lambda: now[0])
    progress(0, 20)
    progress(1, 20)  # within 0.1 s: not redrawn
    now[0] = 1.0
    progress(10, 20)
    progress(20, 20)  # the last one is always drawn
    progress.close()
    assert stream.getvalue().split("\r")[1:] == [
        "boundary-lint: 0/20 files (0%)",
        "boundary-lint: 10/20 files (50%)",
        "boundary-lint: 20/20 files (100%)",
        " " * len("boundary-lint: 20/20 files (100%)"),
        "",
    ]


def test_no_progress_when_not_a_terminal_or_for_a_short_run():
    piped = io.StringIO()
    Progress(piped, min_files=1)(1, 50)
    short = Tty()
    progress = Progress(short, min_files=100)
    progress(1, 50)
    progress.close()
    assert piped.getvalue() == "" and short.getvalue() == ""


def test_cli_passes_progress_to_the_run(run_cli, monkeypatch):
    calls = []
    monkeypatch.setattr("boundary_lint.cli.Progress.__call__", lambda self, done, total: calls.append((done, total)))
    run_cli("check", "--no-cache", "order_service/app")
    assert calls and calls[-1][0] == calls[-1][1]
