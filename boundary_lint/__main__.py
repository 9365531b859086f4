"""``python -m boundary_lint``: the same command line as ``boundary-lint``."""

import sys

from boundary_lint.cli import main

if __name__ == "__main__":
    sys.exit(main())
