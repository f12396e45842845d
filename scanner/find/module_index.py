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
leaves it. An entry of the wrong shape is computed again, a file that is not this tool's is none.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from scanner.context import RepoContext
from scanner.find import dependents as deps
from scanner.find.atomic import write_atomically
from scanner.find.cache import evict, text_digest

SCHEMA = 1
FOLDER = "modules"
SHARE_OF_CACHE = 16  # the module indexes may hold 1/16 of the cache's size cap
UNKNOWN = "?"  # top-level names not asked for yet (None: the module does not parse)

Names = frozenset[str] | str | None
"""A module's top-level names, ``UNKNOWN`` when not asked for yet, None when it does not parse."""
Hashes = Callable[[str], "str | None"]
"""The content hash of the text ``RepoContext.read_text`` gives for a path (None: no text)."""


class ModuleIndex:
    """The facts of the modules of ``root``, stored under ``folder``; ``hashes`` gives each
    module's current content hash (the hash index's: no read for an unchanged file)."""

    def __init__(self, folder: Path, root: Path, limit: int, hashes: Hashes) -> None:
        name = hashlib.sha256(os.fsencode(root)).hexdigest()[:40]
        self.folder = folder / FOLDER
        self.path = self.folder / name[:2] / f"{name}.json"
        self.root = root
        self.limit = limit // SHARE_OF_CACHE
        self.hashes = hashes
        self.ctx = RepoContext(root)
        self.kept: dict[str, list[Any]] = {}  # the entries of this run's modules, to be saved
        self.changed = False
        self._stored: dict[str, Any] | None = None

    def graph(self, paths: Iterable[str]) -> deps.ImportGraph:
        """The import graph of the modules and notebooks at ``paths`` (others are left out)."""
        facts: dict[str, deps.ModuleFacts] = {}
        for rel in paths:
            found = self.facts(rel)
            if found is not None:
                facts[rel] = found
        return deps.ImportGraph(facts, self.defined)

    def facts(self, rel: str) -> deps.ModuleFacts | None:
        """The facts of module ``rel`` as it is now (None: it has no text)."""
        hashed = self.hashes(rel)
        if hashed is None:
            return None
        entry = self._entry(rel, hashed)
        if entry is not None:
            return entry[0]
        text = self.ctx.read_text(rel)
        if text is None:
            return None
        found = deps.module_facts(rel, text)
        self._keep(rel, text, [_imports_json(found.imports), sorted(found.stems), found.readable])
        return found

    def defined(self, rel: str) -> frozenset[str] | None:
        """The top-level names of module ``rel`` as it is now (None: it does not parse)."""
        hashed = self.hashes(rel)
        entry = None if hashed is None else self._entry(rel, hashed)
        if entry is not None and not isinstance(entry[1], str):
            return entry[1]
        text = self.ctx.read_text(rel)
        names = deps.top_level_names(text or "")
        if text is not None and rel in self.kept and self.kept[rel][0] == text_digest(text):
            self.kept[rel][4] = None if names is None else sorted(names)
            self.changed = True
        return names

    def _entry(self, rel: str, hashed: str) -> tuple[deps.ModuleFacts, Names] | None:
        """The stored entry of ``rel`` when it was computed from this content, decoded."""
        raw = self.kept.get(rel) or self.stored().get(rel)
        if not isinstance(raw, list) or len(raw) != 5 or raw[0] != hashed:
            return None
        try:
            facts = deps.ModuleFacts(_imports(raw[1]), frozenset(_strings(raw[2])), _bool(raw[3]))
            names = raw[4] if raw[4] in (None, UNKNOWN) else frozenset(_strings(raw[4]))
        except (ValueError, TypeError):
            return None
        self.kept[rel] = raw
        return facts, names

    def _keep(self, rel: str, text: str, facts: list[Any]) -> None:
        """Keep facts computed from ``text`` under that text's own hash (the file may have
        changed since its hash was taken: then they serve this run only)."""
        self.kept[rel] = [text_digest(text), *facts, UNKNOWN]
        self.changed = True

    def stored(self) -> dict[str, Any]:
        """The entries saved by the last run (read once; nothing when unreadable or foreign)."""
        if self._stored is None:
            self._stored = _load(self.path, self.root)
        return self._stored

    def save(self) -> None:
        """Write this run's entries when they differ from the stored ones (atomically: a
        failure only costs parsing again next time)."""
        if not self.changed and len(self.kept) == len(self.stored()):
            return
        data = {"schema": SCHEMA, "root": os.fsdecode(self.root), "modules": self.kept}
        if write_atomically(self.path, json.dumps(data, separators=(",", ":")).encode()):
            self.changed = False
            evict(self.folder, self.limit)


def _load(path: Path, root: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
        if data["schema"] != SCHEMA or data["root"] != os.fsdecode(root):
            return {}
        modules = data["modules"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return {}
    return modules if isinstance(modules, dict) else {}


def _imports_json(imports: Iterable[deps.Binding]) -> list[list[Any]]:
    return [list(binding) for binding in imports]


def _imports(raw: object) -> tuple[deps.Binding, ...]:
    """Stored bindings, checked (ValueError when one is not what ``_imports_json`` writes)."""
    if not isinstance(raw, list):
        raise ValueError("not a list of imports")
    out: list[deps.Binding] = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 4:
            raise ValueError("not an import")
        level, module, name, bound = item
        if type(level) is not int or not isinstance(module, str) or not isinstance(bound, str):
            raise ValueError("not an import")
        if name is not None and not isinstance(name, str):
            raise ValueError("not an import")
        out.append((level, module, name, bound))
    return tuple(out)


def _strings(raw: object) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ValueError("not a list of strings")
    return raw


def _bool(raw: object) -> bool:
    if not isinstance(raw, bool):
        raise ValueError("not a boolean")
    return raw
