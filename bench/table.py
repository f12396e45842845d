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
import statistics
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
    "| tree | commit | .py files | ast.parse | cold (/ ast.parse) | warm (/ ast.parse) "
    "| warm extraction stage / ast.parse | hook (5 files) | peak RSS (cold) |"
)


def measure_tree(tree: Path, repeat: int, jobs: int) -> str:
    """One row of the table for ``tree``. ``ast.parse`` is measured again right before each
    scan and every ratio is taken pair by pair (a shared machine's speed drifts)."""
    files = python_files(tree)
    scan = [sys.executable, "-m", "scanner", "scan", "--root", str(tree), "--format", "json",
            "--exit-zero"]  # fmt: skip
    parses: list[float] = []
    cold: list[Run] = []
    warm: list[Run] = []
    ratios: dict[str, list[float]] = {"cold": [], "warm": [], "stage": []}
    for _ in range(repeat):
        cache = Path(tempfile.mkdtemp(prefix="mlg-bench-cache-"))
        try:
            full = [*scan, "--jobs", str(jobs), "--cache-dir", str(cache)]
            parses.append(ast_parse_seconds(files))
            cold.append(run(full, tree))
            ratios["cold"].append(cold[-1].seconds / parses[-1])
            parses.append(ast_parse_seconds(files))
            warm.append(run(full, tree))
            ratios["warm"].append(warm[-1].seconds / parses[-1])
            ratios["stage"].append(warm_extraction_seconds(tree, cache) / parses[-1])
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    staged = [str(path) for path in recent_files(tree, 5)]
    hook = median_run([*scan, "--no-cache", *staged], repeat, tree)
    ratio = {name: statistics.median(values) for name, values in ratios.items()}
    cold_s, warm_s = (statistics.median(r.seconds for r in runs) for runs in (cold, warm))
    return (
        f"| {tree.name} | {commit(tree)} | {len(files):,} | {statistics.median(parses):.2f} s "
        f"| {cold_s:.2f} s ({ratio['cold']:.1f}x) | {warm_s:.2f} s ({ratio['warm']:.2f}x) "
        f"| {ratio['stage']:.2f}x | {hook.seconds:.2f} s | {max(r.peak_mb for r in cold):.0f} MB |"
    )


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
