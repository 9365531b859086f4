"""--require-reason and --show-suppressed through the CLI, on Python and SQL files."""

from __future__ import annotations

from project import make_project

SOURCES = {
    "orders/app.py": '''\
def report(cur):
    cur.execute("SELECT * FROM public.strategy")  # boundary: allow BND100 -- read model until the API ships
    cur.execute("SELECT * FROM public.portfolio")  # noqa: BND100
    cur.execute("DELETE FROM public.portfolio")  # boundary: allow BND101
''',
    "orders/migrations/001.sql": '''\
CREATE TABLE orders.fills (
    id BIGINT PRIMARY KEY,
    strategy_id BIGINT REFERENCES public.strategy(id)  -- boundary: allow BND102 -- dropped in 007
);
INSERT INTO public.portfolio (id) VALUES (1);  -- noqa
''',
}


def test_all_forms_suppress_by_default(run_cli, tmp_path):
    make_project(tmp_path, SOURCES)
    result = run_cli("check", "--format", "json", cwd=tmp_path)
    assert result.code == 0 and result.json["findings"] == []
    assert result.json["suppressed"] == []  # listed only on request


def test_show_suppressed_lists_them_with_their_reasons(run_cli, tmp_path):
    make_project(tmp_path, SOURCES)
    document = run_cli("check", "--format", "json", "--show-suppressed", cwd=tmp_path).json
    rows = {(s["path"], s["line"], s["code"], s["kind"], s["reason"]) for s in document["suppressed"]}
    assert rows == {
        ("orders/app.py", 2, "BND100", "allow", "read model until the API ships"),
        ("orders/app.py", 3, "BND100", "noqa", ""),
        ("orders/app.py", 4, "BND101", "allow", ""),
        ("orders/migrations/001.sql", 3, "BND102", "allow", "dropped in 007"),
        ("orders/migrations/001.sql", 5, "BND101", "noqa", ""),
    }
    text = run_cli("check", "--show-suppressed", cwd=tmp_path)
    assert text.code == 0
    assert ("orders/app.py:2:32: BND100 orders reads public.strategy, owned by algo "
            "(suppressed: read model until the API ships)") in text.out.splitlines()
    assert "orders/app.py:3:32: BND100 orders reads public.portfolio, owned by algo (suppressed by noqa, no reason given)" \
        in text.out.splitlines()
    assert text.out.splitlines()[-1] == "0 findings (2 files checked); 5 suppressed"


def test_require_reason_reports_the_original_findings_and_explains(run_cli, tmp_path):
    make_project(tmp_path, SOURCES)
    result = run_cli("check", "--format", "json", "--require-reason", cwd=tmp_path)
    assert result.code == 1
    assert {(f["path"], f["line"], f["code"]) for f in result.json["findings"]} == {
        ("orders/app.py", 3, "BND100"),
        ("orders/app.py", 4, "BND101"),
        ("orders/migrations/001.sql", 5, "BND101"),
    }
    warnings = {(w["path"], w["line"]): w["message"] for w in result.json["warnings"]}
    assert "write `# boundary: allow BND100 -- why` instead" in warnings[("orders/app.py", 3)]
    assert "write `-- boundary: allow BND101 -- why` instead" in warnings[("orders/migrations/001.sql", 5)]
    assert "orders/app.py:4: warning: suppression without a reason" in result.err


def test_require_reason_respects_select(run_cli, tmp_path):
    make_project(tmp_path, SOURCES)
    result = run_cli("check", "--format", "json", "--require-reason", "--select", "BND100", cwd=tmp_path)
    assert [(f["line"], f["code"]) for f in result.json["findings"]] == [(3, "BND100")]
