"""The optional compiled sqlglot (``pip install boundary-lint[fast]``) gives the same findings.

CI runs the accuracy, end-to-end and SQL-analysis tests a second time in a venv with
``.[fast,test]`` and ``BOUNDARY_LINT_EXPECT_COMPILED=1``: those tests compare with the
same labels, and this one proves that run really used the compiled parser. Without the
variable, the run is a plain install's: compiled where the default dependency's markers
bring it (macOS, 64-bit Windows; see tests/test_compiled_default.py), pure Python elsewhere.
"""

from __future__ import annotations

import os

import sqlglot.parser

from test_compiled_default import compiled_requirement


def test_the_sqlglot_build_is_the_one_this_run_expects():
    compiled = not sqlglot.parser.__file__.endswith(".py")
    expected = os.environ.get("BOUNDARY_LINT_EXPECT_COMPILED")
    plain_install = compiled_requirement().marker.evaluate({"extra": ""})
    assert compiled == (expected == "1" if expected is not None else plain_install), sqlglot.parser.__file__
