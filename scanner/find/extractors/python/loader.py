"""Repository modules for cross-module lookups: the parsed-module cache and import paths.

``load_module`` parses and walks a module of the repository once per process (a scan reuses it
across files, for every import of it and every call of its functions); ``module_files`` lists the
files a dotted import may name, relative or absolute.
"""

from __future__ import annotations

import ast
import gc
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst

from scanner.context import RepoContext
from scanner.find.extractors.python import guard
from scanner.find.extractors.python.patterns import may_contain_call
from scanner.find.extractors.python.positions import statement_lines
from scanner.find.extractors.python.prune import KEEP_ALL, prune
from scanner.find.extractors.python.scope import ModuleInfo, release, walk_module
from scanner.find.extractors.python.usage_table import may_use_model
from scanner.find.slices import note_tree

MAX_CACHED_MODULES = 512  # parsed modules kept per process (a scan reuses them across files)
MAX_CACHED_CODE = 1_500_000
"""Characters of code (spaces, newlines and blanked bodies not counted) in the parsed modules
kept per process: a libcst tree and its walk cost about 40 bytes per character, so this keeps a
worker's trees near 60 MB. On diffusers a worker peaked at 620 MB with 512 modules and no such
cap, at 330 MB with 3 M characters and at 275 MB with this one (for 15% more CPU: parses again)."""
_COLLECT_AFTER = 8 * MAX_CACHED_CODE
MAX_ASKS = 2
"""Restarts one module's blanked bodies may cause before it is parsed whole: each costs a parse
of the module and a restart of the file's extraction."""


def load_module(
    ctx: RepoContext, rel: str, scanning: bool = False, words: frozenset[str] = frozenset()
) -> ModuleInfo | None:
    """A repository module parsed and walked once per run; None if missing or unparsable.

    A module read for lookups from other modules keeps only the function bodies that call or
    store ``words`` (and those asked before: ``need_words``); ``scanning`` keeps the bodies its
    own extraction needs too (``prune``)."""
    if not ctx.exists(rel) or ctx.is_dir(rel):
        return None  # tested before the cache: the many misses must not evict parsed modules
    info = _parsed(ctx).get(ctx, rel, scanning, words)
    if ctx.observed is not None:  # parsed once per run: each file that uses it depends on it
        if info is not None:  # on its code: a comment between statements changes nothing
            ctx.noted_code(rel, info.source)
        else:  # missing or not parsed: on its whole text
            ctx.noted_read(rel, ctx.read_text(rel))
    return info


@dataclass(slots=True)
class _ModuleCache:
    """Parsed modules of one repository, least recently used first.

    A scan keeps many large trees alive (millions of objects), and each full collection of the
    cyclic garbage collector would walk them all again: each newly parsed module is frozen
    (``gc.freeze``) out of its reach. A module's only reference cycles are its scopes and their
    bindings, so a module dropped at the cap is ``retired``: the next file's extraction
    (``settle``), when no lookup can still hold it, breaks those cycles and reference counting
    frees the rest; no collection walks the trees kept. In case something else ever makes a
    cycle, one full collection runs after every ``_COLLECT_AFTER`` characters of code retired.

    A module is parsed again when a request needs more of it than its cached parse kept (its
    own scan after lookups, a word a lookup asks for): ``needed`` only grows.
    """

    modules: dict[str, ModuleInfo | None] = field(default_factory=dict)
    needed: dict[str, frozenset[str]] = field(default_factory=dict)  # words kept, by module
    scanned: set[str] = field(default_factory=set)  # modules parsed with their relevant bodies
    asks: dict[str, int] = field(default_factory=dict)  # restarts each module caused
    sizes: dict[str, int] = field(default_factory=dict)  # code characters of each kept module
    retired: list[ModuleInfo] = field(default_factory=list)  # dropped, released by ``settle``
    uncollected: int = 0  # code characters retired since the last full collection

    def get(
        self, ctx: RepoContext, rel: str, scanning: bool, words: frozenset[str]
    ) -> ModuleInfo | None:
        had = self.needed.get(rel, frozenset())
        if not words <= had:
            self.need(rel, words)
        if rel in self.modules and (rel in self.scanned or not scanning):
            info = self.modules[rel] = self.modules.pop(rel)
            return info
        self._retire(self.modules.pop(rel, None))
        text = ctx.unobserved().read_text(rel)  # ``load_module`` records what was read
        self._make_room(_code_size(text or ""))
        # a module the scan reads for itself too is parsed with its relevant bodies at once:
        # one parse then serves its own extraction and every lookup into it
        looked_up = not scanning
        scanning = scanning or rel in self.scanned or (text is not None and _scanned(text))
        info = _parse_module(rel, text, self.needed.get(rel, frozenset()), scanning, looked_up)
        self.modules[rel] = info
        self.sizes[rel] = _code_size(info.text) if info is not None else 0
        if scanning:
            self.scanned.add(rel)
        gc.freeze()
        return info

    def _make_room(self, size: int) -> None:
        """Drop the least recently used half of the modules when one more of ``size`` would
        pass either cap (one collection for many modules: each walks every tree kept)."""
        kept = sum(self.sizes.get(rel, 0) for rel in self.modules)
        if len(self.modules) < MAX_CACHED_MODULES and kept + size <= MAX_CACHED_CODE:
            return
        for old in list(self.modules):
            if len(self.modules) <= MAX_CACHED_MODULES // 2 and kept + size <= MAX_CACHED_CODE // 2:
                break
            self._retire(self.modules.pop(old))
            kept -= self.sizes.pop(old, 0)
            self.scanned.discard(old)

    def _retire(self, info: ModuleInfo | None) -> None:
        """Drop ``info``: a lookup of the file being extracted may still hold it (``settle``)."""
        if info is not None:
            self.retired.append(info)
            self.uncollected += _code_size(info.text)

    def settle(self) -> None:
        """Free the modules retired so far; called between files, when none is in use."""
        while self.retired:
            release(self.retired.pop())
        if self.uncollected > _COLLECT_AFTER:
            self.uncollected = 0
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def clear(self) -> None:
        """Drop and free every module (no extraction may be under way)."""
        while self.modules:
            self._retire(self.modules.popitem()[1])
        self.settle()

    def need(self, rel: str, words: frozenset[str], asked: bool = False) -> None:
        """Keep the bodies that call or store ``words`` in module ``rel`` from now on
        (``asked``: a lookup found them blanked, the extraction starts over); its cached parse
        serves on when no code it blanked calls or stores a word new to it. A module parsed
        again only because it must keep more is parsed whole when its parse kept most of it
        already: one parse of the rest costs less than the next growth (a test module whose
        callers of one library module after another are asked for: peft's were parsed four
        times)."""
        had = self.needed.get(rel, frozenset())
        grown = had | words
        info = self.modules.get(rel)
        if asked:
            self.asks[rel] = self.asks.get(rel, 0) + 1
            if grown == had or self.asks[rel] > MAX_ASKS:
                grown = frozenset({KEEP_ALL})  # asked again, or often: parse it whole
        elif info is not None and _blanked(info, grown - had) and _mostly_kept(info):
            grown = frozenset({KEEP_ALL})
        self.needed[rel] = grown
        if asked or info is None or _blanked(info, grown - had):
            self._retire(self.modules.pop(rel, None))  # parsed again on next use, ``scanned`` kept


def _blanked(info: ModuleInfo, words: frozenset[str]) -> bool:
    """True when code the parse ``info`` blanked calls or stores one of ``words`` (else a parse
    keeping them would keep the same code: the cached one serves)."""
    dropped = info.pruned.calls | info.pruned.stores
    return KEEP_ALL in words or not dropped.isdisjoint(words)


def _mostly_kept(info: ModuleInfo) -> bool:
    """True when the parse ``info`` kept at least half the module's code."""
    return _code_size(info.text) * 2 >= _code_size(info.source)


def _code_size(text: str) -> int:
    """Characters of ``text`` that make nodes (not spaces or newlines)."""
    return len(text) - text.count(" ") - text.count("\n")


def need_words(ctx: RepoContext, rel: str, word: str) -> None:
    """A lookup needs the bodies of ``rel`` that call or store ``word``: keep them from now on
    (the module is parsed again on its next use)."""
    _parsed(ctx).need(rel, frozenset({word}), asked=True)


def settle(ctx: RepoContext) -> None:
    """Free the modules the cache dropped during earlier files (call it between files)."""
    _parsed(ctx).settle()


def needed_words(ctx: RepoContext, rel: str) -> frozenset[str]:
    """The words module ``rel`` keeps besides its relevant bodies (asked for by lookups)."""
    return _parsed(ctx).needed.get(rel, frozenset())


def parse_tree(
    rel: str, text: str, tree: ast.Module | None, needed: frozenset[str], scanning: bool = True
) -> ModuleInfo:
    """libcst parse of ``text`` with the bodies the extractor cannot reach blanked (``tree``
    None: the text as is), walked. Raises ``cst.ParserSyntaxError`` for invalid text."""
    with collector_paused():
        return _parse_tree(rel, text, tree, needed, scanning)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection while a module is parsed and walked, or a file extracted: they make
    millions of objects and next to no garbage cycles, and the collector would run every 700 of
    them (with ``settle``, a cold scan of peft spends 0.1 s in the collector, was 7.3 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_tree(
    rel: str, text: str, tree: ast.Module | None, needed: frozenset[str], scanning: bool
) -> ModuleInfo:
    if tree is None:
        return walk_module(rel, text, parse(text))
    pruned = prune(text, tree, needed, scanning)
    if pruned.text is not text:
        try:
            module = parse(pruned.text)
        except cst.ParserSyntaxError:
            pass  # never expected of a pruned valid module: the whole text decides
        else:
            lines = statement_lines(module, pruned.tree or tree)
            kept = replace(pruned, tree=None)  # the view holds the whole ast: not cached
            return walk_module(rel, pruned.text, module, text, kept, lines)
    module = parse(text)
    lines = statement_lines(module, tree)
    return walk_module(rel, text, module, text, replace(pruned, text=text, tree=None), lines)


def parse(text: str) -> cst.Module:
    """``libcst.parse_module`` without the per-node validation libcst runs as each node is
    made (about a quarter of the parse; its own comment suggests skipping it when parsing):
    the parser only builds valid nodes. Validation is back as soon as the parse returns."""
    validate = cst.CSTNode.__dict__["__post_init__"]
    cst.CSTNode.__post_init__ = _trusted  # type: ignore[method-assign,assignment]
    try:
        return cst.parse_module(text)
    finally:
        cst.CSTNode.__post_init__ = validate  # type: ignore[method-assign]


def _trusted(node: cst.CSTNode) -> None:
    """A node the parser made: valid by construction."""


_CACHES: dict[Path, _ModuleCache] = {}  # by scan root, oldest first
_MAX_ROOTS = 4


def _parsed(ctx: RepoContext) -> _ModuleCache:
    cache = _CACHES.get(ctx.root)
    if cache is None:
        while len(_CACHES) >= _MAX_ROOTS:
            _CACHES.pop(next(iter(_CACHES))).clear()
        cache = _CACHES[ctx.root] = _ModuleCache()
    return cache


def forget() -> None:
    """Drop and free every parsed module: a new run reads the files again."""
    while _CACHES:
        _CACHES.popitem()[1].clear()


def _parse_module(
    rel: str, text: str | None, needed: frozenset[str], scanning: bool, looked_up: bool = False
) -> ModuleInfo | None:
    """``text`` parsed and walked (None: missing, invalid or refused by the guard); a module
    ``looked_up`` is recorded by its slices: its table is made from the guard's tree here."""
    if text is None:
        return None
    tree = guard.checked(text)
    if not isinstance(tree, ast.Module):  # hostile or invalid: not parsed here
        return None
    if looked_up:
        note_tree(text, tree)
    try:
        return parse_tree(rel, text, tree, needed, scanning)
    except (cst.ParserSyntaxError, RecursionError):
        return None


def _scanned(text: str) -> bool:
    """True when the extractor's prefilter passes ``text``: the scan parses it for itself."""
    return may_contain_call(text) or may_use_model(text)


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
