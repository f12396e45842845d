"""Small measurement functions for the benchmarks (not tests): each returns figures, none prints.

``run`` times a whole command in a fresh process (interpreter start included) and reads its peak
resident memory from the kernel's accounting of that child and the children it waited for;
``ast_parse_seconds`` is the yardstick every scan is compared with (single-process
``ast.parse`` of every ``.py`` file of the tree).
"""

from __future__ import annotations

import ast
import os
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Run:
    """One command's wall seconds, peak RSS (MB, its largest process) and exit status, and the
    CPU seconds of it and the processes it waited for (scan workers)."""

    seconds: float
    peak_mb: float
    status: int
    cpu: float = 0.0


def run(argv: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """``argv`` run to completion with its output discarded, timed from start to exit (with
    compiled bytecode written and used, as an installed tool has it, whatever
    ``PYTHONDONTWRITEBYTECODE`` says: otherwise every run compiles the tool from source)."""
    given = os.environ if env is None else env
    start = time.perf_counter()
    child = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env={k: v for k, v in given.items() if k != "PYTHONDONTWRITEBYTECODE"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, child.returncode, cpu)


def median_run(
    argv: Sequence[str], repeat: int, cwd: Path | None = None, env: dict[str, str] | None = None
) -> Run:
    """The median wall time of ``repeat`` runs, with the largest peak RSS among them."""
    runs = [run(argv, cwd, env) for _ in range(repeat)]
    return Run(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        max(r.status for r in runs),
        statistics.median(r.cpu for r in runs),
    )


def python_files(tree: Path) -> list[Path]:
    """The ``.py`` files git lists in ``tree`` (tracked and untracked, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"],
        cwd=tree,
        capture_output=True,
        check=True,
    ).stdout
    return [tree / name for name in sorted(set(listed.decode().split("\0"))) if name]


def ast_parse_seconds(files: Sequence[Path], cpu: bool = False) -> float:
    """Seconds to read and ``ast.parse`` every file, one process (files that fail are skipped);
    ``cpu``: CPU seconds rather than wall seconds."""
    clock = time.process_time if cpu else time.perf_counter
    start = clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        for path in files:
            try:
                ast.parse(path.read_bytes())
            except (SyntaxError, ValueError, OSError):
                continue
    return clock() - start


def recent_files(tree: Path, count: int) -> list[Path]:
    """The ``count`` ``.py`` files most recently changed in git history that still exist
    (what a pre-commit run sees: a few files someone is working on)."""
    names = subprocess.run(
        ["git", "log", "--format=", "--name-only", "-n", "200", "--", "*.py"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = [tree / name for name in dict.fromkeys(names) if (tree / name).is_file()]
    return found[:count]


def commit(tree: Path) -> str:
    """The checkout's commit (short), or ``-`` outside git."""
    done = subprocess.run(
        ["git", "rev-parse", "--short=12", "HEAD"], cwd=tree, capture_output=True, text=True
    )
    return done.stdout.strip() or "-"


def warm_extraction_seconds(tree: Path, cache_dir: Path) -> float:
    """Seconds ``extract_all`` takes on ``tree`` with the cache ``cache_dir`` already filled
    (the extraction stage alone: discovery, resolution, policy and report left out)."""
    import license_db
    from scanner.find.cache import ExtractionCache, salt
    from scanner.find.discover import discover
    from scanner.scan import extract_all

    manifest = Path(license_db.__file__).parent / "data" / "manifest.json"
    cache = ExtractionCache(cache_dir, salt(license_db.DB_VERSION, manifest))
    files = discover(tree, []).files
    start = time.perf_counter()
    extract_all(tree, files, 0, cache)
    return time.perf_counter() - start


def main() -> None:
    """``python bench/measure.py TREE``: parse every ``.py`` file of TREE with ``ast.parse``
    and print the seconds (the yardstick as a command, timed in turn with a scan)."""
    print(f"{ast_parse_seconds(python_files(Path(sys.argv[1]))):.3f}")


if __name__ == "__main__":
    main()
