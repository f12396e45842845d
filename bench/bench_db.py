"""Benchmark of the bundled license database (a script, not a test).

Prints the cold load time of ``license_db.load()`` in fresh interpreters (import + parse +
index), the warm load time, and the time to resolve 10,000 identifiers drawn from every rule.

    python bench/bench_db.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import license_db  # noqa: E402
from license_db.db import LicenseDB  # noqa: E402
from license_db.loader import read_bundle  # noqa: E402

_COLD = (
    "import time; t = time.perf_counter(); import license_db; license_db.load(); "
    "print(time.perf_counter() - t)"
)
_FIRST_USE = (  # what a hook run pays: the load, then a license and one lookup of each kind
    "import time; t = time.perf_counter(); import license_db; db = license_db.load(); "
    "db.license('mit'); [db.lookup(q, k) for q, k in {queries!r}]; "
    "print(time.perf_counter() - t)"
)
_QUERIES = (
    ("meta-llama/Llama-3.2-1B-Instruct", "huggingface"),
    ("META-LLAMA/llama-3.1-8b@main", "huggingface"),
    ("gpt2", "huggingface"),
    ("meta-llama/Llama-3.2-9B-Custom", "huggingface"),
    ("Qwen/Qwen2.5-72B-Instruct-AWQ", "huggingface"),
    ("unsloth/Llama-3.2-1B-Instruct-bnb-4bit", "huggingface"),
    ("TheBloke/Llama-2-7B-GGUF", "huggingface"),
    ("someone/unknown-model", "huggingface"),
    ("anthropic/claude-3-5-sonnet-20240620", "api"),
    ("gpt-4o", "api"),
    ("en_core_web_sm", "spacy"),
    ("yolov8n", "ultralytics"),
    ("llama3.1:8b", "ollama"),
)


_BYTECODE = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""The environment of the fresh interpreters: bytecode written and used, as an installed
package has it (compiling the package from source every run is not a load)."""

_FIRST_QUERIES = tuple({kind: (query, kind) for query, kind in _QUERIES}.values())


def cold_load(runs: int, code: str = _COLD, tree: Path = ROOT) -> list[float]:
    """Seconds for import + load() (and what ``code`` adds) in ``runs`` fresh interpreters,
    importing the checkout ``tree``."""
    out = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tree, env=_BYTECODE, capture_output=True,
            text=True, check=True,
        )  # fmt: skip
        out.append(float(done.stdout))
    return out


def paired(runs: int, code: str, other: Path) -> tuple[list[float], list[float]]:
    """``cold_load`` of this checkout and of ``other`` in turn (A B A B ...)."""
    pairs = [(cold_load(1, code)[0], cold_load(1, code, other)[0]) for _ in range(runs)]
    return [a for a, _ in pairs], [b for _, b in pairs]


def warm_load(runs: int) -> list[float]:
    """Seconds to parse and index the bundle again in this process (no import cost)."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        LicenseDB(read_bundle())
        out.append(time.perf_counter() - start)
    return out


def lookups(db: LicenseDB, count: int) -> float:
    """Seconds to resolve ``count`` identifiers cycling through every rule (uncached)."""
    cycle = _QUERIES * (count // len(_QUERIES) + 1)
    queries = [
        (q.upper() if i % 2 and k == "huggingface" else q, k) for i, (q, k) in enumerate(cycle)
    ]
    queries = queries[:count]
    start = time.perf_counter()
    for query, kind in queries:
        db.lookup(query, kind)
    return time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vs", type=Path, help="another checkout: its fresh-process figures too")
    args = parser.parse_args()
    if args.vs is not None:
        _compare(args.runs, args.vs.resolve())
        return
    cold = cold_load(args.runs)
    first = cold_load(args.runs, _FIRST_USE.format(queries=_FIRST_QUERIES))
    warm = warm_load(args.runs)
    db = license_db.load()
    elapsed = lookups(db, 10_000)
    print(f"database {db.version}: {db.stats()}")
    median, best = statistics.median(cold) * 1e3, min(cold) * 1e3
    print(f"cold load (fresh process, import + parse + index): median {median:.1f} ms, ", end="")
    print(f"min {best:.1f} ms over {args.runs} runs")
    print(f"fresh process, load then a license and one lookup of each kind: median "
          f"{statistics.median(first) * 1e3:.1f} ms")  # fmt: skip
    print(f"warm load (parse + index only): median {statistics.median(warm) * 1e3:.1f} ms")
    print(f"10,000 lookups: {elapsed * 1e3:.1f} ms total, {elapsed / 10_000 * 1e6:.2f} us each")


def _compare(runs: int, other: Path) -> None:
    """Fresh-process figures of this checkout and ``other``, run in turn, medians and ratio."""
    for label, code in (
        ("import + load()", _COLD),
        ("load, a license, one lookup of each kind", _FIRST_USE.format(queries=_FIRST_QUERIES)),
    ):
        mine, theirs = paired(runs, code, other)
        ratio = statistics.median(a / b for a, b in zip(mine, theirs, strict=True))
        print(f"{label}: {statistics.median(mine) * 1e3:.1f} ms here, "
              f"{statistics.median(theirs) * 1e3:.1f} ms in {other} ({ratio:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
