"""Paths -> (repo-relative path, SourceKind): which files a scan reads, and as what."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scanner.types import SourceKind

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        ".eggs",
        ".ipynb_checkpoints",
    }
)

LOCK_FILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "cargo.lock",
        "composer.lock",
        "conda-lock.yml",
        "gemfile.lock",
        ".pre-commit-hooks.yaml",
    }
)

OWN_FILES = frozenset({".model-license-guard.toml", ".model-license-guard-baseline.json"})
"""This tool's policy and baseline: they name models it approves or accepts, not dependencies."""

_BY_NAME = {"pyproject.toml": SourceKind.PYPROJECT, "setup.cfg": SourceKind.SETUP_CFG}
_BY_SUFFIX = {
    ".py": SourceKind.PYTHON,
    ".pyw": SourceKind.PYTHON,
    ".ipynb": SourceKind.NOTEBOOK,
    ".yaml": SourceKind.YAML,
    ".yml": SourceKind.YAML,
    ".json": SourceKind.JSON,
    ".toml": SourceKind.TOML,
}
_REQUIREMENTS = ("requirements*.txt", "requirements*.in", "*requirements.txt", "constraints*.txt")
_CONDA = re.compile(r"(?:[\w.-]*[._-])?environment(?:[._-][\w.-]*)?\.ya?ml")
"""conda environment files: ``environment.yml``, ``environment-gpu.yaml``, ``dev_environment.yml``
and other YAML names with ``environment`` as a whole word."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file to scan: repo-relative POSIX path and what kind of file it is."""

    path: str
    kind: SourceKind


def classify(path: str) -> SourceKind | None:
    """The SourceKind of a repo-relative path, or None when no extractor reads it."""
    pure = PurePosixPath(path)
    name = pure.name.lower()
    if name in LOCK_FILES or name in OWN_FILES or name.endswith(".lock"):
        return None
    if name in _BY_NAME:
        return _BY_NAME[name]
    if any(fnmatch.fnmatch(name, pattern) for pattern in _REQUIREMENTS):
        return SourceKind.REQUIREMENTS
    if pure.parent.name == "requirements" and pure.suffix in (".txt", ".in"):
        return SourceKind.REQUIREMENTS
    if _CONDA.fullmatch(name):
        return SourceKind.CONDA
    return _BY_SUFFIX.get(pure.suffix.lower())


def git_files(root: Path) -> list[str] | None:
    """Files git knows in ``root`` (tracked, plus untracked ones not ignored); None outside git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = {name for name in out.decode("utf-8", "surrogateescape").split("\0") if name}
    return sorted(name for name in names if (root / name).is_file())


def walk(root: Path, start: Path | None = None) -> Iterator[str]:
    """Every file below ``start`` (default ``root``), skipping VCS folders, caches and venvs."""
    for folder, dirs, files in os.walk(start or root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not _skip_dir(here / d))
        for name in sorted(files):
            yield (here / name).relative_to(root).as_posix()


def _skip_dir(path: Path) -> bool:
    return path.name in SKIP_DIRS or (path / "pyvenv.cfg").is_file()


def discover(
    root: Path, paths: Sequence[Path] = (), exclude: Iterable[Path] = ()
) -> list[SourceFile]:
    """The files to scan: the given files/folders, or the repository's files when none given.

    ``exclude`` names files never scanned whatever their kind (a policy or baseline file given
    under another name).
    """
    root = root.resolve()
    skip = {_relative(root, path.resolve()) for path in exclude}
    found = (f for f in _typed(_candidates(root, paths)) if f.path not in skip)
    return sorted(set(found), key=lambda f: f.path)


def _candidates(root: Path, paths: Sequence[Path]) -> Iterable[str]:
    if not paths:
        return git_files(root) or list(walk(root))
    found: list[str] = []
    for path in paths:
        absolute = (root / path).resolve() if not path.is_absolute() else path.resolve()
        if absolute.is_dir():
            found.extend(walk(root, absolute))
        elif absolute.is_file():
            found.append(_relative(root, absolute))
    return found


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _typed(paths: Iterable[str]) -> Iterator[SourceFile]:
    for path in paths:
        kind = classify(path)
        if kind is not None:
            yield SourceFile(path, kind)
