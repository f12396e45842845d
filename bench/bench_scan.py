"""Benchmark the whole scan (not a test): a generated repository, or any folder you name.

    python bench/bench_scan.py                 # generated repo: 2,000 files, 10% with models
    python bench/bench_scan.py --files 10000   # bigger
    python bench/bench_scan.py PATH            # an existing checkout

Prints wall time of the real CLI in a subprocess (best of --repeat runs), files per second, and
the time of the pre-commit case (5 staged files).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = (
    "meta-llama/Llama-3.1-8B-Instruct",
    "bert-base-uncased",
    "google/gemma-2b",
    "CohereForAI/c4ai-command-r-v01",
    "sentence-transformers/all-MiniLM-L6-v2",
)

PLAIN = '''"""Module {i}: ordinary code with no model in it."""
import json
import os


class Thing{i}:
    def __init__(self, path: str) -> None:
        self.path = os.path.join(path, "data-{i}.json")

    def load(self) -> dict:
        with open(self.path) as handle:
            return json.load(handle)


def helper_{i}(values: list[int]) -> int:
    return sum(v * {i} for v in values if v % 3)
'''

WITH_MODEL = '''"""Module {i}: loads a model."""
from transformers import AutoModel, AutoTokenizer

MODEL_ID = "{model}"


def load():
    tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)
    return tokenizer, AutoModel.from_pretrained(MODEL_ID, revision="main")
'''


def generate(root: Path, files: int, share: float, seed: int = 7) -> None:
    """Write ``files`` Python modules below ``root``; ``share`` of them load a model."""
    rng = random.Random(seed)
    for i in range(files):
        folder = root / f"pkg{i // 100}"
        folder.mkdir(parents=True, exist_ok=True)
        body = (
            WITH_MODEL.format(i=i, model=rng.choice(MODELS))
            if rng.random() < share
            else PLAIN.format(i=i)
        )
        (folder / f"mod{i}.py").write_text(body, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)


def timed(argv: list[str], cwd: Path, repeat: int) -> float:
    """Best wall time of ``argv`` over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "scanner"]
    temp = Path(tempfile.mkdtemp(prefix="mlg-bench-"))
    try:
        root = args.path.resolve() if args.path else temp
        if args.path is None:
            generate(root, args.files, args.share)
        count = sum(1 for _ in root.rglob("*.py"))
        full = timed(
            [*cli, "scan", "--format", "json", "--exit-zero", "--no-cache", str(root)],
            root,
            args.repeat,
        )
        staged = [str(p) for p in sorted(root.rglob("*.py"))[:5]]
        hook = timed([*cli, "scan", "--exit-zero", "--no-cache", *staged], root, args.repeat)
        startup = timed([*cli, "--version"], root, args.repeat)
        print(f"python files: {count}")
        print(f"full scan: {full:.2f} s ({count / full:,.0f} files/s)")
        print(f"pre-commit case (5 files): {hook * 1000:.0f} ms")
        print(f"interpreter + import start-up: {startup * 1000:.0f} ms")
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
