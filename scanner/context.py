"""Read-only view of the repository being scanned, and the one safe way to read its files.

An extractor may read another file of the same repository (a constant imported from
``.config``, a local model folder's card); it never writes and never leaves the root. Every read
of a scanned file goes through ``read_bytes``: regular files only (a FIFO never blocks, a device
is never read), never through a symlink that leaves the root, and never more than a limit.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MAX_READ_BYTES = 2_000_000
CODE_READ = "\0code"
"""Marks a key of ``Observations.texts`` as a module read as code (``RepoContext.noted_code``):
the extraction cache records its text's hash and its code's (``scanner.find.codehash``), or,
when lookups recorded the names they entered it by (``noted_entry``), the hash of the part of
it they can have read (``scanner.find.slices``)."""


class ReadProblem(Exception):
    """Why a file was not read; ``skipped`` when it was never opened for a reason of its kind."""

    def __init__(self, message: str, *, skipped: bool) -> None:
        super().__init__(message)
        self.message = message
        self.skipped = skipped


def inside(root: Path, path: Path) -> Path:
    """``path`` with symlinks resolved; ReadProblem when it leaves ``root`` or loops."""
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError as exc:
        raise ReadProblem("broken symlink or missing file", skipped=True) from exc
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise ReadProblem(f"cannot resolve: {_reason(exc)}", skipped=True) from exc
    if not real.is_relative_to(root.resolve()):
        raise ReadProblem("symlink to a file outside the repository: not followed", skipped=True)
    return real


def file_problem(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, name in (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return f"not a regular file ({name})"
    return "not a regular file"


def read_bytes(root: Path, path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file inside ``root``; ReadProblem otherwise."""
    real = inside(root, path)
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ReadProblem(f"cannot read: {_reason(exc)}", skipped=False) from exc
    try:  # the kind of file is known before a file object is made (a folder refuses one)
        info = os.fstat(fd)
        problem = file_problem(info.st_mode)
        if problem is not None:
            raise ReadProblem(problem, skipped=True)
        if info.st_size > limit:
            message = f"not scanned: {info.st_size:,} bytes is over the {limit:,} byte limit"
            raise ReadProblem(message, skipped=True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ReadProblem(f"cannot read: {_reason(exc)}", skipped=False) from exc
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ReadProblem(f"not scanned: grew over the {limit:,} byte limit while read",
                          skipped=True)  # fmt: skip
    return data


def _reason(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__


@dataclass(slots=True)
class Observations:
    """What one file's extraction learnt from the rest of the repository: the texts it read
    (None: missing or not text), the paths it probed, and the modules a text search across the
    repository's Python modules returned. A cached extraction stays valid while all still hold.
    """

    texts: dict[str, str | None] = field(default_factory=dict)
    exists: dict[str, bool] = field(default_factory=dict)
    dirs: dict[str, bool] = field(default_factory=dict)
    searches: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    entries: dict[str, set[str]] = field(default_factory=dict)
    """By module read as code: the names its lookups entered it by (``scanner.find.slices``);
    a module read as code with none depends on its whole code."""


@dataclass(frozen=True, slots=True)
class RepoContext:
    """The scan root; paths given to its methods are repo-relative POSIX strings.

    ``observed`` (ignored by equality and hashing, so caches keyed by a context are per root)
    records every answer the context gives, for the extraction cache's validity check; layers
    that cache across files (parsed modules, module searches) record through ``noted_*``.
    """

    root: Path
    observed: Observations | None = field(default=None, compare=False, repr=False)

    def _resolve(self, rel: str) -> Path | None:
        if not rel or rel.startswith(("/", "\\")) or ".." in Path(rel).parts:
            return None
        return self.root / rel

    def exists(self, rel: str) -> bool:
        """True when ``rel`` names an existing file or folder inside the root."""
        path = self._resolve(rel.rstrip("/"))
        found = path is not None and _within(self.root, path) and path.exists()
        if self.observed is not None:
            self.observed.exists[rel] = found
        return found

    def is_dir(self, rel: str) -> bool:
        """True when ``rel`` names an existing folder inside the root."""
        path = self._resolve(rel.rstrip("/"))
        found = path is not None and _within(self.root, path) and path.is_dir()
        if self.observed is not None:
            self.observed.dirs[rel] = found
        return found

    def read_text(self, rel: str) -> str | None:
        """The UTF-8 text of ``rel``, or None if it is missing, too large or not text."""
        path = self._resolve(rel)
        return self.noted_read(rel, None if path is None else _read_text(self.root, path))

    def noted_read(self, rel: str, text: str | None) -> str | None:
        """``text``, recorded as what ``rel`` holds (for a layer that read it once for all)."""
        if self.observed is not None:
            self.observed.texts[rel] = text
        return text

    def noted_code(self, rel: str, text: str) -> str:
        """``text``, recorded as the code of module ``rel`` (read for lookups, parsed): what
        depends on it holds while its code does (``CODE_READ``), whatever its free comments."""
        if self.observed is not None:
            self.observed.texts[rel + CODE_READ] = text
        return text

    def noted_entry(self, rel: str, *names: str) -> None:
        """Record that a lookup entered module ``rel`` by ``names`` (looked one up there,
        searched its calls of one, read its option of that name)."""
        if self.observed is not None:
            entered = self.observed.entries.get(rel)
            if entered is None:
                entered = self.observed.entries[rel] = set()
            entered.update(names)

    def noted_search(self, key: tuple[str, str], found: tuple[str, ...]) -> tuple[str, ...]:
        """``found``, recorded as the modules a text search ``key`` matched."""
        if self.observed is not None:
            self.observed.searches[key] = found
        return found

    def unobserved(self) -> RepoContext:
        """The same root without recording (for reads done once on behalf of every file)."""
        return RepoContext(self.root)


@lru_cache(maxsize=65_536)
def _within(root: Path, path: Path) -> bool:
    """True when ``path`` resolves inside ``root``: once per path and run (each resolution
    reads every link on the way; ``forget_previous_run`` clears it with the texts read)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


@lru_cache(maxsize=512)
def _read_text(root: Path, path: Path) -> str | None:
    try:
        return read_bytes(root, path, MAX_READ_BYTES).decode("utf-8")
    except (ReadProblem, UnicodeDecodeError):
        return None
