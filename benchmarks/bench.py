r"""Benchmark boundary-lint against the floor of any AST linter, measured in the same run.

    python benchmarks/bench.py                 # Django 5.1, ckan, pgspecial (downloaded once, cached)
    python benchmarks/bench.py --smoke         # the repository's own small trees, no download
    python benchmarks/bench.py --trees django --json out.json
    python benchmarks/bench.py --trees procrastinate,service,dump4,dump10   # SQL-heavy

Every time is reported as a ratio to the floor: reading every Python file and
``ast.parse``-ing it, and reading every word of every ``.sql`` file once
(``re.findall(r"\w+", text)``), in one process. Ratios, not seconds, are comparable
across machines and runs; the seconds are printed too. ``sql_words`` is the check of
the ``.sql`` files alone (each checked as by the run, no model index) against their
word floor; ``start_s`` a whole process on a folder with a registry and nothing to read.

``cold`` is ``check --no-cache`` as a returning user runs it: no results cache,
the model index read from its cache (kept by an earlier ``check``; files keyed by
size and mtime). ``first_run`` and ``precommit_first_s`` are the same with no
cache folder at all (a fresh checkout: the model index is built from every file).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from boundary_lint.adapters.source_files import check_file  # noqa: E402
from boundary_lint.sites import model_index  # noqa: E402
from boundary_lint.adapters.config_file import load_registry  # noqa: E402
from boundary_lint.flake8_plugin import BoundaryLintPlugin  # noqa: E402
from boundary_lint.prefilter.lines import engine  # noqa: E402
from boundary_lint.adapters.runner import cache_folder, default_jobs, run_paths  # noqa: E402
from boundary_lint.sql import memo  # noqa: E402
from sql_trees import write_dump, write_service  # noqa: E402

SDISTS = {
    "django": "django==5.1",
    "ckan": "ckan==2.10.4",
    "pgspecial": "pgspecial==2.1.2",
    "procrastinate": "procrastinate==3.10.0",
}
GENERATED = {  # name -> how to make it in an empty folder
    "service": lambda root: write_service(root),
    "dump4": lambda root: write_dump(root / "dump.sql", 4_000_000).parent,
    "dump10": lambda root: write_dump(root / "dump.sql", 10_000_000).parent,
}
REGISTRY = """\
[settings]
search_path = ["app", "public"]

[services.app]
owns = ["app.*"]
paths = ["**"]
search_path = ["app"]

[services.platform]
owns = ["public.*"]
"""
TARGETS = {
    "cold_1_job": 0.5,
    "cold_jobs": 0.35,
    "warm": 0.1,
    "sql_words": 5.0,
    "precommit_10_files_s": 0.3,
    "flake8_plugin_ms_per_file": 0.3,
    "peak_rss_mb": 150,
}
START_TARGET_S = 0.1  # a whole process with its registry loaded and nothing to read


def fetch(name: str, spec: str, cache: Path) -> Path:
    """Download and unpack a pinned sdist once; later runs reuse it."""
    target = cache / "src" / name
    if target.exists():
        return target
    downloads = cache / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "--dest", str(downloads), spec],
        check=True,
    )
    stem = spec.split("==")[0].replace("-", "_").lower()
    archive = next(p for p in downloads.iterdir() if p.name.lower().replace("-", "_").startswith(stem))
    staging = Path(tempfile.mkdtemp(dir=cache))
    with tarfile.open(archive) as tar:
        tar.extractall(staging, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(staging)
    target.parent.mkdir(parents=True, exist_ok=True)
    (next(staging.iterdir())).rename(target)
    staging.rmdir()
    return target


def generate(name: str, cache: Path) -> Path:
    """A generated tree, made once (same text every time: seeded)."""
    target = cache / "generated" / name
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=cache))
        GENERATED[name](staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(target)
    return target


def python_files(tree: Path) -> List[Path]:
    return sorted(p for p in tree.rglob("*.py") if ".boundary_lint_cache" not in p.parts)


def sql_files(tree: Path) -> List[Path]:
    return sorted(p for p in tree.rglob("*.sql") if ".boundary_lint_cache" not in p.parts)


def word_floor(files: List[Path]) -> None:
    """The least work that looks at all of a ``.sql`` file: every word once."""
    for path in files:
        re.findall(r"\w+", path.read_text(encoding="utf-8", errors="replace"))


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def floor(files: List[Path]) -> None:
    for path in files:
        try:
            ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            pass


def plugin_cost_ms(files: List[Path], registry) -> float:
    """The plugin's own time per file, given the trees flake8 would already have built."""
    prepared = []
    for path in files:
        source = path.read_text(encoding="utf-8", errors="replace")
        try:
            prepared.append((ast.parse(source), str(path), source.splitlines(keepends=True)))
        except (SyntaxError, ValueError):
            continue
    BoundaryLintPlugin._registry, BoundaryLintPlugin.service = registry, "app"
    start = time.perf_counter()
    for tree, name, lines in prepared:
        list(BoundaryLintPlugin(tree, name, lines).run())
    return (time.perf_counter() - start) * 1000 / max(1, len(prepared))


def subprocess_check(args: List[str], cwd: Path) -> Dict[str, float]:
    """Wall time and peak RSS of a whole `boundary-lint check` process."""
    # VmHWM, not ru_maxrss: the latter survives exec and would report this (large) parent.
    code = (
        "import sys\nfrom boundary_lint.cli import main\n"
        f"rc = main({args!r})\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print('RSS', hwm, file=sys.stderr)\n"
    )
    # As installed: pip compiles the package's bytecode, so a run does not pay for it
    # (PYTHONDONTWRITEBYTECODE, set in some sandboxes, would charge every run for it).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    subprocess.run([sys.executable, "-c", "import boundary_lint.commands.check, boundary_lint.pipeline"],
                   cwd=cwd, env=env, check=True)  # the modules a run imports, compiled before it is timed
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if "RSS" not in proc.stderr:
        raise RuntimeError(f"boundary-lint {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    rss_kb = int(proc.stderr.rsplit("RSS", 1)[1].split()[0])
    return {"wall_s": wall, "peak_rss_mb": rss_kb / 1024}


def start_cost() -> Dict[str, float]:
    """A whole ``check`` process with its registry loaded and nothing to read, and the bare
    interpreter (``python -c pass``) measured alike: best of five each."""
    with tempfile.TemporaryDirectory(prefix="boundary-lint-start-") as work:
        (Path(work) / "boundaries.toml").write_text(REGISTRY)
        (Path(work) / "empty").mkdir()
        # an empty folder: exit 2 ("no file was checked"), after the registry is loaded and the walk done
        check = min(subprocess_check(["check", "--no-cache", "empty"], Path(work))["wall_s"] for _ in range(5))
    python = min(timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True)) for _ in range(5))
    return {"start_s": check, "python_s": python}


def forget_caches(registry) -> None:
    """A first run: no cache folder for the registry, no model index in this process."""
    shutil.rmtree(cache_folder(registry), ignore_errors=True)
    model_index.forget()


def first_run_s(tree: Path, registry, repeat: int = 2) -> float:
    """The best time of ``check --no-cache`` with no cache at all (each run starts afresh)."""
    best = float("inf")
    for _ in range(repeat):
        forget_caches(registry)
        best = min(best, timed(lambda: run_paths([str(tree)], registry, jobs=1, use_cache=False)))
    return best


def bench_tree(name: str, tree: Path, jobs: int, repeat: int = 2) -> Dict[str, object]:
    (tree / "boundaries.toml").write_text(REGISTRY)
    registry = load_registry(tree / "boundaries.toml")
    files = python_files(tree)
    sqls = sql_files(tree)
    py_floor = timed(lambda: floor(files), repeat=2)
    sql_floor = timed(lambda: word_floor(sqls), repeat=2)
    floor_s = py_floor + sql_floor
    first = first_run_s(tree, registry)
    sample = random.Random(0).sample(files + sqls, min(10, len(files) + len(sqls)))
    sample_args = ["check", "--no-cache", *[str(p.relative_to(tree)) for p in sample]]
    forget_caches(registry)
    precommit_first = subprocess_check(sample_args, tree)
    run_paths([str(tree)], registry, jobs=jobs, use_cache=True)  # fill the caches (results, model index)
    model_index.forget()
    cold_1 = timed(lambda: run_paths([str(tree)], registry, jobs=1, use_cache=False), repeat=repeat)
    cold_n = timed(lambda: run_paths([str(tree)], registry, jobs=jobs, use_cache=False), repeat=repeat)
    sql_only = timed(lambda: (memo.forget(), [check_file(p, p.name, registry) for p in sqls]),
                     repeat=repeat) if sqls else 0.0  # each round analyses afresh, as a run does
    warm = timed(lambda: run_paths([str(tree)], registry, jobs=jobs, use_cache=True), repeat=2)
    findings = len(run_paths([str(tree)], registry, jobs=jobs, use_cache=True).findings)
    precommit = subprocess_check(sample_args, tree)
    whole = subprocess_check(["check", "--no-cache", "--jobs", "1", "."], tree)
    return {
        "tree": name,
        "files": len(files),
        "sql_files": len(sqls),
        "findings": findings,
        "floor_s": floor_s,
        "sql_floor_s": sql_floor,
        "sql_words": sql_only / sql_floor if sqls and sql_floor else 0.0,
        "first_run_s": first,
        "first_run": first / floor_s,
        "precommit_first_s": precommit_first["wall_s"],
        "cold_1_job_s": cold_1,
        "cold_jobs_s": cold_n,
        "warm_s": warm,
        "cold_1_job": cold_1 / floor_s,
        "cold_jobs": cold_n / floor_s,
        "warm": warm / floor_s,
        "precommit_10_files_s": precommit["wall_s"],
        "flake8_plugin_ms_per_file": plugin_cost_ms(files, registry),
        "peak_rss_mb": whole["peak_rss_mb"],
        "jobs": jobs,
    }


def installed_engines() -> Dict[str, str]:
    """What this run measured: boundary-lint[fast] brings RE2 and the compiled sqlglot."""
    import sqlglot.parser

    compiled = not sqlglot.parser.__file__.endswith(".py")
    return {"prefilter": engine(), "sqlglot": "compiled" if compiled else "pure Python"}


def print_table(rows: List[Dict[str, object]]) -> None:
    columns = ["files", "sql_files", "floor_s", "cold_1_job", "cold_jobs", "warm", "sql_words",
               "precommit_10_files_s", "flake8_plugin_ms_per_file", "peak_rss_mb", "first_run", "precommit_first_s",
               "findings"]
    print("| tree | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for row in rows:
        cells = [f"{row[c]:.3f}" if isinstance(row[c], float) else str(row[c]) for c in columns]
        print(f"| {row['tree']} | " + " | ".join(cells) + " |")
    print("| target | | | | " + " | ".join(
        f"<= {TARGETS[c]}" for c in columns[3:10]) + " | | | |")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="the bundled example only, no download (CI)")
    parser.add_argument("--trees", default="django,ckan,pgspecial",
                        help="comma-separated: " + ", ".join(list(SDISTS) + list(GENERATED)))
    parser.add_argument("--repeat", type=int, default=2, help="cold runs per tree (the best is kept)")
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "boundary-lint-bench"))
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--json", dest="json_path", help="also write the results here")
    args = parser.parse_args(argv)
    cache = Path(args.cache)
    rows = []
    if args.smoke:
        with tempfile.TemporaryDirectory(prefix="boundary-lint-bench-") as work:  # removed afterwards
            for name, source in (("example", ROOT / "examples" / "order_service"),):
                target = Path(work) / name
                shutil.copytree(source, target, ignore=shutil.ignore_patterns(".boundary_lint_cache", "__pycache__"))
                rows.append(bench_tree(name, target, args.jobs, args.repeat))
    else:
        for name in args.trees.split(","):
            tree = generate(name, cache) if name in GENERATED else fetch(name, SDISTS[name], cache)
            rows.append(bench_tree(name, tree, args.jobs, args.repeat))
    setup = installed_engines()
    start = start_cost()
    setup.update({k: f"{v:.3f}" for k, v in start.items()})
    print(f"pre-filter engine: {setup['prefilter']}; sqlglot: {setup['sqlglot']}; jobs: {args.jobs}; "
          f"process start (registry, nothing to read): {setup['start_s']} s (target <= {START_TARGET_S} s; "
          f"python -c pass: {setup['python_s']} s)")
    print_table(rows)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"setup": setup, "targets": TARGETS, "results": rows},
                                                   indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
