"""The baseline: pure matching with counts and stale entries, and the CLI workflow end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boundary_lint.filters import baseline
from boundary_lint.filters.baseline import BaselineEntry, BaselineError
from boundary_lint.model import Finding
from project import APP, make_project


def finding(line: int, table: str = "public.strategy", fp: str = "f1", path: str = "a.py", code: str = "BND100"):
    return Finding(path, line, 5, code, table, "orders", "algo", "read", fingerprint=fp)


# -- pure -------------------------------------------------------------------------------------


def test_entries_count_identical_statements():
    entries = baseline.entries_for([finding(3), finding(9), finding(12, fp="f2")])
    assert entries == [BaselineEntry("a.py", "BND100", "public.strategy", "f1", 2),
                       BaselineEntry("a.py", "BND100", "public.strategy", "f2", 1)]


def test_line_numbers_do_not_matter():
    entries = baseline.entries_for([finding(3), finding(9)])
    matched = baseline.match([finding(103), finding(109)], entries, {"a.py"})
    assert matched.new == [] and len(matched.known) == 2 and matched.stale == []


def test_a_third_identical_statement_is_new_and_the_later_one_is_reported():
    entries = baseline.entries_for([finding(3), finding(9)])
    matched = baseline.match([finding(3), finding(9), finding(20)], entries, {"a.py"})
    assert [f.line for f in matched.new] == [20]


def test_an_edited_statement_is_new_and_its_old_entry_stale():
    entries = baseline.entries_for([finding(3)])
    matched = baseline.match([finding(3, fp="edited")], entries, {"a.py"})
    assert [f.fingerprint for f in matched.new] == ["edited"]
    assert matched.stale == entries


def test_a_fixed_duplicate_leaves_a_stale_count_of_one():
    entries = baseline.entries_for([finding(3), finding(9)])
    matched = baseline.match([finding(3)], entries, {"a.py"})
    assert matched.stale == [BaselineEntry("a.py", "BND100", "public.strategy", "f1", 1)]
    assert baseline.without_stale(entries, matched.stale) == [BaselineEntry("a.py", "BND100", "public.strategy", "f1", 1)]


def test_files_not_checked_and_codes_not_selected_are_never_stale():
    entries = baseline.entries_for([finding(3, path="other.py"), finding(4, code="BND101")])
    matched = baseline.match([], entries, {"a.py"}, keep=lambda code: code == "BND100")
    assert matched.stale == []


def test_rewritten_keeps_entries_of_files_not_checked():
    old = baseline.entries_for([finding(3, path="a.py"), finding(3, path="b.py")])
    new = baseline.rewritten(old, baseline.entries_for([finding(5, path="a.py", fp="f9")]), {"a.py"})
    assert {(e.path, e.fingerprint) for e in new} == {("a.py", "f9"), ("b.py", "f1")}


def test_paths_are_spelled_relative_to_the_baseline_folder(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert baseline.relative_to(tmp_path)("app/x.py") == "sub/app/x.py"


def test_file_round_trip_and_stable_text(tmp_path):
    entries = baseline.entries_for([finding(9, path="b.py"), finding(3), finding(4)])
    target = tmp_path / "baseline.json"
    baseline.save(target, entries)
    assert baseline.load(target) == entries
    assert target.read_text() == baseline.dumps(reversed(entries))  # order-independent output
    document = json.loads(target.read_text())
    assert document["version"] == baseline.FORMAT_VERSION
    assert set(document["entries"][0]) == {"path", "code", "table", "fingerprint", "count"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("{", "not valid JSON"),
        ('{"version": 99, "entries": []}', "not a boundary-lint baseline"),
        ('{"version": 1, "entries": [{"code": "BND100"}]}', "entry 1 needs path, code and table"),
    ],
)
def test_bad_files_say_what_to_do(tmp_path, text, message):
    target = tmp_path / "b.json"
    target.write_text(text)
    with pytest.raises(BaselineError, match=message):
        baseline.load(target)
    with pytest.raises(BaselineError, match="--write-baseline"):
        baseline.load(tmp_path / "missing.json")


# -- the workflow through the CLI ------------------------------------------------------------


def test_write_then_check_accepts_today_and_fails_on_new(run_cli, tmp_path):
    make_project(tmp_path)
    written = run_cli("check", "--write-baseline", "bl.json", cwd=tmp_path)
    assert written.code == 0, written.err
    assert "wrote bl.json: 2 findings accepted" in written.err
    assert written.out.strip().splitlines()[-1] == "0 findings (1 file checked); 2 more accepted by the baseline"

    clean = run_cli("check", "--baseline", "bl.json", "--format", "json", cwd=tmp_path)
    assert clean.code == 0 and clean.json["findings"] == [] and clean.json["summary"]["baselined"] == 2

    # Unrelated edits shift every line: still accepted.
    app = tmp_path / "orders/app.py"
    app.write_text('"""Positions."""\nimport logging\n\nLOG = logging.getLogger(__name__)\n\n\n' + APP)
    shifted = run_cli("check", "--baseline", "bl.json", cwd=tmp_path)
    assert shifted.code == 0, shifted.out

    # A second identical read is new, the first stays accepted.
    app.write_text(app.read_text() + '\n\ndef again(cur):\n    cur.execute("SELECT name FROM public.strategy WHERE id = %s", (1,))\n')
    new = run_cli("check", "--baseline", "bl.json", "--format", "json", cwd=tmp_path)
    assert new.code == 1
    assert [(f["code"], f["line"]) for f in new.json["findings"]] == [("BND100", 18)]


def test_fixed_findings_are_stale_until_pruned(run_cli, tmp_path):
    make_project(tmp_path)
    run_cli("check", "--write-baseline", "bl.json", cwd=tmp_path)
    app = tmp_path / "orders/app.py"
    app.write_text(APP.replace('    cur.execute("UPDATE public.portfolio SET weight = 0 WHERE id = 1")\n', "    client.rebalance()\n"))

    text = run_cli("check", "--baseline", "bl.json", cwd=tmp_path)
    assert text.code == 0
    # (the project has no algo/ folder: boundaries.toml warns that its paths glob matches nothing)
    assert [line for line in text.err.splitlines() if not line.startswith("boundaries.toml:")] == [
        "orders/app.py: stale baseline entry: BND101 public.portfolio (1 accepted finding no longer found); "
        "drop it with --prune-baseline"
    ]
    document = run_cli("check", "--baseline", "bl.json", "--format", "json", cwd=tmp_path).json
    assert [(e["code"], e["table"], e["count"]) for e in document["stale_baseline"]] == [("BND101", "public.portfolio", 1)]

    pruned = run_cli("check", "--baseline", "bl.json", "--prune-baseline", cwd=tmp_path)
    assert pruned.code == 0 and "pruned 1 fixed finding from bl.json" in pruned.err
    assert "drop it with --prune-baseline" not in pruned.err  # the run that prunes says it did
    assert "BND101 public.portfolio (1 accepted finding no longer found); dropped from the baseline" in pruned.err
    assert [e.code for e in baseline.load(tmp_path / "bl.json")] == ["BND100"]
    after = run_cli("check", "--baseline", "bl.json", cwd=tmp_path).err.splitlines()
    assert [line for line in after if not line.startswith("boundaries.toml:")] == []

    # The baseline only shrinks: the write that was fixed and pruned fails again if it comes back.
    app.write_text(APP)
    assert run_cli("check", "--baseline", "bl.json", cwd=tmp_path).code == 1


def test_checking_some_files_reports_no_stale_entries_for_the_others(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app.py": APP, "orders/other.py": APP})
    run_cli("check", "--write-baseline", "bl.json", cwd=tmp_path)
    only_one = run_cli("check", "--baseline", "bl.json", "orders/app.py", cwd=tmp_path)
    assert only_one.code == 0 and only_one.err == ""
    # writing the baseline for one file keeps the other file's entries
    run_cli("check", "--write-baseline", "bl.json", "orders/app.py", cwd=tmp_path)
    assert {e.path for e in baseline.load(tmp_path / "bl.json")} == {"orders/app.py", "orders/other.py"}


def test_entries_of_deleted_files_are_stale_even_when_other_paths_are_checked(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app.py": APP, "orders/old.py": APP})
    run_cli("check", "--write-baseline", "bl.json", cwd=tmp_path)
    (tmp_path / "orders/old.py").unlink()
    result = run_cli("check", "--baseline", "bl.json", "--prune-baseline", "orders/app.py", cwd=tmp_path)
    assert result.code == 0 and result.err.count("orders/old.py: stale baseline entry") == 2
    assert {e.path for e in baseline.load(tmp_path / "bl.json")} == {"orders/app.py"}


def test_settings_baseline_is_relative_to_the_registry(run_cli, tmp_path):
    make_project(tmp_path, settings='baseline = "ci/boundary-baseline.json"')
    (tmp_path / "ci").mkdir()
    missing = run_cli("check", cwd=tmp_path)
    assert missing.code == 2 and "ci/boundary-baseline.json: no such baseline file" in missing.err
    assert run_cli("check", "--write-baseline", cwd=tmp_path).code == 0
    assert (tmp_path / "ci/boundary-baseline.json").exists()
    # from a subfolder, paths given relative to it: the same entries match
    sub = run_cli("check", "app.py", cwd=tmp_path / "orders")
    assert sub.code == 0, sub.out
    everything = run_cli("check", "--no-baseline", cwd=tmp_path)
    assert everything.code == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--baseline", "x.json", "--no-baseline"], "contradict"),
        (["--prune-baseline"], "--prune-baseline needs a baseline"),
        (["--write-baseline"], "--write-baseline needs a FILE"),
        (["--baseline", "nope.json"], "no such baseline file"),
    ],
)
def test_option_mistakes_are_usage_errors(run_cli, tmp_path, args, message):
    make_project(tmp_path)
    result = run_cli("check", *args, cwd=tmp_path)
    assert result.code == 2 and message in result.err
