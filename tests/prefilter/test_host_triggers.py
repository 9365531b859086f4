"""The host-language byte test: a JavaScript or TypeScript file with no SQL shape is not
parsed, and no finding is lost by it (the same results as a run that parses every file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from boundary_lint.adapters.config_file import load_registry
from boundary_lint.adapters.runner import run_paths
from boundary_lint.pipeline import check_source
from boundary_lint.prefilter.host_triggers import may_hold_findings

pytest.importorskip("tree_sitter_typescript", reason="boundary-lint[polyglot] is not installed")
pytest.importorskip("tree_sitter_javascript", reason="boundary-lint[polyglot] is not installed")

TESTS = Path(__file__).parents[1]
REGISTRY = '[services.app]\nowns = ["app.*"]\npaths = ["**"]\n\n[services.billing]\nowns = ["billing.*"]\n'

# Each one gives a finding; the byte test must let every one through.
SHAPES = {
    "template.ts": "const q = `SELECT * FROM billing.invoices`;\n",
    "escape_first.js": 'const q = "\\n\\tselect id from billing.invoices";\n',
    "comment_first.ts": "const q = '-- all of them\\nSELECT id FROM billing.invoices';\n",
    "block_comment.js": 'run("/* why */ DELETE FROM billing.invoices");\n',
    "joined.js": 'const q = "  " +\n  "UPDATE billing.invoices SET paid = true";\n',
    "hole_first.ts": "await prisma.$queryRaw`${cols} FROM billing.invoices`;\n",
    "tagged.ts": "const rows = await sql`${x} from billing.invoices`;\n",
    "query_call.js": "pool.query(prefix + ' from billing.invoices');\n",
    "unsafe.ts": "await sql.unsafe(`${columns} FROM billing.invoices`);\n",
    "text_block.ts": "const q = `\n    WITH x AS (SELECT 1) SELECT * FROM billing.invoices`;\n",
    "suppressed.ts": "// boundary: allow BND100 -- nothing here\nconst a = 1;\n",
}
# None can give one: the byte test keeps them from the parser.
CLEAN = {
    "jquery_like.js": "(function($){ $.fn.select = function(){ return this.each(function(){ delete x.y; }); };"
                      "\n// Select the rows, then update them with the new width\n})(jQuery);\n",
    "strings.ts": "const label = 'Select a file'; const msg = \"Update available\";\nquerySelector('#a');\n",
}


def results(root: Path, prefilter: bool):
    registry = load_registry(root / "boundaries.toml")
    out = {}
    for path in sorted(root.rglob("*")):
        if path.suffix in (".js", ".ts", ".tsx", ".jsx", ".mjs", ".cjs"):
            display = str(path.relative_to(root))
            owner = registry.service_for_path(path) or "app"
            result = check_source(path.read_bytes(), path, display, registry, owner, prefilter=prefilter)
            out[display] = (result.findings, result.problems, result.suppressed, result.unused)
    return out


def test_each_sql_shape_passes_the_byte_test_and_gives_the_same_findings(tmp_path):
    (tmp_path / "boundaries.toml").write_text(REGISTRY)
    for name, text in {**SHAPES, **CLEAN}.items():
        (tmp_path / name).write_text(text)
    assert all(may_hold_findings("typescript", text.encode()) for text in SHAPES.values())
    assert not any(may_hold_findings("typescript", text.encode()) for text in CLEAN.values())
    filtered, whole = results(tmp_path, True), results(tmp_path, False)
    assert filtered == whole
    assert all(whole[name][0] for name in SHAPES if name != "suppressed.ts"), whole
    assert whole["suppressed.ts"][3]  # its unused suppression is still said


@pytest.mark.parametrize("folder", ["fixtures/polyglot", "corpus_polyglot"])
def test_the_polyglot_trees_give_the_same_results_with_and_without_the_byte_test(folder):
    assert results(TESTS / folder, True) == results(TESTS / folder, False)


def test_without_the_parser_a_file_with_no_sql_shape_is_not_counted_as_not_read(tmp_path, monkeypatch):
    from boundary_lint.sites import host_tree_sitter

    def missing(language):
        raise host_tree_sitter.MissingGrammar("no grammar")

    monkeypatch.setattr("boundary_lint.host_files.parser_for", missing)
    (tmp_path / "boundaries.toml").write_text(REGISTRY)
    (tmp_path / "vendor.js").write_text(CLEAN["jquery_like.js"])
    (tmp_path / "repo.ts").write_text(SHAPES["template.ts"])
    run = run_paths([str(tmp_path)], load_registry(tmp_path / "boundaries.toml"), use_cache=False, jobs=1)
    assert run.coverage.get("not_read") == 1  # repo.ts: it may hold SQL, and could not be read
