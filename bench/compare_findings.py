"""Scan each tree twice, pruned and whole (``MLG_FULL_PARSE=1``), and print what differs.

    python bench/compare_findings.py TREE [TREE ...] [--jobs N] [--save DIR]

The pruner (``scanner/find/extractors/python/prune.py``) must change nothing but the time: every
section of the JSON report that lists what was found (findings, unresolved references, uses,
per-file errors, licenses, totals) must be the same both ways. Prints one line per tree
(``same`` or the number of differences) and every difference; exits 1 when any tree differs.
Both scans run cold (``--no-cache``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SECTIONS = ("findings", "unresolved", "errors", "uses", "use_findings", "licenses", "totals",
            "summary")  # fmt: skip


def report(tree: Path, full: bool, jobs: int | None = None) -> dict[str, Any]:
    """The JSON report of the real CLI on ``tree``, pruned or whole."""
    env = {**os.environ, "MLG_FULL_PARSE": "1" if full else "0"}
    argv = [sys.executable, "-m", "scanner", "scan", "--format", "json", "--exit-zero",
            "--no-cache", "--root", str(tree)]  # fmt: skip
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
    done = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"scan of {tree} failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _items(value: Any) -> list[str]:
    if isinstance(value, list):
        return [json.dumps(item, sort_keys=True) for item in value]
    return [json.dumps(value, sort_keys=True)]


def differences(pruned: dict[str, Any], whole: dict[str, Any]) -> list[str]:
    """``-`` what only the whole parse found, ``+`` what only the pruned parse found."""
    out: list[str] = []
    for section in SECTIONS:
        left, right = _items(whole.get(section, [])), _items(pruned.get(section, []))
        out.extend(f"- {section}: {item}" for item in left if item not in right)
        out.extend(f"+ {section}: {item}" for item in right if item not in left)
    return out


def main() -> int:
    """Compare each tree named on the command line; 1 when any differs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--save", type=Path, default=None, help="write both reports here")
    args = parser.parse_args()
    status = 0
    for tree in args.trees:
        tree = tree.resolve()
        whole, pruned = report(tree, True, args.jobs), report(tree, False, args.jobs)
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            for name, data in (("whole", whole), ("pruned", pruned)):
                (args.save / f"{tree.name}.{name}.json").write_text(json.dumps(data, indent=1))
        found = differences(pruned, whole)
        counts = ", ".join(f"{len(whole.get(s, []))} {s}" for s in ("findings", "unresolved",
                                                                     "uses", "errors"))  # fmt: skip
        print(f"{tree.name} ({counts}): {'same' if not found else f'{len(found)} differences'}")
        for line in found:
            print("   ", line[:400])
        status = status or (1 if found else 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
