"""The benchmark script runs end to end (smoke mode: the bundled example, no download).

Not a timed test: it checks that every measure is produced, never how fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke_mode_produces_every_measure(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--smoke", "--jobs", "2", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    document = json.loads(out.read_text())
    (row,) = document["results"]
    for measure in document["targets"]:
        assert row[measure] > 0, measure
    assert row["files"] > 10 and row["findings"] > 0
    assert "| example |" in proc.stdout
