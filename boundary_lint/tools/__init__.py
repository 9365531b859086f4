"""Developer tools run with ``python -m boundary_lint.tools.NAME`` (not part of the linter's API)."""
