"""A small throwaway project (registry + files) for end-to-end tests of `check` options."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict, List

REGISTRY = """\
[settings]
dialect = "postgres"
search_path = ["public"]
{settings}

[services.orders]
owns = ["orders.*"]
paths = ["orders/**"]
search_path = ["orders", "public"]

[services.algo]
owns = ["public.strategy", "public.portfolio"]
paths = ["algo/**"]
"""

APP = '''\
def positions(cur):
    cur.execute("SELECT * FROM orders.positions")
    cur.execute("SELECT name FROM public.strategy WHERE id = %s", (1,))
    return cur.fetchall()


def rebalance(cur):
    cur.execute("UPDATE public.portfolio SET weight = 0 WHERE id = 1")
'''


def make_project(root: Path, files: Dict[str, str] = None, settings: str = "") -> Path:
    """Write ``boundaries.toml`` and ``files`` (default: one app module) under ``root``."""
    (root / "boundaries.toml").write_text(REGISTRY.format(settings=settings), encoding="utf-8")
    for name, text in (files if files is not None else {"orders/app.py": APP}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


REPOSITORY = Path(__file__).resolve().parents[1]


def repository_python_files() -> List[Path]:
    """Every Python file of the repository's fixtures, corpora, example and package: what the
    equivalence tests of the speed layer (two engines, the hollowed parse) run on."""
    roots = [REPOSITORY / "tests" / name for name in ("fixtures", "corpus", "corpus_holdout", "corpus_holdout2")]
    roots += [REPOSITORY / "examples", REPOSITORY / "boundary_lint"]
    return sorted(p for root in roots for p in root.rglob("*.py") if "__pycache__" not in p.parts)
