"""The pre-commit case on a real tree: with the cache it must print what it prints without.

    python bench/hook_check.py CLONE CACHE_DIR SET [SET ...] [--changed]

CLONE is a git clone the script edits (``git checkout -- .`` restores it before each set);
CACHE_DIR a cache a full scan of the unchanged clone filled. Each SET is a comma-separated list
of edits ``PATH:HOW``, HOW being ``comment`` (a comment appended), ``code`` (a statement
appended) or ``OLD=>NEW`` (the first OLD replaced by NEW); ``recent:N:HOW`` stands for the N
``.py`` files last changed in git, each edited so. For each set the edited files are scanned
(``--changed``: as the pre-commit hook does) with the cache and with ``--no-cache``; the script
prints both runs' wall and CPU seconds and whether their outputs are byte-identical, and exits
1 when any differ. Not a test: it needs a real tree and minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import recent_files, run  # the script's own folder is on the path


def edited(clone: Path, spec: str, tag: int) -> list[Path]:
    """Apply one set of edits; the files edited."""
    paths: list[Path] = []
    for item in spec.split(","):
        if item.startswith("recent:"):
            _, count, how = item.split(":", 2)
            targets = [(path, how) for path in recent_files(clone, int(count))]
        else:
            name, _, how = item.partition(":")
            targets = [(clone / name, how)]
        for path, kind in targets:
            text = path.read_text(encoding="utf-8")
            if kind == "comment":
                text += f"\n# edited by bench/hook_check.py ({tag})\n"
            elif kind == "code":
                text += f"\n_hook_check_edit = {tag}\n"
            else:
                old, _, new = kind.partition("=>")
                if old not in text:
                    raise SystemExit(f"{path}: {old!r} not found")
                text = text.replace(old, new, 1)
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    return paths


def _into(path: Path) -> list[str]:
    """A command prefix that sends the command's output to ``path`` (timed as the command)."""
    return ["sh", "-c", 'exec "$@" > "$0"', str(path)]


def main() -> None:
    """Check every set and print a line each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clone", type=Path)
    parser.add_argument("cache", type=Path)
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--changed", action="store_true", help="scan as the hook: --changed")
    args = parser.parse_args()
    args.clone, args.cache = args.clone.resolve(), args.cache.resolve()
    base = [sys.executable, "-m", "scanner", "scan", "--root", str(args.clone), "--format",
            "json", "--exit-zero", "--cache-dir", str(args.cache)]  # fmt: skip
    differ = 0
    for tag, spec in enumerate(args.sets):
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=args.clone, check=True)
        paths = [str(p) for p in edited(args.clone, spec, int(time.time()) + tag)]
        options = ["--changed"] if args.changed else []
        with tempfile.TemporaryDirectory() as folder:
            out = [Path(folder) / "cache.json", Path(folder) / "no-cache.json"]
            warm = run([*_into(out[0]), *base, *options, *paths], args.clone)
            cold = run([*_into(out[1]), *base, "--no-cache", *options, *paths], args.clone)
            texts = [path.read_bytes() for path in out]
        same = texts[0] == texts[1] and warm.status == cold.status == 0
        findings = len(json.loads(texts[0])["findings"]) if same else -1
        differ += not same
        print(
            f"| {spec} | {warm.seconds:.2f} s wall, {warm.cpu:.2f} s CPU "
            f"| {cold.seconds:.2f} s wall, {cold.cpu:.2f} s CPU "
            f"| {'same' if same else 'DIFFER'} ({findings} findings) |",
            flush=True,
        )
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=args.clone, check=True)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
