"""ORM findings and their cost on Django 5.1's own tree, split into services by django.contrib app.

    python benchmarks/django_orm.py [--json FILE]

Uses the sdist ``bench.py`` downloads (``~/.cache/boundary-lint-bench``). Each
contrib app that has models becomes a service owning its tables (Django's default
names, or its ``db_table``); everything else under ``django/`` is the ``core``
service, and the tests are left out (they are no service). Reports the findings
by code and by service pair, the ORM uses left unresolved, the model index's
size and cost (cold, and warm from the cache), and the same times as ``bench.py``
as ratios to the floor (reading and ``ast.parse``-ing every file) measured in
the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402
from boundary_lint.adapters import model_index_store  # noqa: E402
from boundary_lint.adapters.config_file import load_registry  # noqa: E402
from boundary_lint.report.owners import owner_lines  # noqa: E402
from boundary_lint.adapters.runner import run_paths  # noqa: E402

APPS = {
    "auth": ["public.auth_user", "public.auth_group", "public.auth_permission", "public.auth_user_groups",
             "public.auth_user_user_permissions", "public.auth_group_permissions"],
    "contenttypes": ["public.django_content_type"],
    "admin": ["public.django_admin_log"],
    "sessions": ["public.django_session"],
    "sites": ["public.django_site"],
    "flatpages": ["public.django_flatpage", "public.django_flatpage_sites"],
    "redirects": ["public.django_redirect"],
}
REGISTRY_FILE = "boundaries-contrib.toml"


def registry_text() -> str:
    parts = ['[settings]\nsearch_path = ["public"]\nexclude = ["tests", "docs", "scripts", "extras"]\n']
    for app, tables in APPS.items():
        owns = ", ".join(f'"{t}"' for t in tables)
        parts.append(f'[services.{app}]\nowns = [{owns}]\npaths = ["django/contrib/{app}/**"]\n')
    parts.append('[services.core]\nowns = ["core.*"]\npaths = ["django/**"]\n')
    return "\n".join(parts)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    cache = Path.home() / ".cache" / "boundary-lint-bench"
    tree = bench.fetch("django", bench.SDISTS["django"], cache)
    config = tree / REGISTRY_FILE
    config.write_text(registry_text())
    registry = load_registry(config)
    shutil.rmtree(tree / ".boundary_lint_cache", ignore_errors=True)
    files = bench.python_files(tree / "django")
    floor_s = bench.timed(lambda: bench.floor(files), repeat=2)
    start = time.perf_counter()
    index = model_index_store.build_index(tree, tuple(registry.settings.exclude), tree / ".boundary_lint_cache")
    index_cold = time.perf_counter() - start
    start = time.perf_counter()
    model_index_store.build_index(tree, tuple(registry.settings.exclude), tree / ".boundary_lint_cache")
    index_warm = time.perf_counter() - start
    target = str(tree / "django")
    cold_1 = bench.timed(lambda: run_paths([target], registry, jobs=1, use_cache=False), repeat=2)
    cold_n = bench.timed(lambda: run_paths([target], registry, jobs=args.jobs, use_cache=False), repeat=2)
    run_paths([target], registry, jobs=args.jobs, use_cache=True)
    warm = bench.timed(lambda: run_paths([target], registry, jobs=args.jobs, use_cache=True), repeat=2)
    run = run_paths([target], registry, jobs=args.jobs, use_cache=True)
    orm = [f for f in run.findings if f.via == "orm"]
    sample = random.Random(0).sample(files, 10)
    names = [str(p.relative_to(tree)) for p in sample]
    precommit_cached = bench.subprocess_check(["check", "--config", REGISTRY_FILE, *names], tree)
    precommit_nocache = bench.subprocess_check(["check", "--no-cache", "--config", REGISTRY_FILE, *names], tree)
    result: Dict[str, object] = {
        "files": len(files),
        "models": len(index.models),
        "model_files": len(index.records),
        "floor_s": round(floor_s, 3),
        "index_cold_s": round(index_cold, 3),
        "index_warm_s": round(index_warm, 3),
        "cold_1_job": round(cold_1 / floor_s, 3),
        "cold_jobs": round(cold_n / floor_s, 3),
        "warm": round(warm / floor_s, 3),
        "precommit_10_files_s": round(precommit_cached["wall_s"], 3),
        "precommit_10_files_no_cache_s": round(precommit_nocache["wall_s"], 3),
        "findings": len(run.findings),
        "orm_findings": len(orm),
        "by_code": dict(Counter(f.code for f in run.findings)),
        "orm_by_code": dict(Counter(f.code for f in orm)),
        "orm_unresolved": run.orm_unresolved,
        "by_owner": owner_lines(orm),
        "orm_examples": [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in orm[:15]],
        "engine": bench.engine(),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
