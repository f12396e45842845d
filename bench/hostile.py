"""Hostile Python at full size, through the real CLI (a benchmark, not a test).

    python bench/hostile.py [--only NAME ...]

Each case is a repository in a temporary folder: ``good.py`` loading a model, and ``hostile.py``
of the issue's shape (the deep and long expressions that crash or blow up libcst's native
parser, files of indentation errors, a generated file far over the parse limit), which also
loads a model after its hostile part. The scan is the real CLI in a fresh process with an
empty cache. Printed per case, as a Markdown table: the file's size, wall seconds, the peak RSS
of the largest process, the exit status, whether ``good.py``'s finding is intact, whether the
hostile file's own model is still found (by the fallback tokenizer), and the error reported.
The tests (``tests/test_parser_guard.py``, ``test_crash_isolation.py``) run small versions.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LOAD = "from transformers import AutoModel\n"
TAIL = 'AutoModel.from_pretrained("gpt2")\n'


def _indentation_errors(size: int) -> str:
    """Functions whose second line is indented too far, up to ``size`` characters."""
    return _cut("".join(f"def f{i}():\n    x = 1\n      y = 2\n" for i in range(size // 20)), size)


def _generated(size: int) -> str:
    """Valid generated code (one assignment per line), up to ``size`` characters."""
    return _cut("".join(f'x{i} = "value {i}"\n' for i in range(size // 10)), size)


def _cut(text: str, size: int) -> str:
    """``text`` cut after its last whole line within ``size`` characters."""
    return text[: text.rfind("\n", 0, size) + 1]


CASES: dict[str, Callable[[], str]] = {
    "8,000-term and-chain": lambda: "x = " + " and ".join(["a"] * 8000) + "\n",
    "100,000 nested [": lambda: "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "1,000 nested [": lambda: "x = " + "[" * 1000 + "]" * 1000 + "\n",
    "2,000 nested (": lambda: "x = " + "(" * 2000 + "1" + ")" * 2000 + "\n",
    "2,000 nested f(": lambda: "x = " + "f(" * 2000 + ")" * 2000 + "\n",
    "10,000 unary -": lambda: "x = " + "-" * 10_000 + "1\n",
    "5,000-term 1+1": lambda: "x = " + "+".join(["1"] * 5000) + "\n",
    "5,000 chained a[0]": lambda: "x = a" + "[0]" * 5000 + "\n",
    "2,000-long call chain": lambda: "x = f" + "()" * 2000 + "\n",
    "indentation errors, 1.4 MB": lambda: _indentation_errors(1_400_000),
    "indentation errors, 20 MB": lambda: _indentation_errors(20_000_000),
    "generated, 30 MB": lambda: _generated(30_000_000),
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """One case's figures."""

    size_mb: float
    seconds: float
    peak_mb: float
    status: int
    good_found: bool
    hostile_found: bool
    error: str


def measure(name: str, root: Path) -> Outcome:
    """Write the case's repository under ``root`` and scan it."""
    hostile = LOAD + CASES[name]() + TAIL
    (root / "good.py").write_text(LOAD + 'AutoModel.from_pretrained("bert-base-uncased")\n')
    (root / "hostile.py").write_text(hostile)
    cache = root.parent / "cache"
    argv = [sys.executable, "-m", "scanner", "scan", "--root", str(root), "--format", "json",
            "--cache-dir", str(cache)]  # fmt: skip
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        report = json.loads(out.read() or b"{}")
    found = {(f["path"], f["model"]) for f in report.get("findings", [])}
    errors = [e["message"] for e in report.get("errors", []) if e["path"] == "hostile.py"]
    return Outcome(
        len(hostile) / 1e6,
        seconds,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        ("good.py", "bert-base-uncased") in found,
        ("hostile.py", "gpt2") in found,
        errors[0] if errors else "",
    )


def main() -> None:
    """Measure every case (or those named) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="cases to run")
    args = parser.parse_args()
    print("| input | size | wall | peak RSS | exit | good.py | its own model | reported |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in args.only or CASES:
        with tempfile.TemporaryDirectory(prefix="mlg-hostile-") as folder:
            root = Path(folder) / "repo"
            root.mkdir()
            got = measure(name, root)
        print(
            f"| {name} | {got.size_mb:.2f} MB | {got.seconds:.1f} s | {got.peak_mb:.0f} MB "
            f"| {got.status} | {'kept' if got.good_found else 'LOST'} "
            f"| {'found' if got.hostile_found else 'not found'} | {got.error[:90]} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
