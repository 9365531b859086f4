"""boundary-lint: find code that crosses database ownership boundaries between services."""

__version__ = "0.1.0"
