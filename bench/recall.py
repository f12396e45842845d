"""Recall and precision of the scan per reference kind over a hand-labelled corpus (not a test).

    python bench/recall.py                              # the handwritten corpus only
    python bench/recall.py --checkout trl=/work/repos/trl --checkout dspy=/path/to/dspy
    python bench/recall.py --labels other.toml --verbose
    python bench/recall.py --scanner /tmp/old-checkout   # another version of the scanner

The labels (``bench/recall_labels.toml``) list, per repository, the files scanned and every
reference a reader finds in them, as ``"path | kind | raw"``. A handwritten repository lives in
``bench/recall_corpus/NAME``; a public one is named by its source and commit and read from the
checkout given with ``--checkout NAME=PATH`` (third-party code never enters this repository; a
checkout at another commit is reported, its figures are not comparable). The real CLI scans
each repository in a subprocess (JSON report); a finding is the triple (path, kind, raw), and
unresolved references are counted apart (they are neither hits nor false positives).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
LABELS = HERE / "recall_labels.toml"
CORPUS = HERE / "recall_corpus"

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Repo:
    """One labelled repository: where it comes from and what a reader finds in it."""

    name: str
    source: str  # "corpus" (bench/recall_corpus/NAME) or "github:owner/name"
    commit: str | None
    paths: tuple[str, ...]
    expected: frozenset[Triple]


@dataclass(frozen=True)
class Outcome:
    """What the scan found in one repository against its labels."""

    repo: Repo
    found: frozenset[Triple]
    unresolved: int
    head: str | None

    @property
    def hits(self) -> frozenset[Triple]:
        """Findings a label expects."""
        return self.found & self.repo.expected


def load_labels(path: Path) -> list[Repo]:
    """The labelled repositories of one labels file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    repos = []
    for entry in data["repo"]:
        expected = frozenset(_triple(line) for line in entry.get("expect", []))
        repos.append(Repo(entry["name"], entry["source"], entry.get("commit"),
                          tuple(entry.get("paths", ["."])), expected))  # fmt: skip
    return repos


def _triple(line: str) -> Triple:
    path, kind, raw = (part.strip() for part in line.split("|", 2))
    return path, kind, raw


def scan(root: Path, paths: tuple[str, ...], scanner: Path) -> tuple[frozenset[Triple], int]:
    """The (path, kind, raw) findings and the unresolved count of the real CLI on ``paths``,
    run from ``scanner`` (a checkout whose ``scanner`` package is the one measured)."""
    command = [sys.executable, "-m", "scanner", "scan", "--root", str(root), "--format", "json",
               "--exit-zero", "--jobs", "1", *(str(root / p) for p in paths)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=scanner, check=False)
    if result.returncode != 0:
        raise SystemExit(f"scan of {root} failed ({result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    found = frozenset((f["path"], f["kind"], f["raw"]) for f in report["findings"]
                      if f["kind"] != "local")  # fmt: skip
    return found, len(report["unresolved"])


def _head(root: Path) -> str | None:
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                            text=True, check=False)  # fmt: skip
    return result.stdout.strip() or None if result.returncode == 0 else None


def measure(repo: Repo, checkouts: dict[str, Path], scanner: Path) -> Outcome | None:
    """Scan one repository (None when it is public and no checkout was given)."""
    if repo.source == "corpus":
        root, head = CORPUS / repo.name, None
    elif repo.name in checkouts:
        root = checkouts[repo.name]
        head = _head(root)
    else:
        return None
    found, unresolved = scan(root, repo.paths, scanner)
    return Outcome(repo, found, unresolved, head)


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def table(outcomes: list[Outcome]) -> list[str]:
    """Recall and precision per kind and in all, over every measured repository."""
    expected: Counter[str] = Counter()
    found: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for outcome in outcomes:
        expected.update(kind for _, kind, _ in outcome.repo.expected)
        found.update(kind for _, kind, _ in outcome.found)
        hits.update(kind for _, kind, _ in outcome.hits)
    lines = [f"{'kind':<13}{'expected':>9}{'found':>7}{'hits':>6}{'recall':>8}{'precision':>10}"]
    for kind in sorted(expected.keys() | found.keys()):
        lines.append(f"{kind:<13}{expected[kind]:>9}{found[kind]:>7}{hits[kind]:>6}"
                     f"{_ratio(hits[kind], expected[kind]):>8}"
                     f"{_ratio(hits[kind], found[kind]):>10}")  # fmt: skip
    e, f, h = sum(expected.values()), sum(found.values()), sum(hits.values())
    lines.append(f"{'all':<13}{e:>9}{f:>7}{h:>6}{_ratio(h, e):>8}{_ratio(h, f):>10}")
    return lines


def per_repo(outcome: Outcome, verbose: bool) -> list[str]:
    """One line per repository; with ``verbose`` each miss and each false positive."""
    repo = outcome.repo
    where = "handwritten" if repo.source == "corpus" else f"{repo.source}@{outcome.head}"
    stale = " (checkout differs from the labelled commit)" if outcome.head and repo.commit \
        and outcome.head != repo.commit else ""  # fmt: skip
    e, f, h = len(repo.expected), len(outcome.found), len(outcome.hits)
    lines = [f"{repo.name:<18} recall {_ratio(h, e)} ({h}/{e})  precision {_ratio(h, f)} "
             f"({h}/{f})  unresolved {outcome.unresolved}  {where}{stale}"]  # fmt: skip
    if verbose:
        lines += [f"    missed  {' | '.join(t)}" for t in sorted(repo.expected - outcome.found)]
        lines += [f"    extra   {' | '.join(t)}" for t in sorted(outcome.found - repo.expected)]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure every labelled repository that can be read and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--checkout", action="append", default=[], metavar="NAME=PATH",
                        help="where a public repository of the labels is checked out")  # fmt: skip
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses and extras")
    parser.add_argument("--scanner", type=Path, default=HERE.parent,
                        help="checkout whose scanner is measured (default: this one)")  # fmt: skip
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="measure only these repositories")  # fmt: skip
    args = parser.parse_args(argv)
    checkouts = {}
    for item in args.checkout:
        name, _, path = item.partition("=")
        checkouts[name] = Path(path).resolve()
    outcomes = []
    for repo in load_labels(args.labels):
        if args.only and repo.name not in args.only:
            continue
        outcome = measure(repo, checkouts, args.scanner.resolve())
        if outcome is None:
            print(f"{repo.name:<18} skipped: no --checkout {repo.name}=PATH ({repo.source})")
            continue
        outcomes.append(outcome)
        print("\n".join(per_repo(outcome, args.verbose)))
    print()
    print("\n".join(table(outcomes)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
