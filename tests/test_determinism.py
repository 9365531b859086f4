"""Output order is stable -- by path, line, column, code -- whatever order the file
system lists files in and however many worker processes check them."""

from __future__ import annotations

import os
import random

from project import make_project

from boundary_lint.adapters import files as discovery
from boundary_lint.adapters import runner

FILES = {
    f"orders/{folder}/m{number}.py": (
        f'def f{number}(cur):\n'
        f'    cur.execute("SELECT * FROM public.strategy s JOIN public.portfolio p ON p.id = s.id")\n'
        f'    cur.execute("UPDATE public.portfolio SET w = 0")\n'
        f'    cur.execute("SELEC broken FROM public.strategy")\n'
    )
    for folder in ("a", "b", "c") for number in range(8)
}
FILES["orders/z.sql"] = "INSERT INTO public.strategy VALUES (1);\nDROP TABLE public.portfolio;\n"


class _Listing:
    """What ``os.scandir`` gives (an iterator and a context manager), in another order."""

    def __init__(self, entries):
        self.entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass


def shuffled_scandir(seed: int):
    """``os.scandir`` listing each folder in a seeded random order, as file systems do."""
    real_scandir = os.scandir
    rng = random.Random(seed)

    def scandir(path="."):
        with real_scandir(path) as listing:
            entries = list(listing)
        rng.shuffle(entries)
        return _Listing(entries)

    return scandir


def test_same_output_whatever_the_walk_order_and_jobs(run_cli, tmp_path, monkeypatch):
    make_project(tmp_path, FILES)
    monkeypatch.setattr(runner, "pool_pays", lambda *args: True)  # --jobs 2: workers, however small the tree
    outputs = set()
    for seed, jobs in [(1, "1"), (2, "2"), (3, "2"), (4, "1")]:
        monkeypatch.setattr(discovery.os, "scandir", shuffled_scandir(seed))
        for fmt in ("text", "json"):
            result = run_cli("check", "--no-cache", "--jobs", jobs, "--format", fmt, ".", cwd=tmp_path)
            assert result.code == 1
            outputs.add((fmt, result.out, result.err))
    assert len(outputs) == 2, "one text and one JSON output"
    document = next(__import__("json").loads(out) for fmt, out, _ in outputs if fmt == "json")
    keys = [(f["path"], f["line"], f["column"], f["code"]) for f in document["findings"]]
    assert keys == sorted(keys) and len(keys) == 24 * 4 + 2
    warnings = [(w["path"], w["line"]) for w in document["warnings"]]
    assert warnings == sorted(warnings) and len(warnings) == 25


def test_cache_does_not_change_the_output(run_cli, tmp_path, monkeypatch):
    make_project(tmp_path, FILES)
    cold = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    monkeypatch.setattr(discovery.os, "scandir", shuffled_scandir(7))
    warm = run_cli("check", "--format", "json", "--jobs", "2", ".", cwd=tmp_path)
    assert (cold.out, cold.err) == (warm.out, warm.err)


def test_messages_do_not_depend_on_the_hash_seed():
    """sqlglot names the missing part of ``/`` in set order; the notice must not vary."""
    import subprocess
    import sys

    code = ("from boundary_lint.sql.refs import analyze_sql\n"
            "print(analyze_sql('SELECT 1 FROM public.t; /').notices)\n")
    seen = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
        for seed in (1, 2, 3, 6, 7)
    }
    assert len(seen) == 1 and "could not be parsed" in seen.pop()
