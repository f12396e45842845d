"""Paths -> (repo-relative path, SourceKind): which files a scan reads, and as what."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from scanner.context import ReadProblem, file_problem, inside
from scanner.find import git
from scanner.types import FileError, SourceKind, Unscanned

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

SKIPPED = Unscanned.SKIPPED

MAX_FILES = 100_000
"""Files one scan reads at most (``--max-files``); the rest are reported, never read."""
MAX_FILE_BYTES = 50_000_000
"""Largest file a scan reads (``--max-file-size``); a larger one is reported, never read."""

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
_REQUIREMENTS_NAME = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in _REQUIREMENTS))
"""The requirements name patterns, matched at once (names are lowercased first)."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file to scan: repo-relative POSIX path and what kind of file it is."""

    path: str
    kind: SourceKind


def classify(path: str) -> SourceKind | None:
    """The SourceKind of a repo-relative path, or None when no extractor reads it."""
    folder, _, name = path.rpartition("/")
    name = name.lower()
    if name in LOCK_FILES or name in OWN_FILES or name.endswith(".lock"):
        return None
    if name in _BY_NAME:
        return _BY_NAME[name]
    if _REQUIREMENTS_NAME.fullmatch(name):
        return SourceKind.REQUIREMENTS
    suffix = _suffix(path.rpartition("/")[2])
    if folder.rpartition("/")[2] == "requirements" and suffix in (".txt", ".in"):
        return SourceKind.REQUIREMENTS
    if _CONDA.fullmatch(name):
        return SourceKind.CONDA
    return _BY_SUFFIX.get(suffix.lower())


def _suffix(name: str) -> str:
    """``PurePosixPath(name).suffix``: from the last dot, unless it leads or ends the name."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def git_files(root: Path) -> list[str] | None:
    """Names git knows in ``root`` (tracked, plus untracked not ignored) that are present on
    disk as files or links; None outside git. Each is checked before it is read."""
    names = git.listed_files(root)
    if names is None:
        return None
    top = os.fspath(root)
    return [name for name in names if _present(f"{top}/{name}")]


@lru_cache(maxsize=4)
def run_files(root: Path) -> tuple[str, ...] | None:
    """``git_files`` asked once per run (discovery, planning's import graph, the validity
    checks' module list and the extractors' share the answer; each plan starts with a fresh
    one, ``targets.plan``, and ``cache.forget_previous_run`` forgets it)."""
    names = git_files(root)
    return None if names is None else tuple(names)


def _present(path: str) -> bool:
    """True when ``path`` exists and is not a folder (nor a link to one)."""
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):
        return False
    return not os.path.isdir(path) if stat.S_ISLNK(mode) else not stat.S_ISDIR(mode)


def walk(
    root: Path, start: Path | None = None, errors: list[FileError] | None = None
) -> Iterator[str]:
    """Every file below ``start`` (default ``root``), skipping VCS folders, caches and venvs.

    Symlinked folders are not entered; a folder that cannot be listed is appended to
    ``errors`` (when given) and the walk goes on.
    """

    def unlisted(exc: OSError) -> None:
        if errors is not None:
            rel = _relative(root, Path(exc.filename or start or root))
            message = f"folder not scanned: cannot list it: {exc.strerror or exc}"
            errors.append(FileError(rel, message, unscanned=Unscanned.UNREADABLE))

    for folder, dirs, files in os.walk(start or root, onerror=unlisted):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not _skip_dir(here / d))
        for name in sorted(files):
            yield (here / name).relative_to(root).as_posix()


def _skip_dir(path: Path) -> bool:
    if path.name in SKIP_DIRS:
        return True
    try:
        return (path / "pyvenv.cfg").is_file()
    except OSError:  # an unreadable folder: walked, so that its error is reported
        return False


@dataclass(frozen=True, slots=True)
class Discovery:
    """The files a scan reads, and those of a kind it reads that it passes over, with why."""

    files: tuple[SourceFile, ...]
    skipped: tuple[FileError, ...] = ()


def discover(
    root: Path,
    paths: Sequence[Path] = (),
    exclude: Iterable[Path] = (),
    max_files: int = MAX_FILES,
) -> Discovery:
    """The files to scan: the given files/folders, or the repository's files when none given.

    ``exclude`` names files never scanned whatever their kind (a policy or baseline file given
    under another name). Only regular files inside ``root`` are read: FIFOs, sockets, devices,
    symlinks that leave the root and broken links are reported as skipped, never opened; so are
    names that are not UTF-8 (no report could name them) and, past the first ``max_files`` in
    path order, every further file.
    """
    root = root.resolve()
    skip = {_relative(root, path.resolve()) for path in exclude}
    problems: list[FileError] = []
    files: set[SourceFile] = set()
    folders: dict[str, bool] = {}
    for file in _typed(_candidates(root, paths, problems)):
        if file.path in skip:
            continue
        problem = _name_problem(file.path) or _entry_problem(root, file.path, folders)
        if problem is None:
            files.add(file)
        else:
            problems.append(problem)
    kept, over = _limited(sorted(files, key=lambda f: f.path), max_files)
    reported = {replace(error, path=shown(error.path)) for error in (*problems, *over)}
    ordered = sorted(reported, key=lambda e: e.path)
    return Discovery(kept, tuple(ordered))


def _limited(
    files: list[SourceFile], max_files: int
) -> tuple[tuple[SourceFile, ...], tuple[FileError, ...]]:
    """The first ``max_files`` files, and one skipped FileError for each file past the limit."""
    if len(files) <= max_files:
        return tuple(files), ()
    message = (
        f"not scanned: over the limit of {max_files:,} files per scan "
        f"({len(files):,} to scan; raise it with --max-files)"
    )
    over = tuple(FileError(f.path, message, unscanned=SKIPPED) for f in files[max_files:])
    return tuple(files[:max_files]), over


def _name_problem(rel: str) -> FileError | None:
    """A skipped FileError for a name that is not UTF-8 (no report could carry it intact)."""
    if shown(rel) == rel:
        return None
    return FileError(rel, "not scanned: the file name is not valid UTF-8", unscanned=SKIPPED)


def shown(rel: str) -> str:
    """``rel`` as reports can carry it: bytes of the name that are not UTF-8 as ``\\xNN``."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("utf-8", "backslashreplace")
    return rel


def _entry_problem(root: Path, rel: str, folders: dict[str, bool]) -> FileError | None:
    """Why the file ``rel`` is not read (a FileError marked unscanned), or None to read it.
    ``folders`` remembers which folders resolve inside the root (each is resolved once)."""
    if _plain_file(root, rel, folders):
        return None
    try:
        real = inside(root, root / rel)
        problem = file_problem(os.stat(real).st_mode)
    except ReadProblem as exc:
        return FileError(rel, f"not scanned: {exc.message}", unscanned=SKIPPED)
    except OSError as exc:
        message = f"not scanned: cannot stat: {exc.strerror or exc}"
        return FileError(rel, message, unscanned=Unscanned.UNREADABLE)
    if problem is None:
        return None
    return FileError(rel, f"not scanned: {problem}", unscanned=SKIPPED)


def _plain_file(root: Path, rel: str, folders: dict[str, bool]) -> bool:
    """True when ``rel`` is a regular file (not a link) in a folder that resolves inside the
    root: what ``inside`` and ``file_problem`` would accept, at the cost of one ``lstat``.
    False means "ask them" (they name the problem)."""
    top = os.fspath(root)
    try:
        mode = os.lstat(f"{top}/{rel}").st_mode
    except (OSError, ValueError):
        return False
    if not stat.S_ISREG(mode):
        return False
    folder = rel.rpartition("/")[0]
    if folder not in folders:
        real = os.path.realpath(f"{top}/{folder}")
        folders[folder] = real == top or real.startswith(f"{top}/")
    return folders[folder]


def _candidates(root: Path, paths: Sequence[Path], problems: list[FileError]) -> list[str]:
    if not paths:
        listed = run_files(root)  # the run's listing: the scan's checks ask it again
        return list(listed) if listed is not None else list(walk(root, errors=problems))
    found: list[str] = []
    for path in paths:
        absolute = path if path.is_absolute() else root / path
        if not absolute.is_dir():
            if os.path.lexists(absolute):
                found.append(_relative(root, absolute))
            continue
        real = absolute.resolve()
        if real.is_relative_to(root):
            found.extend(walk(root, real, problems))
        else:
            message = "folder not scanned: symlink to a folder outside the repository"
            problems.append(FileError(_relative(root, absolute), message, unscanned=SKIPPED))
    return found


def _relative(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` (resolved by ``discover``), or as given outside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _typed(paths: Iterable[str]) -> Iterator[SourceFile]:
    for path in paths:
        kind = classify(path)
        if kind is not None:
            yield SourceFile(path, kind)
