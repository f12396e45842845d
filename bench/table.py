"""The speed table of the README (not a test), for any checkouts named on the command line.

    python bench/table.py /work/repos/peft /work/repos/diffusers [--repeat 3] [--jobs 0]

For each tree, side by side in one run: its ``.py`` files; single-process ``ast.parse`` of all
of them (the yardstick); a cold full scan (an empty extraction cache); a warm rescan of the
unchanged tree (the cache the cold scan filled), and its extraction stage alone (in this
process: what the cache itself costs, without the database, resolution and report); the
pre-commit case (the 5 ``.py`` files most recently changed in git, cache off: staged files are
new content); and the peak RSS of the cold scan. Every scan is the real CLI in a fresh process,
interpreter start included; times are medians of ``--repeat`` runs. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from measure import (  # the script's own folder is on the path
    Run,
    ast_parse_seconds,
    commit,
    median_run,
    python_files,
    recent_files,
    run,
    warm_extraction_seconds,
)

HEADER = (
    "| tree | commit | .py files | ast.parse | cold | warm | warm / ast.parse "
    "| warm extraction | hook (5 files) | peak RSS |"
)


def measure_tree(tree: Path, repeat: int, jobs: int) -> str:
    """One row of the table for ``tree``."""
    files = python_files(tree)
    parse = min(ast_parse_seconds(files) for _ in range(repeat))
    scan = [sys.executable, "-m", "scanner", "scan", "--root", str(tree), "--format", "json",
            "--exit-zero"]  # fmt: skip
    cold_runs: list[Run] = []
    warm_runs: list[Run] = []
    stage: list[float] = []
    for _ in range(repeat):
        cache = Path(tempfile.mkdtemp(prefix="mlg-bench-cache-"))
        try:
            full = [*scan, "--jobs", str(jobs), "--cache-dir", str(cache)]
            cold_runs.append(run(full, tree))
            warm_runs.append(run(full, tree))
            stage.append(warm_extraction_seconds(tree, cache))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    cold, warm = _median(cold_runs), _median(warm_runs)
    staged = [str(path) for path in recent_files(tree, 5)]
    hook = median_run([*scan, "--no-cache", *staged], repeat, tree)
    return (
        f"| {tree.name} | {commit(tree)} | {len(files):,} | {parse:.2f} s | {cold.seconds:.2f} s "
        f"| {warm.seconds:.2f} s | {warm.seconds / parse:.2f}x "
        f"| {min(stage):.2f} s ({min(stage) / parse:.2f}x) | {hook.seconds:.2f} s "
        f"| {cold.peak_mb:.0f} MB |"
    )


def _median(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[len(ordered) // 2]
    return Run(middle.seconds, max(r.peak_mb for r in runs), middle.status)


def main() -> None:
    """Measure every tree named and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("trees", nargs="+", type=Path, help="git checkouts to measure")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--jobs", type=int, default=0, help="scan worker processes (0: cores)")
    args = parser.parse_args()
    print(HEADER)
    print("|" + " --- |" * (HEADER.count("|") - 1))
    for tree in args.trees:
        print(measure_tree(tree.resolve(), args.repeat, args.jobs), flush=True)


if __name__ == "__main__":
    main()
