"""What planning reads of each module, kept by the module's content hash: a hook run parses only
the modules that changed.

The pre-commit hook (``scan --changed``) plans with the repository's import graph
(``dependents``): every module's import statements, the module names its text mentions, and for
a few modules their top-level names. Each is a function of the module's path and text alone
(``dependents.module_facts``, ``dependents.top_level_names``), so it is kept per scan root with
the content hash it was computed from, and used again while the module's hash is the same. The
hash comes from the hash index (``scanner.stamps``): an unchanged module costs one ``lstat``.

One file per scan root under the cache folder's ``modules/`` (written atomically, evicted within
1/16 of the cache's size cap); it holds the modules of the last graph built, so a deleted module
leaves it. An entry of the wrong shape is computed again; a file of another version of the tool
(its ``salt``) or that is not this tool's is none.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeGuard

from scanner.context import RepoContext
from scanner.find import dependents as deps
from scanner.find.atomic import write_atomically
from scanner.find.cache import ExtractionCache, Probe, evict, text_digest

SCHEMA = 1
FOLDER = "modules"
SHARE_OF_CACHE = 16  # the module indexes may hold 1/16 of the cache's size cap
UNKNOWN = "?"  # top-level names not asked for yet (None: the module does not parse)
# An entry: [content hash, imports (``_binding_text``, a line each), stems (space-separated),
# readable, top-level names]

Hashes = Callable[[str], "str | None"]
"""The content hash of the text ``RepoContext.read_text`` gives for a path (None: no text)."""


class ModuleIndex:
    """The facts of the modules of ``root``, stored under ``folder`` for the tool's ``salt``
    (the extraction cache's: the graph's own code is in it, so an upgrade reads every module
    again); ``hashes`` gives each module's current content hash (the hash index's: no read for
    an unchanged file)."""

    def __init__(self, folder: Path, root: Path, limit: int, hashes: Hashes, salt: str) -> None:
        name = hashlib.sha256(os.fsencode(root)).hexdigest()[:40]
        self.folder = folder / FOLDER
        self.path = self.folder / name[:2] / f"{name}.json"
        self.root = root
        self.limit = limit // SHARE_OF_CACHE
        self.hashes = hashes
        self.salt = salt
        self.ctx = RepoContext(root)
        self.kept: dict[str, list[Any]] = {}  # the entries of this run's modules, to be saved
        self.changed = False
        self._stored: dict[str, Any] | None = None

    def graph(self, paths: Iterable[str]) -> deps.ImportGraph:
        """The import graph of the modules and notebooks at ``paths`` (others are left out)."""
        stems: dict[str, frozenset[str]] = {}
        for rel in paths:
            entry = self._current(rel)
            if entry is not None and entry[3]:
                stems[rel] = frozenset(entry[2].split())
        return deps.ImportGraph(stems, self.imports, self.defined)

    def imports(self, rel: str) -> tuple[deps.Binding, ...]:
        """The names the import statements of module ``rel`` bind (read back when asked: a
        question reaches a few modules)."""
        entry = self._current(rel)
        if entry is None:
            return ()
        try:
            return _bindings(entry[1])
        except ValueError:  # damaged: read the module again
            self.kept.pop(rel, None)
            self._stored = {**self.stored(), rel: None}
            entry = self._current(rel)
            return () if entry is None else _bindings(entry[1])

    def defined(self, rel: str) -> frozenset[str] | None:
        """The top-level names of module ``rel`` as it is now (None: it does not parse)."""
        entry = self._current(rel)
        if entry is not None and entry[4] != UNKNOWN:
            return None if entry[4] is None else frozenset(entry[4])
        text = self.ctx.read_text(rel)
        names = deps.top_level_names(text or "")
        if entry is not None and text is not None and entry[0] == text_digest(text):
            entry[4] = None if names is None else sorted(names)
            self.changed = True
        return names

    def _current(self, rel: str) -> list[Any] | None:
        """The entry of module ``rel`` as it is now: the stored one when computed from the
        same content and well formed (its imports are checked when read), else computed from
        its text; None when it has no text."""
        hashed = self.hashes(rel)
        if hashed is None:
            return None
        raw = self.kept.get(rel) or self.stored().get(rel)
        if _well_formed(raw) and raw[0] == hashed:
            self.kept[rel] = raw
            return raw
        text = self.ctx.read_text(rel)
        if text is None:
            return None
        found = deps.module_facts(rel, text)
        imports = "\n".join(_binding_text(binding) for binding in found.imports)
        # under the text's own hash: the file may have changed since its hash was taken
        entry = [text_digest(text), imports, " ".join(sorted(found.stems)), found.readable, UNKNOWN]
        self.kept[rel] = entry
        self.changed = True
        return entry

    def stored(self) -> dict[str, Any]:
        """The entries saved by the last run (read once; nothing when unreadable or foreign)."""
        if self._stored is None:
            self._stored = _load(self.path, self.root, self.salt)
        return self._stored

    def save(self) -> None:
        """Write this run's entries when they differ from the stored ones (atomically: a
        failure only costs parsing again next time)."""
        if not self.changed and len(self.kept) == len(self.stored()):
            return
        data = {"schema": SCHEMA, "salt": self.salt, "root": os.fsdecode(self.root),
                "modules": self.kept}  # fmt: skip
        if write_atomically(self.path, json.dumps(data, separators=(",", ":")).encode()):
            self.changed = False
            evict(self.folder, self.limit)


def _load(path: Path, root: Path, salt: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
        if (data["schema"], data["salt"], data["root"]) != (SCHEMA, salt, os.fsdecode(root)):
            return {}
        modules = data["modules"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return {}
    return modules if isinstance(modules, dict) else {}


def beside(cache: ExtractionCache, probe: Probe) -> ModuleIndex:
    """The module index kept beside the extraction ``cache`` (its folder, size cap and salt),
    taking each module's hash from ``probe`` (planning's, reading through the hash index)."""
    return ModuleIndex(cache.folder.parent, probe.ctx.root, cache.limit, probe.text, cache.salt)


def _well_formed(raw: object) -> TypeGuard[list[Any]]:
    """An entry as ``_current`` writes it (each import's own form is checked when read)."""
    if not isinstance(raw, list) or len(raw) != 5:
        return False
    hashed, imports, stems, readable, names = raw
    return (
        isinstance(hashed, str)
        and isinstance(imports, str)
        and isinstance(stems, str)
        and isinstance(readable, bool)
        and (names is None or names == UNKNOWN or _strings(names))
    )


def _strings(raw: object) -> bool:
    return isinstance(raw, list) and all(isinstance(item, str) for item in raw)


def _binding_text(binding: deps.Binding) -> str:
    """A binding as stored: level, module, name ("" for none) and name bound, space-separated
    (no part of an import statement holds a space); a module's bindings are one per line."""
    level, module, name, bound = binding
    return f"{level} {module} {name or ''} {bound}"


def _bindings(raw: str) -> tuple[deps.Binding, ...]:
    """A module's stored bindings read back; ValueError when one is not a binding."""
    return tuple(map(_binding, raw.split("\n"))) if raw else ()


def _binding(raw: str) -> deps.Binding:
    level, module, name, bound = raw.split(" ")
    if not level.isdigit() or not bound:
        raise ValueError("not a stored import")
    return int(level), module, name or None, bound
