"""The benchmark scripts keep working (they are run, not timed: figures live in the README)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("bench_db.py", ["--runs", "1"], ["cold load", "lookup of each kind", "10,000 lookups"]),
        ("bench_db.py", ["--runs", "1", "--vs", str(BENCH.parent)],
         ["import + load(): ", "load, a license, one lookup of each kind: "]),
        ("measure.py", [str(BENCH / "recall_corpus")], ["."]),
        ("bench_scan.py", ["--files", "30", "--repeat", "1"],
         ["python files: 30", "full scan:", "pre-commit case (5 files):"]),
        ("recall.py", ["--only", "broken", "--only", "trl"],
         ["broken             recall 1.000 (4/4)  precision 1.000 (4/4)",
          "trl                skipped: no --checkout trl=PATH", "all                  4      4"]),
        ("fuzz.py", ["--examples", "2", "--", "-k", "any_text and python"], ["passed"]),
        ("hostile.py", ["--only", "1,000 nested ["],
         ["| 1,000 nested [ | 0.00 MB |", "| 1 | kept | found | not parsed: too many nested"]),
    ],
)  # fmt: skip
def test_benchmark_script_runs(script: str, args: list[str], expected: list[str]) -> None:
    result = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True,
                            text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for text in expected:
        assert text in result.stdout
