"""--diff-base: parsing git's hunks, asking git, and reporting only findings on changed lines."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from boundary_lint.filters.changed_lines import (
    ALL_LINES,
    DiffError,
    git_changed_lines,
    is_changed,
    parse_unified_diff,
)
from project import APP, make_project

DIFF = """\
diff --git a/new.sql b/new.sql
new file mode 100644
--- /dev/null
+++ b/new.sql
@@ -0,0 +1,3 @@
+a
+b
+c
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/app/x.py b/app/x.py
--- a/app/x.py
+++ b/app/x.py
@@ -5,2 +4,0 @@ def f():
-    a
-    b
@@ -9 +8 @@ def g():
-    c
+    d
diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"
--- "a/caf\\303\\251.py"
+++ "b/caf\\303\\251.py"
@@ -1 +1,2 @@
-x
+y
+z
"""


def test_hunks_give_the_new_side_lines():
    assert parse_unified_diff(DIFF) == {"new.sql": {1, 2, 3}, "app/x.py": {8}, "café.py": {1, 2}}


def test_is_changed_looks_at_any_of_the_lines():
    changed = {"a.py": {8}, "new.py": ALL_LINES}
    assert is_changed(changed, "a.py", (3, 8)) and not is_changed(changed, "a.py", (3,))
    assert is_changed(changed, "new.py", (500,)) and not is_changed(changed, "b.py", (1,))


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, check=True, capture_output=True, text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path):
    make_project(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_git_changed_lines_sees_edits_commits_and_untracked_files(repo):
    git(repo, "checkout", "-q", "-b", "feature")
    app = repo / "orders/app.py"
    app.write_text(APP + '\n\ndef more(cur):\n    cur.execute("SELECT 1 FROM public.strategy")\n')
    git(repo, "commit", "-q", "-am", "more")
    (repo / "orders/new.py").write_text("x = 1\n")
    changed = git_changed_lines("main", str(repo))
    assert changed == {"orders/app.py": {9, 10, 11, 12}, "orders/new.py": ALL_LINES}


def test_unknown_ref_is_a_clear_error(repo):
    with pytest.raises(DiffError, match="unknown git ref 'nope'"):
        git_changed_lines("nope", str(repo))


def test_cli_reports_only_findings_on_changed_lines(run_cli, repo):
    app = repo / "orders/app.py"
    app.write_text(APP + '\n\ndef more(cur):\n    cur.execute("""\n        SELECT 1\n        FROM public.strategy\n    """)\n')
    result = run_cli("check", "--format", "json", "--diff-base", "HEAD", cwd=repo)
    assert result.code == 1
    # the new statement is reported; the two findings of the untouched code are not
    assert [(f["line"], f["table"]) for f in result.json["findings"]] == [(14, "public.strategy")]

    # the statement's first line changed, the table's line did not: still reported
    app.write_text(APP.replace('cur.execute("UPDATE public.portfolio', 'cur.execute( "UPDATE public.portfolio'))
    edited = run_cli("check", "--format", "json", "--diff-base", "HEAD", cwd=repo)
    assert [f["table"] for f in edited.json["findings"]] == ["public.portfolio"]

    app.write_text(APP)
    assert run_cli("check", "--diff-base", "HEAD", cwd=repo).code == 0


def test_cli_diff_base_from_a_subfolder_and_with_a_bad_ref(run_cli, repo):
    (repo / "orders/app.py").write_text(APP + "\n\ndef w(cur):\n    cur.execute('DELETE FROM public.strategy')\n")
    sub = run_cli("check", "--format", "json", "--diff-base", "HEAD", "app.py", cwd=repo / "orders")
    assert [(f["path"], f["code"]) for f in sub.json["findings"]] == [("app.py", "BND101")]
    bad = run_cli("check", "--diff-base", "no-such-branch", cwd=repo)
    assert bad.code == 2 and "--diff-base: unknown git ref 'no-such-branch'" in bad.err


def test_diff_base_outside_a_repository_is_a_usage_error(run_cli, tmp_path):
    make_project(tmp_path)
    result = run_cli("check", "--diff-base", "HEAD", cwd=tmp_path)
    assert result.code == 2 and "--diff-base" in result.err
