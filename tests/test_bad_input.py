"""Bad input gets a clear message (file, line, what to do) and an exit status, and the
other files are still checked: each test puts one bad file beside ``orders/app.py``
(two findings) and asserts both."""

from __future__ import annotations

import os
import sys

import pytest
from project import APP, make_project

from boundary_lint.adapters import source_files as checker  # where files are opened

APP_FINDINGS = "2 findings in"


def project(tmp_path, files=None):
    make_project(tmp_path, {"orders/app.py": APP, **(files or {})})
    (tmp_path / "algo").mkdir()
    (tmp_path / "algo" / "own.py").write_text("x = 1\n")
    return tmp_path


def check(run_cli, root, *args):
    return run_cli("check", "--no-cache", *args, ".", cwd=root)


def assert_app_checked(result):
    assert "orders/app.py:2:" not in result.err
    assert "orders/app.py:3:" in result.out and "orders/app.py:8:" in result.out, result.out


def write(root, name, data: bytes):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


SQL_LINE = b'cur.execute("SELECT * FROM public.strategy")\n'


def test_latin1_with_a_coding_cookie_is_read(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/latin.py", b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + SQL_LINE)
    result = check(run_cli, root)
    assert result.err == ""
    assert "orders/latin.py:3:28: BND100" in result.out
    assert_app_checked(result)
    assert result.code == 1


def test_latin1_without_a_cookie_is_an_error_at_the_bad_byte(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/latin.py", b"# a comment\n" + SQL_LINE + b"# caf\xe9\n")
    result = check(run_cli, root)
    assert "orders/latin.py:3: error: cannot decode as utf-8 (" in result.err
    assert "save it as UTF-8 or declare its coding (# -*- coding: latin-1 -*-)" in result.err
    assert_app_checked(result)
    assert result.code == 1


def test_sql_file_that_is_not_utf8(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/m.sql", b"SELECT 1;\n-- caf\xe9\n")
    result = check(run_cli, root)
    assert "orders/m.sql:2: error: cannot decode as utf-8" in result.err and "; save it as UTF-8\n" in result.err
    assert_app_checked(result)


def test_binary_file_with_a_py_name(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/blob.py", bytes(range(256)) * 4 + b"execute")
    result = check(run_cli, root)
    assert "orders/blob.py:1: error: skipped: binary content (NUL bytes); exclude it" in result.err
    assert_app_checked(result)
    assert result.code == 1


def test_empty_files_are_checked_and_clean(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/empty.py", b"")
    write(root, "orders/empty.sql", b"")
    result = check(run_cli, root)
    assert result.err == ""
    assert_app_checked(result)
    assert f"{APP_FINDINGS} 1 file (4 files checked)" in result.out


def test_huge_file_is_skipped_without_being_read_whole(run_cli, tmp_path, monkeypatch):
    root = project(tmp_path)
    with open(root / "orders/huge.py", "wb") as handle:  # sparse: costs no disk
        handle.truncate(checker.MAX_FILE_BYTES * 4)
    reads = []
    real_open = open

    def spy(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        real_read = handle.read
        handle.read = lambda size=-1: reads.append((os.path.basename(path), size)) or real_read(size)
        return handle

    monkeypatch.setattr(checker, "open", spy, raising=False)
    result = check(run_cli, root)
    assert "orders/huge.py:1: error: skipped: larger than 5 MB; exclude it or split it" in result.err
    assert ("huge.py", checker.MAX_FILE_BYTES + 1) in reads
    assert_app_checked(result)


def test_symlink_loops_neither_hang_nor_crash(run_cli, tmp_path):
    root = project(tmp_path)
    os.symlink("loop_b.py", root / "orders/loop_a.py")
    os.symlink("loop_a.py", root / "orders/loop_b.py")
    os.symlink("..", root / "orders/parent")  # a folder loop: not followed
    result = check(run_cli, root)
    assert ("orders/loop_a.py:1: error: cannot read file (Too many levels of symbolic links: a symlink to "
            "loop_b.py); fix or remove the symlink, or exclude it") in result.err
    assert "orders/loop_b.py:1: error: cannot read file" in result.err
    assert "orders/parent" not in result.out + result.err
    assert_app_checked(result)
    assert result.code == 1


def test_symlink_to_a_file_is_checked_under_its_own_name(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/real/q.py", SQL_LINE)
    os.symlink("real/q.py", root / "orders/link.py")
    result = check(run_cli, root)
    assert "orders/link.py:1:28: BND100" in result.out and "orders/real/q.py:1:28: BND100" in result.out
    assert result.err == ""
    assert_app_checked(result)


def test_dangling_symlink(run_cli, tmp_path):
    root = project(tmp_path)
    os.symlink("gone.py", root / "orders/dangling.py")
    result = check(run_cli, root)
    assert ("orders/dangling.py:1: error: cannot read file (No such file or directory: a symlink to gone.py); "
            "fix or remove the symlink, or exclude it") in result.err
    assert_app_checked(result)


def test_fifo_with_a_py_name_is_not_read(run_cli, tmp_path):
    """Reading a FIFO would block the run forever."""
    root = project(tmp_path)
    os.mkfifo(root / "orders/pipe.py")
    result = check(run_cli, root)
    assert ("orders/pipe.py:1: error: cannot read file (not a regular file (a FIFO, socket or device)); "
            "exclude it") in result.err
    assert_app_checked(result)


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_unreadable_file_simulated(run_cli, tmp_path, monkeypatch, cache):
    """Root reads any file whatever its mode (the tests run as root in CI), so the denial is
    simulated where the checker opens files; test_unreadable_file_for_real does it for real."""
    root = project(tmp_path)
    write(root, "orders/secret.py", SQL_LINE)
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(checker, "open", deny, raising=False)
    result = run_cli("check", *([] if cache else ["--no-cache"]), ".", cwd=root)
    assert ("orders/secret.py:1: error: cannot read file (Permission denied); fix its permissions or exclude it"
            in result.err)
    assert_app_checked(result)
    assert result.code == 1


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_for_real(run_cli, tmp_path):
    root = project(tmp_path)
    secret = write(root, "orders/secret.py", SQL_LINE)
    secret.chmod(0)
    try:
        result = check(run_cli, root)
    finally:
        secret.chmod(0o644)
    assert "orders/secret.py:1: error: cannot read file (Permission denied)" in result.err
    assert_app_checked(result)


def test_python_syntax_error(run_cli, tmp_path):
    """(A file whose bytes hold nothing SQL-like is never parsed, so its syntax is not judged.)"""
    root = project(tmp_path)
    write(root, "orders/broken.py", b"def f(:\n    pass\n" + SQL_LINE)
    result = check(run_cli, root)
    assert "orders/broken.py:1: error: cannot parse as Python (invalid syntax); fix the syntax or exclude the file" \
        in result.err
    assert_app_checked(result)
    assert result.code == 1


def test_python2_code(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/old.py", b'import os\nprint "SELECT * FROM public.strategy"\n')
    result = check(run_cli, root)
    assert "orders/old.py:2: error: cannot parse as Python (Missing parentheses in call to 'print'." in result.err
    assert "fix the syntax or exclude the file" in result.err
    assert_app_checked(result)


def test_expression_too_deep_for_the_parser(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/deep.py", b"x = " + b" + ".join([b"1"] * 20000) + b"\n" + SQL_LINE)
    result = check(run_cli, root)
    assert "orders/deep.py:1: error: cannot parse as Python (nested too deeply for Python's parser)" in result.err
    assert_app_checked(result)


def test_expression_too_deep_for_the_checker_is_cut_and_the_rest_read(run_cli, tmp_path):
    root = project(tmp_path)
    # composed, so the walk reads the call (a plain literal proved finding-free is not walked at all)
    write(root, "orders/deep.py", b'cur.execute("SELECT 1" + q, ' + b" + ".join([b"1"] * 800) + b")\n" + SQL_LINE)
    result = check(run_cli, root)
    assert ("orders/deep.py:1: warning: an expression nested over 100 levels deep was not read (line 1); "
            "split it if it holds SQL") in result.err
    assert "orders/deep.py:2:28: BND100" in result.out
    assert_app_checked(result)


def test_sql_sqlglot_cannot_parse(run_cli, tmp_path):
    root = project(tmp_path)
    write(root, "orders/odd.sql", b"SELECT 1;\nSELEC * FROM public.strategy WHERE ((;\n")
    result = check(run_cli, root)
    assert "orders/odd.sql:2: warning: SQL statement could not be parsed by sqlglot (" in result.err
    assert "scanned for table names instead" in result.err
    assert "orders/odd.sql:2:14: BND100" in result.out
    assert_app_checked(result)


def test_registry_with_toml_errors(run_cli, tmp_path):
    root = project(tmp_path)
    (root / "boundaries.toml").write_text('[services.orders]\nowns = ["orders.*"\npaths = 3\n')
    result = check(run_cli, root)
    assert result.code == 2
    assert "boundaries.toml: not valid TOML: " in result.err and "(at line 3, column 1)" in result.err
    assert result.out == ""


def test_overlapping_ownership(run_cli, tmp_path):
    root = project(tmp_path)
    registry = root / "boundaries.toml"
    text = registry.read_text().replace('owns = ["public.strategy"', 'owns = ["orders.*", "public.strategy"')
    registry.write_text(text)
    result = check(run_cli, root)
    assert result.code == 2
    assert "'orders.*' is owned by both services 'orders' and 'algo'; give it to one of them" in result.err


def test_paths_glob_matching_no_file_is_a_warning(run_cli, tmp_path):
    root = project(tmp_path)
    registry = root / "boundaries.toml"
    registry.write_text(registry.read_text().replace('paths = ["orders/**"]', 'paths = ["orders/**", "foo/**"]'))
    result = check(run_cli, root)
    assert ("boundaries.toml:8: warning: services.orders.paths 'foo/**' matches no file; fix the glob "
            "(relative to the registry's folder) or remove it") in result.err
    assert_app_checked(result)
    assert result.code == 1  # a warning does not change the exit status
    assert run_cli("check", "--no-cache", "orders/app.py", cwd=root).err == ""  # a partial run proves nothing


def test_path_that_does_not_exist(run_cli, tmp_path):
    root = project(tmp_path)
    result = run_cli("check", "--no-cache", "orders/nope.py", "orders", cwd=root)
    assert result.code == 2
    assert "boundary-lint: no such file or folder: orders/nope.py" in result.err
    assert_app_checked(result)
    assert run_cli("check", "--no-cache", "nope", cwd=root).code == 2


def test_init_skips_fifos_and_binary_files(run_cli, tmp_path):
    """Bug: ``init`` read a FIFO named ``*.py`` (and hung) and huge files whole."""
    write(tmp_path, "orders/q.py", SQL_LINE)
    os.mkfifo(tmp_path / "orders/pipe.py")
    write(tmp_path, "orders/blob.py", b"\0" * 100 + SQL_LINE)
    result = run_cli("init", ".", cwd=tmp_path)
    assert result.code == 0, result.err
    assert "public.strategy" in (tmp_path / "boundaries.toml").read_text()


@pytest.mark.parametrize("damage", [
    '{"version": "%s", "entries": []}',
    '{"version": "%s", "entries": {"orders/app.py": 3}}',
    '{"version": "%s", "entries": {"orders/app.py": {"hash": "%s", "result": {"service": "orders", '
    '"checked": true, "findings": [{"path": "x", "line": "one", "column": 1, "code": "BND100", "table": "t"}], '
    '"problems": []}}}}',
    "not json",
], ids=["list", "number", "wrong-types", "text"])
def test_damaged_cache_is_ignored(run_cli, tmp_path, damage, monkeypatch):
    """Bug: a damaged results cache (entries not a table, wrong types) crashed the run."""
    from boundary_lint import __version__
    from boundary_lint.adapters.cache import content_hash

    monkeypatch.delenv("BOUNDARY_LINT_CACHE_DIR")  # the cache beside the registry
    root = project(tmp_path)
    first = run_cli("check", ".", cwd=root)
    caches = list((root / ".boundary_lint_cache").glob("results-*.json"))
    assert caches
    for cache in caches:
        digest = content_hash((root / "orders/app.py").read_bytes())
        cache.write_text(damage % ((__version__, digest)[:damage.count("%s")]) if "%s" in damage else damage)
    again = run_cli("check", ".", cwd=root)
    assert (again.code, again.out, again.err) == (first.code, first.out, first.err)
    assert_app_checked(again)
