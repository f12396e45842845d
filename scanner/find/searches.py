"""Cross-module searches checked again after a change, module by module.

A cached extraction that searched the repository's modules for the callers of a function
(``repo.modules_matching``) holds while the search would return the same modules. Run again on
every module, that check reads and searches the whole repository each time any module changed
(a pre-commit run always changes some). So each run that records a search also keeps the list
of modules it searched (``Manifests``: path and text hash of each, addressed by the list's own
hash, which each entry records as its ``universe``); a later run searches again only the
modules whose text changed since (or that are new), and keeps the old answer for the others.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from scanner.find.atomic import write_atomically

FOLDER = "universes"
_HASH = re.compile(r"[0-9a-f]{64}")
Modules = Sequence[tuple[str, str]]
"""The repository's modules a search reads, in the order it reads them: (path, text hash)."""


def combine(modules: Sequence[tuple[str, str | None]]) -> str:
    """The hash of a module list (the ``universe`` an entry records)."""
    hasher = hashlib.sha256()
    for rel, hashed in modules:
        hasher.update(f"{rel}\0{hashed}\0".encode())
    return hasher.hexdigest()


def found_again(
    now: Modules, before: Mapping[str, str], found: Sequence[str], matches: Callable[[str], bool]
) -> tuple[str, ...]:
    """What a search that returned ``found`` over the modules ``before`` returns over ``now``:
    a module unchanged since keeps its answer, a changed or new one is searched (``matches``)."""
    return Rebase(now, before).found_again(found, matches)


class Rebase:
    """The modules now against a list an earlier search read: which are new or changed, worked
    out once for every search of that list (each then costs its answer and the changed modules,
    not a pass over the repository)."""

    def __init__(self, now: Modules, before: Mapping[str, str]) -> None:
        self.order = {rel: index for index, (rel, _) in enumerate(now)}
        self.changed = [rel for rel, hashed in now if before.get(rel) != hashed]
        self.stale = frozenset(self.changed)

    def found_again(self, found: Sequence[str], matches: Callable[[str], bool]) -> tuple[str, ...]:
        """``found_again`` of one search (the modules in the order they are now)."""
        kept = {rel for rel in found if rel in self.order and rel not in self.stale}
        kept.update(rel for rel in self.changed if matches(rel))
        return tuple(sorted(kept, key=self.order.__getitem__))


class Manifests:
    """The module lists of earlier runs under ``folder`` (each read once per run); every
    failure to read or write one is a miss, and a list whose hash is not its name is none."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER
        self.read: dict[str, dict[str, str] | None] = {}

    def get(self, universe: str) -> dict[str, str] | None:
        """The modules (path -> text hash) of the list with hash ``universe``."""
        if universe not in self.read:
            self.read[universe] = self._load(universe)
        return self.read[universe]

    def _load(self, universe: str) -> dict[str, str] | None:
        try:
            data = json.loads(self._path(universe).read_bytes())
            modules = [(_str(rel), _str(hashed)) for rel, hashed in data["modules"]]
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        return dict(modules) if combine(modules) == universe else None

    def put(self, universe: str, modules: Modules) -> None:
        """Keep ``modules`` under their hash ``universe`` (atomically; once)."""
        if not _HASH.fullmatch(universe):
            return
        target = self._path(universe)
        if self.read.get(universe) is not None or target.is_file():
            return
        data = {"modules": [list(pair) for pair in modules]}
        write_atomically(target, json.dumps(data).encode())  # refused: later runs search all

    def _path(self, universe: str) -> Path:
        if not _HASH.fullmatch(universe):  # read from an entry: never a path of its own
            raise ValueError(f"{universe!r} is not a module list's hash")
        return self.folder / f"{universe}.json"


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value
