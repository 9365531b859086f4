"""The optional compiled sqlglot (``pip install boundary-lint[fast]``) gives the same findings.

CI runs the accuracy, end-to-end and SQL-analysis tests a second time in a venv with
``.[fast,test]`` and ``BOUNDARY_LINT_EXPECT_COMPILED=1``: those tests compare with the
same labels, and this one proves that run really used the compiled parser.
"""

from __future__ import annotations

import os

import sqlglot.parser


def test_the_sqlglot_build_is_the_one_this_run_expects():
    compiled = not sqlglot.parser.__file__.endswith(".py")
    assert compiled == (os.environ.get("BOUNDARY_LINT_EXPECT_COMPILED") == "1"), sqlglot.parser.__file__
