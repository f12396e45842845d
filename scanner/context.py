"""Read-only view of the repository being scanned, for extractors that look beyond one file.

An extractor may read another file of the same repository (a constant imported from
``.config``, a local model folder's card); it never writes and never leaves the root.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MAX_READ_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class RepoContext:
    """The scan root; paths given to its methods are repo-relative POSIX strings."""

    root: Path

    def _resolve(self, rel: str) -> Path | None:
        if not rel or rel.startswith(("/", "\\")) or ".." in Path(rel).parts:
            return None
        return self.root / rel

    def exists(self, rel: str) -> bool:
        """True when ``rel`` names an existing file or folder inside the root."""
        path = self._resolve(rel.rstrip("/"))
        return path is not None and path.exists()

    def is_dir(self, rel: str) -> bool:
        """True when ``rel`` names an existing folder inside the root."""
        path = self._resolve(rel.rstrip("/"))
        return path is not None and path.is_dir()

    def read_text(self, rel: str) -> str | None:
        """The UTF-8 text of ``rel``, or None if it is missing, too large or not text."""
        path = self._resolve(rel)
        return None if path is None else _read_text(path)


@lru_cache(maxsize=512)
def _read_text(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_READ_BYTES:
            return None
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
