"""Repository modules for cross-module lookups: the parsed-module cache and import paths.

``load_module`` parses and walks a module of the repository once per process (a scan reuses it
across files, for every import of it and every call of its functions); ``module_files`` lists the
files a dotted import may name, relative or absolute.
"""

from __future__ import annotations

import gc
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache

import libcst as cst

from scanner.context import RepoContext
from scanner.find.extractors.python import guard
from scanner.find.extractors.python.scope import ModuleInfo, walk_module

MAX_CACHED_MODULES = 512  # parsed modules kept per process (a scan reuses them across files)


def load_module(ctx: RepoContext, rel: str) -> ModuleInfo | None:
    """A repository module parsed and walked once per run; None if missing or unparsable."""
    if not ctx.exists(rel) or ctx.is_dir(rel):
        return None  # tested before the cache: the many misses must not evict parsed modules
    info = _parsed(ctx).get(ctx, rel)
    if ctx.observed is not None:  # parsed once per run: each file that uses it depends on it
        ctx.noted_read(rel, info.text if info is not None else ctx.read_text(rel))
    return info


@dataclass(slots=True)
class _ModuleCache:
    """Parsed modules of one repository, least recently used first.

    A scan keeps many large trees alive (millions of objects), and each full collection of the
    cyclic garbage collector would walk them all again: each newly parsed module is frozen
    (``gc.freeze``) out of its reach. Frozen reference cycles (scopes and their bindings) are
    never collected, so dropping modules at the cap unfreezes, collects once, and freezes again.
    """

    modules: dict[str, ModuleInfo | None] = field(default_factory=dict)

    def get(self, ctx: RepoContext, rel: str) -> ModuleInfo | None:
        if rel in self.modules:
            info = self.modules[rel] = self.modules.pop(rel)
            return info
        if len(self.modules) >= MAX_CACHED_MODULES:
            for old in list(self.modules)[: MAX_CACHED_MODULES // 2]:
                del self.modules[old]
            gc.unfreeze()
            gc.collect()
        info = self.modules[rel] = _parse_module(ctx, rel)
        gc.freeze()
        return info


@lru_cache(maxsize=4)
def _parsed(ctx: RepoContext) -> _ModuleCache:
    return _ModuleCache()


def _parse_module(ctx: RepoContext, rel: str) -> ModuleInfo | None:
    text = ctx.read_text(rel)
    if text is None or guard.inspect(text) is not None:  # hostile or invalid: not parsed here
        return None
    try:
        return walk_module(rel, text, cst.parse_module(text))
    except (cst.ParserSyntaxError, RecursionError):
        return None


def module_files(importer: str, module: str, level: int) -> list[str]:
    """Candidate files of a dotted module imported from ``importer`` (relative or absolute)."""
    parts = [p for p in module.split(".") if p]
    folder = posixpath.dirname(importer)
    if level > 0:
        up = folder.split("/") if folder else []
        if level - 1 > len(up):
            return []
        bases = ["/".join(up[: len(up) - (level - 1)])]
    else:
        bases = [folder]
        while folder:
            folder = posixpath.dirname(folder)
            bases.append(folder)
        bases.append("src")
    out: list[str] = []
    for base in dict.fromkeys(bases):
        stem = "/".join(p for p in (base, *parts) if p)
        if parts:
            out.append(f"{stem}.py")
        out.append(f"{stem}/__init__.py" if stem else "__init__.py")
    return out
