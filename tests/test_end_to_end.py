"""End to end through the CLI on the fixture platform: every expected finding, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import PLATFORM
from expectations import as_tuples, expected_under


def test_cli_reports_exactly_the_expected_findings(run_cli):
    result = run_cli("check", "--format", "json", ".")
    assert result.code == 1
    assert as_tuples(result.json["findings"]) == expected_under(PLATFORM, PLATFORM)


def written_name_pattern(table: str) -> str:
    """What the source must show at a finding's column: the (possibly quoted) schema or name."""
    schema, _, name = table.rpartition(".")
    first = schema or name
    return r'"?' + re.escape(first).replace(r"\{\}", r"\{[^}]*\}|%s")


def test_each_finding_points_at_the_table_name(run_cli):
    """The column is where the table name is written, inside strings and SQL files alike."""
    findings = run_cli("check", "--format", "json", ".").json["findings"]
    assert findings
    for finding in findings:
        text = (PLATFORM / finding["path"]).read_text(encoding="utf-8").splitlines()[finding["line"] - 1]
        written = text[finding["column"] - 1 :]
        name = finding["table"].rpartition(".")[2]
        assert re.match(written_name_pattern(finding["table"]), written, re.IGNORECASE) or re.match(
            r'"?' + re.escape(name), written, re.IGNORECASE
        ), (finding, written)


def test_files_of_no_service_are_counted_not_checked(run_cli):
    summary = run_cli("check", "--format", "json", ".").json["summary"]
    assert summary["unowned_files"] == 1
    assert summary["findings"] == sum(summary["by_code"].values())


def test_unparsable_python_is_an_error_and_the_run_goes_on(run_cli):
    result = run_cli("check", "--format", "json", ".")
    errors = result.json["errors"]
    assert [e["path"] for e in errors] == ["order_service/app/broken.py"]
    assert "cannot parse as Python" in errors[0]["message"]
    assert "order_service/app/broken.py:1: error: cannot parse as Python" in result.err
    assert any(f["path"].endswith("reads.py") for f in result.json["findings"])


def test_unparsable_sql_is_a_warning_and_the_token_scan_still_finds_tables(run_cli):
    result = run_cli("check", "order_service/app/bad_sql.py")
    assert "order_service/app/bad_sql.py:2: warning: SQL statement could not be parsed by sqlglot" in result.err
    assert "BND100 order_service reads public.portfolio, owned by algo_engine" in result.out
    assert result.code == 1


def test_text_output_is_path_line_col_code_message(run_cli):
    result = run_cli("check", "order_service/app/reads.py")
    assert result.out.splitlines()[0] == (
        "order_service/app/reads.py:13:10: BND100 order_service reads public.strategy, owned by algo_engine"
    )
    assert result.out.splitlines()[-1].startswith("4 findings in 1 file (1 file checked); BND")


def test_clean_file_exits_zero(run_cli):
    result = run_cli("check", "order_service/app/clean.py")
    assert result.code == 0, result.out
    assert result.out.strip().splitlines() == [
        "coverage: 7 SQL sites read (7 parsed, 0 token-scanned; 0 with a table name built at run time), "
        "0 ORM and migration references",
        "0 findings (1 file checked)"]


def test_paths_stay_as_given(run_cli):
    result = run_cli("check", "--format", "json", "tests/fixtures/platform/order_service/app/reads.py",
                     cwd=Path(__file__).parent.parent)
    assert {f["path"] for f in result.json["findings"]} == {"tests/fixtures/platform/order_service/app/reads.py"}


def test_select_and_ignore_filter_codes(run_cli):
    selected = run_cli("check", "--format", "json", "--select", "BND102", ".").json["findings"]
    assert {f["code"] for f in selected} == {"BND102"}
    ignored = run_cli("check", "--format", "json", "--ignore", "BND100,BND104", ".").json["findings"]
    assert {f["code"] for f in ignored} == {"BND101", "BND102", "BND103", "BND105", "BND106"}


def test_exclude_skips_matching_files(run_cli):
    result = run_cli("check", "--format", "json", "--exclude", "migrations", ".")
    assert not [f for f in result.json["findings"] if f["path"].endswith(".sql")]


def test_service_option_overrides_paths(run_cli):
    result = run_cli("check", "--format", "json", "--service", "algo_engine", "shared/not_owned.py")
    assert result.json["findings"] == []  # algo_engine owns public.strategy
    result = run_cli("check", "--format", "json", "--service", "analytics", "shared/not_owned.py")
    assert [(f["code"], f["owner"]) for f in result.json["findings"]] == [("BND100", "algo_engine")]


def test_json_document_shape(run_cli):
    document = run_cli("check", "--format", "json", "order_service/app/writes.py").json
    assert document["version"] == 1
    first = document["findings"][0]
    assert set(first) == {"path", "line", "column", "code", "service", "table", "owner", "operation", "message"}
    assert first["operation"] == "write" and first["service"] == "order_service"
    assert document["summary"]["files"] == 1
