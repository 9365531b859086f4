"""The run's own settings of the process are put back when it ends."""

from __future__ import annotations

import gc
from pathlib import Path

from boundary_lint.adapters.runner import fewer_collections, run_paths
from boundary_lint.registry import Registry, Service


def test_a_run_leaves_the_cycle_collector_as_it_found_it(tmp_path: Path):
    registry = Registry({"app": Service("app", owns=("app.*",), paths=("**",)),
                         "billing": Service("billing", owns=("billing.*",))})
    (tmp_path / "views.py").write_text('def f(cur):\n    cur.execute("SELECT * FROM billing.invoices")\n')
    before = gc.get_threshold()
    result = run_paths([str(tmp_path)], registry, service="app", jobs=1, use_cache=False)
    assert [f.table for f in result.findings] == ["billing.invoices"]
    assert gc.get_threshold() == before


def test_collections_are_spaced_only_inside_and_never_switched_on():
    before = gc.get_threshold()
    with fewer_collections(every=50_000):
        assert gc.get_threshold()[0] == 50_000
    assert gc.get_threshold() == before
    gc.set_threshold(0)
    try:
        with fewer_collections():
            assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)
