"""The reference order service's throwaway-PostgreSQL helper, loaded once for the project's tests.

``examples/order_service/tests/pg_cluster.py`` starts the cluster (as an
unprivileged user when run as root); it is loaded by path under the name the
example's own conftest uses, so every test session shares one cluster.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "order_service"
EXAMPLE_TESTS = EXAMPLE / "tests"


def load_by_path(name: str, path: Path, fresh: bool = False):
    """The module at ``path``, loaded once under ``name`` (a file outside every package);
    ``fresh`` loads it again (a generated file that changed)."""
    module = None if fresh else sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


def load_pg_cluster():
    return load_by_path("order_service_example_pg_cluster", EXAMPLE_TESTS / "pg_cluster.py")


pg_cluster = load_pg_cluster()
