"""The speed table of the README (not a test), for any checkouts named on the command line.

    python bench/table.py /work/repos/peft /work/repos/diffusers [--repeat 3] [--jobs 0]

For each tree (a local clone of it, so nothing in the checkout is touched), side by side in one
run: its ``.py`` files; single-process ``ast.parse`` of all of them (the yardstick, CPU seconds);
a cold full scan (an empty cache) and a warm rescan of the unchanged tree (the cache the cold
scan filled), each in wall and CPU seconds (the scan's workers included) with its CPU ratio to
``ast.parse`` measured right before it; the pre-commit case (the hook's own command, ``scan
--changed``, the rest of the tree in the cache): the 5 ``.py`` files most recently changed in
git, edited twice (``EDITS``: a statement appended, then one inserted before the first
definition; after one hook run on them unedited, not timed: the first hook run after a full
scan builds the planning's module index), and the same 5 files with the cache off; and the
peak RSS of the cold scan's largest process. Every scan is the real CLI in a fresh process,
interpreter start included; figures are medians of ``--repeat`` runs. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from measure import (  # the script's own folder is on the path
    Run,
    ast_parse_seconds,
    commit,
    median_run,
    python_files,
    recent_files,
    run,
)

HEADER = (
    "| tree | commit | .py files | ast.parse (CPU) | cold: wall, CPU (CPU / ast.parse) "
    "| warm: wall, CPU (CPU / ast.parse) | hook, 5 files, a statement appended (cache warm) "
    "| hook, 5 files, a statement inserted (cache warm) | hook, 5 files (cache off) "
    "| peak RSS (cold, largest process) |"
)
HOOK = ("--changed",)
"""The options of the pre-commit hook's entry (``.pre-commit-hooks.yaml``): the staged files and
every file whose findings depend on them."""
STATEMENT = "_EDITED_BY_BENCH = {}\n"
"""The statement the hook case adds to each staged file: new code (an edit of comments alone is
served from the cache, and would not measure the hook)."""


def appended(text: str, tag: int) -> str:
    """``text`` with the statement added at its end."""
    return text + "\n" + STATEMENT.format(tag)


def inserted(text: str, tag: int) -> str:
    """``text`` with the statement added before its first top-level definition (its decorators
    included; at its end when it has none): every line after it moves down."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return appended(text, tag)
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            at = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            return "".join([*lines[:at], STATEMENT.format(tag), *lines[at:]])
    return appended(text, tag)


EDITS = {"appended": appended, "inserted": inserted}
"""The hook's edits of the staged files: a statement appended (nothing before it moves), and one
inserted before the first definition (the lines of what follows change)."""


@dataclass(slots=True)
class Figures:
    """Every run of one tree, each scan paired with the ``ast.parse`` CPU time before it."""

    cold: list[tuple[Run, float]] = field(default_factory=list)
    warm: list[tuple[Run, float]] = field(default_factory=list)
    hook_warm: dict[str, list[Run]] = field(default_factory=dict)  # by edit


def measure_tree(tree: Path, repeat: int, jobs: int) -> str:
    """One row of the table for ``tree``, measured on a clone of it (the hook edits files):
    ``ast.parse`` is measured again right before each full scan and each ratio is taken pair
    by pair (a shared machine's speed drifts)."""
    with tempfile.TemporaryDirectory(prefix="mlg-bench-") as folder:
        clone = Path(folder) / tree.name
        subprocess.run(["git", "clone", "-q", "--local", str(tree), str(clone)], check=True)
        figures = Figures()
        for attempt in range(repeat):
            _measure_once(clone, Path(folder) / f"cache-{attempt}", jobs, attempt, figures)
        staged = [str(path) for path in recent_files(clone, 5)]
        hook_cold = median_run([*_scan(clone), *HOOK, "--no-cache", *staged], repeat, clone)
        return _row(tree, len(python_files(clone)), figures, hook_cold)


def _scan(tree: Path) -> list[str]:
    return [sys.executable, "-m", "scanner", "scan", "--root", str(tree), "--format", "json",
            "--exit-zero"]  # fmt: skip


def _measure_once(tree: Path, cache: Path, jobs: int, attempt: int, figures: Figures) -> None:
    """A cold scan, a warm rescan, then the hook on the 5 files last changed in git, edited
    (what a commit stages: new content in a tree whose other files the cache holds)."""
    files = python_files(tree)
    full = [*_scan(tree), "--jobs", str(jobs), "--cache-dir", str(cache)]
    for kind in ("cold", "warm"):
        parse = ast_parse_seconds(files, cpu=True)
        getattr(figures, kind).append((run(full, tree), parse))
    staged = recent_files(tree, 5)
    hook = [*_scan(tree), *HOOK, "--cache-dir", str(cache), *map(str, staged)]
    run(hook, tree)  # not timed: a first hook run after a full scan builds the module index
    for name, edit in EDITS.items():
        for path in staged:
            path.write_text(edit(path.read_text(encoding="utf-8"), attempt), encoding="utf-8")
        figures.hook_warm.setdefault(name, []).append(run(hook, tree))
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=tree, check=True)


def _row(tree: Path, files: int, figures: Figures, hook_cold: Run) -> str:
    def scan(pairs: list[tuple[Run, float]]) -> str:
        wall = statistics.median(r.seconds for r, _ in pairs)
        cpu = statistics.median(r.cpu for r, _ in pairs)
        ratio = statistics.median(r.cpu / parse for r, parse in pairs)
        return f"{wall:.2f} s, {cpu:.2f} s ({ratio:.2f}x)"

    def hook(runs: list[Run]) -> str:
        wall = statistics.median(r.seconds for r in runs)
        return f"{wall:.2f} s wall, {statistics.median(r.cpu for r in runs):.2f} s CPU"

    parse = statistics.median(p for _, p in figures.cold + figures.warm)
    peak = max(r.peak_mb for r, _ in figures.cold)
    return (
        f"| {tree.name} | {commit(tree)} | {files:,} | {parse:.2f} s | {scan(figures.cold)} "
        f"| {scan(figures.warm)} | {hook(figures.hook_warm['appended'])} "
        f"| {hook(figures.hook_warm['inserted'])} | {hook([hook_cold])} | {peak:.0f} MB |"
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
