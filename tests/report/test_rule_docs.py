"""Rule docs stay in sync with the one code table: docs/rules.md, the README table, `explain`."""

from __future__ import annotations

import re
from pathlib import Path

from boundary_lint.codes import RULES, explain
from boundary_lint.report.rule_docs import rules_markdown

ROOT = Path(__file__).parents[2]


def test_docs_rules_md_is_generated_from_codes():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date: run `python -m boundary_lint.report.rule_docs > docs/rules.md`"
    )


def test_docs_cover_every_rule_with_why_example_and_fix():
    page = rules_markdown()
    for rule in RULES.values():
        assert f"## {rule.code}: {rule.title}" in page
        assert rule.why in page and rule.fix in page and rule.example.splitlines()[0] in page


def readme_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What it reports", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| (BND\d{3}) \|", section, re.MULTILINE)


def test_readme_lists_every_rule_in_order():
    assert readme_codes() == list(RULES)


def test_explain_prints_what_why_example_and_fix(run_cli):
    result = run_cli("explain", "bnd102")
    assert result.code == 0
    assert result.out == explain("BND102")
    for part in (RULES["BND102"].title, RULES["BND102"].why, "Example:", "Fix: " + RULES["BND102"].fix):
        assert part in result.out
    assert run_cli("explain", "BND999").code == 2
