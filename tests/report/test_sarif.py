"""--format sarif: valid against the official SARIF 2.1.0 schema, with what GitHub code scanning uses.

``tests/data/sarif-schema-2.1.0.json`` is a verbatim copy of the OASIS TC's
``Schemata/sarif-schema-2.1.0.json`` (github.com/oasis-tcs/sarif-spec), kept as data.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from boundary_lint.codes import RULES, explain
from boundary_lint.report.sarif import FINGERPRINT_KEY
from conftest import FIXTURES
from project import APP, make_project

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(document: dict) -> None:
    # No check_schema(): the official schema's `language` pattern, `^(?i)...`, is not a
    # Python regex; it is only compiled for a `language` property, which we never emit.
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    validator = validator_class(SCHEMA, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_the_schema_copy_is_the_official_one():
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]
    assert "result" in SCHEMA["definitions"] and "reportingDescriptor" in SCHEMA["definitions"]


def test_the_schema_catches_an_invalid_log():
    with pytest.raises(AssertionError):
        validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"ruleId": "X"}]}]})


def test_platform_run_is_valid_sarif(run_cli):
    """Every code, a file that does not parse (a notification) and warnings, all valid."""
    result = run_cli("check", "--format", "sarif", "--show-suppressed", ".")
    assert result.code == 1
    document = json.loads(result.out)
    validate(document)
    run = document["runs"][0]
    split = json.loads(run_cli("check", "--format", "sarif", ".", cwd=FIXTURES / "split").out)  # BND107
    validate(split)
    found = {r["ruleId"] for r in run["results"]} | {r["ruleId"] for r in split["runs"][0]["results"]}
    assert found == set(RULES)
    levels = {n["level"] for n in run["invocations"][0]["toolExecutionNotifications"]}
    assert levels == {"error", "warning"}


def test_rules_carry_the_explain_text(run_cli):
    document = json.loads(run_cli("check", "--format", "sarif", "order_service/app/reads.py").out)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    bnd102 = next(r for r in rules if r["id"] == "BND102")
    assert bnd102["help"]["text"] == explain("BND102")
    assert bnd102["shortDescription"]["text"] == RULES["BND102"].title
    bnd107 = next(r for r in rules if r["id"] == "BND107")
    assert bnd107["help"]["text"] == explain("BND107") and "separate databases" in bnd107["fullDescription"]["text"]
    assert RULES["BND102"].fix in bnd102["help"]["markdown"]


def test_results_point_at_the_table_name(run_cli):
    document = json.loads(run_cli("check", "--format", "sarif", "order_service/app/reads.py").out)
    first = document["runs"][0]["results"][0]
    assert first["ruleId"] == "BND100" and first["level"] == "error"
    assert first["message"]["text"] == "BND100 order_service reads public.strategy, owned by algo_engine"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "order_service/app/reads.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 13, "startColumn": 10}
    assert document["runs"][0]["columnKind"] == "unicodeCodePoints"
    assert document["runs"][0]["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "BND100"


def test_fingerprints_survive_moved_lines_and_tell_duplicates_apart(run_cli, tmp_path):
    twice = APP + '\n\ndef again(cur):\n    cur.execute("SELECT name FROM public.strategy WHERE id = %s", (1,))\n'
    make_project(tmp_path, {"orders/app.py": twice})
    before = json.loads(run_cli("check", "--format", "sarif", cwd=tmp_path).out)["runs"][0]["results"]
    (tmp_path / "orders/app.py").write_text("import os\n\n\n" + twice)
    after = json.loads(run_cli("check", "--format", "sarif", cwd=tmp_path).out)["runs"][0]["results"]
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in before]
    assert prints == [r["partialFingerprints"][FINGERPRINT_KEY] for r in after]
    assert len(set(prints)) == len(prints) == 3
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] == [6, 11, 15]


def test_suppressed_findings_carry_their_justification(run_cli, tmp_path):
    make_project(tmp_path, {"orders/app.py": 'cur.execute("SELECT * FROM public.strategy")  # boundary: allow BND100 -- report\n'})
    plain = json.loads(run_cli("check", "--format", "sarif", cwd=tmp_path).out)
    assert plain["runs"][0]["results"] == []
    shown = json.loads(run_cli("check", "--format", "sarif", "--show-suppressed", cwd=tmp_path).out)
    validate(shown)
    (result,) = shown["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "report"}]


def test_absolute_and_odd_paths_are_valid_uris(run_cli, tmp_path):
    make_project(tmp_path, {"orders/my app/ünï.py": 'cur.execute("SELECT * FROM public.strategy")\n'})
    document = json.loads(run_cli("check", "--format", "sarif", str(tmp_path / "orders"), cwd=tmp_path).out)
    validate(document)
    uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file:///") and uri.endswith("/orders/my%20app/%C3%BCn%C3%AF.py")
    relative = json.loads(run_cli("check", "--format", "sarif", cwd=tmp_path).out)
    assert relative["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "orders/my%20app/%C3%BCn%C3%AF.py"

