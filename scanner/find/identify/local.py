"""Local paths: is a string a path for the library that reads it, and is it in the repository?

A string handed to a loader may be a file-system path rather than an identifier: its shape says
so (``./ckpt``, ``out/run/final``, ``model.safetensors``; for ultralytics a bare weights file
name is a model, so only a folder part makes a path), or the repository has a folder or file of
that name, looked up from the repository root and from the folder of the file that names it.
"""

from __future__ import annotations

import posixpath

from scanner.context import RepoContext
from scanner.find.identify.hub import looks_like_path, strip_hub_prefix
from scanner.find.identify.naming import Named, Naming
from scanner.types import RefKind

_PATH_START = ("./", "../", "/", "~", ".\\", "\\", "$")


def is_path_like(naming: Naming, text: str) -> bool:
    """True when ``text`` is a file-system path for the library ``naming`` describes."""
    if naming is Naming.ULTRALYTICS:  # a bare weights file name is a model here
        return text.startswith(_PATH_START) or "/" in text or "\\" in text
    if strip_hub_prefix(text) != text.strip():  # a Hub URL (to a repository or one of its files)
        return False
    return looks_like_path(text)


def _candidates(path: str, text: str) -> list[str]:
    value = text.strip().replace("\\", "/")
    if not value or value.startswith(("/", "~", "$")) or ":" in value:
        return []
    here = posixpath.dirname(path)
    out = [posixpath.normpath(value), posixpath.normpath(posixpath.join(here, value))]
    return [c for c in dict.fromkeys(out) if c != "." and not c.startswith("..")]


def local_folder(path: str, ctx: RepoContext, text: str) -> Named | None:
    """A LOCAL reference when ``text`` is a folder of the repository (from root or the file)."""
    for candidate in _candidates(path, text):
        if ctx.is_dir(candidate):
            return Named(RefKind.LOCAL, candidate)
    return None


def in_repository(path: str, ctx: RepoContext, text: str) -> bool:
    """True when ``text`` is an existing file or folder of the repository."""
    return any(ctx.exists(c) for c in _candidates(path, text))
