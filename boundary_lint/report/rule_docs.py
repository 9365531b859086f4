"""Rule documentation in Markdown, formatted from the one code table (codes.py).

``docs/rules.md`` is this module's output (a test keeps it in sync); SARIF
rule help uses :func:`rule_markdown`. Regenerate the page with::

    python -m boundary_lint.report.rule_docs > docs/rules.md
"""

from __future__ import annotations

import sys

from boundary_lint.codes import NOTICES, RULES, Rule, format_message


def rule_markdown(rule: Rule, level: int = 2) -> str:
    """One rule: what it catches, why it matters, an example and the fix."""
    heading = "#" * level
    example = rule.example.rstrip("\n")
    return (
        f"{heading} {rule.code}: {rule.title}\n\n"
        f"Reported as: `{rule.code} {_sample_message(rule)}`\n\n"
        f"**Why it matters.** {rule.why}\n\n"
        f"**Example.**\n\n```\n{example}\n```\n\n"
        f"**Fix.** {rule.fix}\n\n"
        f"Suppress one occurrence with `# boundary: allow {rule.code} -- reason` "
        f"(`-- boundary: allow {rule.code} -- reason` in SQL; a ticket and an end date may open the "
        f"reason: `-- JIRA-123 until 2027-03-31 reason`), or accept today's findings "
        f"with a baseline (`boundary-lint check --write-baseline FILE`).\n"
    )


def _sample_message(rule: Rule) -> str:
    operation = {"BND101": "write", "BND102": "fk", "BND103": "ddl", "BND106": "map",
                 "BND107": "statement", "BND108": "transaction"}.get(rule.code, "read")
    owners = "<service> and <owner>" if rule.code in ("BND107", "BND108") else ""
    other = "<schema.table> (line <n>, owned by <service>)" if rule.code == "BND108" else ""
    return format_message(rule.code, "<service>", "<schema.table>", "<owner>", operation, owners, other)


def rules_markdown() -> str:
    """The whole ``docs/rules.md`` page."""
    index = "\n".join(f"| [{r.code}](#{rule_anchor(r)}) | {r.title} |" for r in RULES.values())
    body = "\n".join(rule_markdown(r) for r in RULES.values())
    return (
        "# boundary-lint rules\n\n"
        "<!-- Generated from boundary_lint/codes.py by `python -m boundary_lint.report.rule_docs`; "
        "do not edit. -->\n\n"
        "Every code boundary-lint reports. Codes are stable: CI configuration, baselines and "
        "suppression comments refer to them. `boundary-lint explain CODE` prints the same text.\n\n"
        "| code | rule |\n|---|---|\n"
        f"{index}\n\n{body}\n{notices_markdown()}"
    )


def notices_markdown() -> str:
    """The flake8 plugin's codes about the check itself."""
    rows = "\n".join(f"| {code} | {text} |" for code, text in NOTICES.items())
    return (
        "## Notices (flake8 only)\n\n"
        "What the CLI prints on stderr about a file, the flake8 plugin reports with one of these codes, "
        "at the line concerned. They name no table and are never findings of `check`; "
        "`--extend-ignore BND900` hides them.\n\n"
        f"| code | meaning |\n|---|---|\n{rows}\n"
    )


def rule_anchor(rule: Rule) -> str:
    """GitHub's heading anchor for ``## BND100: cross-service read``."""
    text = f"{rule.code}: {rule.title}".lower()
    return "".join(c if c.isalnum() or c in "-_ " else "" for c in text).replace(" ", "-")


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(rules_markdown())
