"""What libcst is given on a cold scan, in one process: every file's extraction as a worker runs
it, with the parses counted and the characters of code they were given (spaces and newlines
not counted), and the CPU seconds; ``--profile`` prints where they went.

    python bench/extract_profile.py TREE [--code CHECKOUT] [--profile]

``--code`` imports the scanner from another checkout (``main``) to compare the same tree.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import sys
import time
from pathlib import Path
from typing import Any


def main() -> int:
    """Extract every file of the tree named on the command line; print what libcst parsed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", type=Path)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    discover = importlib.import_module("scanner.find.discover")
    scan = importlib.import_module("scanner.scan")
    loader = importlib.import_module("scanner.find.extractors.python.loader")
    counted = {"parses": 0, "code": 0, "whole": 0}
    parse = loader.parse

    def counting(text: str) -> Any:
        counted["parses"] += 1
        counted["code"] += len(text) - text.count(" ") - text.count("\n")
        return parse(text)

    loader.parse = counting
    root = args.tree.resolve()
    files = list(discover.discover(root).files)
    for file in files:
        if file.path.endswith(".py"):
            text = (root / file.path).read_text(encoding="utf-8", errors="replace")
            counted["whole"] += len(text) - text.count(" ") - text.count("\n")
    profile = cProfile.Profile() if args.profile else None
    start = time.process_time()
    if profile is not None:
        profile.enable()
    for file in files:
        scan._work((root, file, False, scan.MAX_READ_BYTES))
    if profile is not None:
        profile.disable()
    cpu = time.process_time() - start
    print(
        f"{root.name}: {len(files)} files, {counted['parses']} libcst parses of "
        f"{counted['code']:,} code characters (the .py files hold {counted['whole']:,}), "
        f"CPU {cpu:.2f} s"
    )
    if profile is not None:
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
