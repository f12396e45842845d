"""The extraction cache: one file's findings, reused while nothing they depend on has changed.

An entry is addressed by a hash of the file's bytes, its path and kind, and the ``salt``: the
tool's version, ``EXTRACTOR_VERSION``, a hash of the extractor's own source files and the
database's version and data (``salt()``). It also lists what the extraction learnt from the rest
of the repository (``Dependencies``: the text of each module it imported from or searched for
callers, each path it probed, each cross-module search and the state of all modules then); an
entry is used only when every one still holds, so a change to an imported module re-extracts
the files that import from it.

The folder is the user's cache (``$MLG_CACHE_DIR``, else ``$XDG_CACHE_HOME`` or ``~/.cache`` /
``model-license-guard/extractions``), never the scanned repository. Concurrent runs are safe:
an entry is written to a temporary file and renamed over the old one, so a reader sees a whole
entry or none. Entries are checked when read (``cache_codec``): anything unexpected is a miss
and is rewritten. Over ``max_bytes`` the least recently used entries are deleted.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scanner import context as context_mod
from scanner.context import CODE_READ, Observations, RepoContext
from scanner.find import cache_codec, searches, shift
from scanner.find import discover as discover_mod
from scanner.find.atomic import TEMP_PREFIX, write_atomically
from scanner.find.codehash import code_digest
from scanner.find.discover import SourceFile, walk
from scanner.find.shift import Chunk, Where
from scanner.find.slices import inert_tails, slice_digest
from scanner.types import Extraction

EXTRACTOR_VERSION = 2  # 2: a module read as code is recorded by the slice its lookups read
"""Bump when extraction changes in a way a hash of the extractor's source files cannot see
(a data file it reads, a library upgrade that parses differently)."""
OWN_NAMES = "\0names"
"""Marks the key of ``Dependencies.texts`` whose answer lists the names an extraction looked up
in its own module (``ExtractionCache.lookup_appended``); not a dependency: it always holds."""

CACHE_SCHEMA = 1  # the layout of an entry; entries of another schema are never read
FOLDER = "extractions"
MAX_BYTES = 256 * 1024 * 1024  # the cache's size cap (MLG_CACHE_MAX_MB overrides)
TOUCH_AFTER_SECONDS = 3600  # a hit refreshes an entry's age (for eviction) at most this often
STALE_TEMP_SECONDS = 3600  # temporary files of writers that died are removed after this


def cache_dir(env: Mapping[str, str], override: Path | None = None) -> Path:
    """``override``, else ``MLG_CACHE_DIR``, else the user cache folder's ``extractions``."""
    if override is not None:
        return override
    if env.get("MLG_CACHE_DIR"):
        return Path(env["MLG_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "model-license-guard" / FOLDER


def max_bytes(env: Mapping[str, str]) -> int:
    """The size cap: ``MLG_CACHE_MAX_MB`` megabytes when set to a positive number."""
    raw = env.get("MLG_CACHE_MAX_MB", "")
    return int(raw) * 1024 * 1024 if raw.isdigit() and int(raw) > 0 else MAX_BYTES


def digest(data: bytes) -> str:
    """The content hash used throughout the cache (SHA-256, cut to 160 bits: the processor's
    SHA instructions make it twice as fast as BLAKE2 here)."""
    return hashlib.sha256(data).hexdigest()[:40]


def text_digest(text: str | None) -> str | None:
    """The hash of a text (None stays None: missing or not text)."""
    return None if text is None else digest(text.encode("utf-8", "surrogatepass"))


PARSER_LIBRARIES = (("libcst", "_version.py"), ("yaml", "__init__.py"))
"""Third-party parsers whose version file goes into the salt (an upgrade may parse differently)."""


def salt(db_version: str, db_manifest: Path) -> str:
    """What every valid entry shares: the extractor's version and source, the parsers' versions,
    the database's version and data (its manifest holds each data file's hash). The package
    version is left out: the source hash sees every change it would, and reading it costs
    ``importlib.metadata``, 50 ms at every hook run."""
    hasher = hashlib.sha256()
    hasher.update(f"extractor {EXTRACTOR_VERSION} schema {CACHE_SCHEMA} db {db_version}".encode())
    scanner_dir = Path(__file__).resolve().parents[1]
    sources = [scanner_dir / name for name in ("context.py", "types.py", "scan.py")]
    sources += sorted((scanner_dir / "find").rglob("*.py"))
    sources.append(db_manifest)
    sources += [path for path in map(_library_file, PARSER_LIBRARIES) if path is not None]
    for path in sources:
        try:
            hasher.update(f"{path.name}\0".encode() + path.read_bytes())
        except OSError:
            hasher.update(f"{path.name}: unreadable".encode())
    return hasher.hexdigest()


def _library_file(library: tuple[str, str]) -> Path | None:
    spec = importlib.util.find_spec(library[0])
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / library[1]


@dataclass(frozen=True, slots=True)
class Dependencies:
    """What a file's extraction depends on beyond its own bytes, as hashes and answers."""

    texts: tuple[tuple[str, str | None], ...] = ()
    exists: tuple[tuple[str, bool], ...] = ()
    dirs: tuple[tuple[str, bool], ...] = ()
    searches: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    universe: str | None = None  # all modules' hash when searched (searches hold if unchanged)
    layout: tuple[Chunk, ...] | None = field(default=None, compare=False)
    """The file's own layout (``shift``), on its way from the worker to ``ExtractionCache.put``
    (kept beside the entry: not a dependency)."""


Wanted = Callable[[Dependencies], "frozenset[str] | None"]
"""Of an extraction with these dependencies, the files whose findings are wanted (None: all)."""


def dependencies(path: str, seen: Observations, universe: str | None) -> Dependencies:
    """``seen`` as Dependencies of ``path`` (its own text is in the key, not repeated here)."""
    own = (path, path + CODE_READ)
    texts = sorted(
        _read(key, text, seen.entries) for key, text in seen.texts.items() if key not in own
    )
    texts.append((path + OWN_NAMES, " ".join(sorted(seen.entries.get(path, ())))))
    return Dependencies(
        texts=tuple(texts),
        exists=tuple(sorted(seen.exists.items())),
        dirs=tuple(sorted(seen.dirs.items())),
        searches=tuple((w, p, found) for (w, p), found in sorted(seen.searches.items())),
        universe=universe if seen.searches else None,
    )


def _read(key: str, text: str | None, entries: dict[str, set[str]]) -> tuple[str, str | None]:
    """One read as a dependency: (key, answer). A module read as code that lookups entered by
    some names (``RepoContext.noted_entry``) is recorded under a key naming them, with the
    hash of its slice for them after its text's and code's hashes (``slice_answer``)."""
    rel = key.removesuffix(CODE_READ)
    names = entries.get(rel) if rel != key and text is not None else None
    if names and text is not None and all(name.isidentifier() for name in names):
        answer = slice_answer(text, names)
        if answer is not None:
            return sliced_key(rel, names), answer
    return key, _answer(key, text)


def sliced_key(rel: str, names: Iterable[str]) -> str:
    """The key of module ``rel`` read as code through ``names``."""
    return f"{rel}{CODE_READ} {' '.join(sorted(names))}"


def slice_answer(text: str, names: Iterable[str]) -> str | None:
    """The recorded answer for a module read through ``names``: its text's hash, its code's,
    the hash of its slice for ``names``; None when it has no slice (``slices``)."""
    sliced = slice_digest(text, names)
    return None if sliced is None else f"{code_answer(text)} {sliced}"


def _answer(key: str, text: str | None) -> str | None:
    """What a read recorded under ``key`` must still give: the text's hash, and for a module
    read as code (``CODE_READ``) its code's hash after it (``code_answer``)."""
    if key.endswith(CODE_READ) and text is not None:
        return code_answer(text)
    return text_digest(text)


def code_answer(text: str) -> str:
    """The recorded answer for a module read as code: its text's hash, then its code's."""
    return f"{text_digest(text)} {code_digest(text)}"


class Probe:
    """The repository's current answers (``RepoContext`` semantics), each computed once per run."""

    def __init__(self, root: Path, manifests: searches.Manifests | None = None) -> None:
        self.ctx = RepoContext(root)
        self.manifests = manifests
        self.modules: list[tuple[str, str]] = []  # (path, text hash), as searches list them
        self.texts: dict[str, tuple[str | None, int]] = {}
        self.codes: dict[str, str | None] = {}
        self.paths: dict[tuple[str, bool], bool] = {}
        self.found: dict[tuple[str, str], tuple[str, ...]] = {}
        self.listings: dict[str, dict[str, str] | None] = {}
        self.loaded: dict[str, bytes] = {}
        self._universe: list[str] = []
        self._rebases: dict[str, searches.Rebase] = {}  # by the universe searched before
        self.moves: dict[tuple[str, str, str], tuple[str, Where] | None] = {}  # ``shifted``

    def holds(self, deps: Dependencies) -> bool:
        """True when every dependency still has the recorded answer."""
        return (
            all(self.read(key, hashed) for key, hashed in deps.texts)
            and all(self.path(rel, False) is found for rel, found in deps.exists)
            and all(self.path(rel, True) is found for rel, found in deps.dirs)
            and (not deps.searches or deps.universe == self.universe() or self.searched(deps))
        )

    def searched(self, deps: Dependencies) -> bool:
        """True when each search of ``deps`` finds what it found: searched again only in the
        modules changed since, when the module list it searched was kept (``searches``)."""
        before = None
        if self.manifests is not None and deps.universe is not None:
            before = self.manifests.get(deps.universe)
        if before is None or deps.universe is None:
            return all(self.search(w, p) == found for w, p, found in deps.searches)
        rebase = self._rebases.get(deps.universe)
        if rebase is None:
            self.universe()
            rebase = self._rebases[deps.universe] = searches.Rebase(self.modules, before)
        return all(
            rebase.found_again(found, self._matcher(w, p)) == found for w, p, found in deps.searches
        )

    def _matcher(self, word: str, pattern: str) -> Callable[[str], bool]:
        """Whether a module's text matches a search (``repo.modules_matching``'s test); the
        expression is compiled only for a module that has the word."""
        compiled: list[re.Pattern[str]] = []

        def matches(rel: str) -> bool:
            text = self.ctx.read_text(rel)
            if text is None or word not in text:
                return False
            if not compiled:
                compiled.append(re.compile(pattern))
            return compiled[0].search(text) is not None

        return matches

    def recorded(self, rel: str, limit: int) -> str | None:
        """The hash of the bytes of the regular file ``rel`` (at most ``limit`` of them) when
        known without reading it; None here (a probe with a hash index knows more)."""
        return None

    def first_run(self) -> bool:
        """True when no earlier run of this root can have cached a version of its files; False
        here (a probe with a hash index knows)."""
        return False

    def preload(self, rel: str, data: bytes) -> None:
        """The bytes of a scanned Python module, read for its key: not read again here."""
        self.loaded[rel] = data

    def read(self, key: str, answer: str | None) -> bool:
        """True when a read recorded under ``key`` (``dependencies``) still gives ``answer``:
        the same text, else for a module read as code the same code, or the same slice for
        the names its lookups entered it by (``sliced_key``)."""
        if key.endswith(OWN_NAMES):
            return True  # a record of the extraction's own lookups, not a read
        rel, marker, names = key.partition(CODE_READ)
        if not marker or answer is None:
            return self.text(rel) == answer
        hashed = self.text(rel)
        recorded, _, rest = answer.partition(" ")
        code, _, sliced = rest.partition(" ")
        if hashed == recorded:
            return True
        if hashed is None or self.code(rel) is None:
            return False  # gone, or does not parse now
        if self.code(rel) == code:
            return True
        return bool(names) and bool(sliced) and self.slice(rel, names) == sliced

    def slice(self, rel: str, names: str) -> str | None:
        """The hash of module ``rel``'s slice for the space-separated ``names`` now."""
        text = self.ctx.read_text(rel)
        return None if text is None else slice_digest(text, names.split())

    def code(self, rel: str) -> str | None:
        """The hash of module ``rel``'s code (``codehash``); None when it does not parse now
        (a module read as code parsed then: a text that does not is a change)."""
        if rel not in self.codes:
            text = self.ctx.read_text(rel)
            self.codes[rel] = None if text is None or not parses(text) else code_digest(text)
        return self.codes[rel]

    def text(self, rel: str) -> str | None:
        """The hash of the text ``RepoContext.read_text`` gives for ``rel``."""
        return self._text(rel)[0]

    def _text(self, rel: str) -> tuple[str | None, int]:
        """The hash and length of ``rel``'s text (read once per run)."""
        if rel not in self.texts:
            text = self._read(rel)
            self.texts[rel] = (text_digest(text), -1 if text is None else len(text))
        return self.texts[rel]

    def _read(self, rel: str) -> str | None:
        """``RepoContext.read_text``, from the preloaded bytes when the scan read them."""
        data = self.loaded.pop(rel, None)
        if data is None or rel.startswith(("/", "\\")) or ".." in rel.split("/"):
            return self.ctx.read_text(rel)
        if len(data) > context_mod.MAX_READ_BYTES:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def path(self, rel: str, folder: bool) -> bool:
        """``RepoContext.is_dir`` (``folder``) or ``RepoContext.exists``."""
        key = (rel, folder)
        if key not in self.paths:
            found = self._listed(rel.rstrip("/"))
            if found is None:  # not a plain path, or through a symlink: RepoContext decides
                found = self.ctx.is_dir(rel) if folder else self.ctx.exists(rel)
            elif folder:
                found = found == "dir"
            self.paths[key] = bool(found)
        return self.paths[key]

    def _listed(self, rel: str) -> str | bool | None:
        """From folder listings, no ``resolve()``: False when a plain relative path is missing,
        ``"dir"``/``"file"`` when present without a symlink on the way, else None."""
        parts = rel.split("/")
        if not rel or "\\" in rel or any(part in ("", ".", "..") for part in parts):
            return None
        folder, kind = "", None
        for part in parts:
            names = self._listing(folder)
            if names is None:
                return None
            kind = names.get(part)
            if kind is None:
                return False
            if kind == "link":
                return None
            folder = f"{folder}/{part}" if folder else part
        return kind

    def _listing(self, folder: str) -> dict[str, str] | None:
        if folder not in self.listings:
            try:
                with os.scandir(self.ctx.root / folder) as entries:
                    self.listings[folder] = {entry.name: _kind(entry) for entry in entries}
            except OSError:  # not a folder, unreadable: RepoContext decides
                self.listings[folder] = None
        return self.listings[folder]

    def universe(self) -> str:
        """The hash of every module cross-module searches read, as they are now."""
        if not self._universe:
            files = discover_mod.run_files(self.ctx.root)
            paths = files if files is not None else list(walk(self.ctx.root))
            for rel in paths:
                if rel.endswith(".py"):
                    hashed, length = self._text(rel)
                    if hashed is not None and length <= MAX_MODULE_CHARS:
                        self.modules.append((rel, hashed))
            self._universe.append(searches.combine(self.modules))
        return self._universe[0]

    def search(self, word: str, pattern: str) -> tuple[str, ...]:
        """A cross-module search run again on the modules as they are now."""
        key = (word, pattern)
        if key not in self.found:
            from scanner.find.extractors.python import repo

            self.found[key] = repo.modules_matching(self.ctx, word, pattern)
        return self.found[key]


def parses(text: str) -> bool:
    """True when Python parses ``text`` (the code hash is exact for valid code)."""
    try:
        compile(text, "<module>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True


def _kind(entry: os.DirEntry[str]) -> str:
    if entry.is_symlink():
        return "link"
    return "dir" if entry.is_dir(follow_symlinks=False) else "file"


MAX_MODULE_CHARS = 1_500_000  # ``repo.MAX_MODULE_BYTES``: larger modules are never searched


@lru_cache(maxsize=4)
def universe(ctx: RepoContext) -> str:
    """The hash of every module (path and text) cross-module searches read."""
    from scanner.find.extractors.python import repo  # the extractor's own module list

    return searches.combine([(rel, text_digest(text)) for rel, text in repo.python_modules(ctx)])


def forget_previous_run(listing: bool = True) -> None:
    """Empty the caches that hold the repository's files for one run (read texts, listed and
    parsed modules): a second scan in the same process (and its forked workers) must see the
    files as they are now, and so must ``Probe``. ``listing``: also the list of the files git
    knows (not when this run's planning listed them, with the probe it hands the scan)."""
    context_mod._read_text.cache_clear()
    context_mod._within.cache_clear()
    if listing:
        discover_mod.run_files.cache_clear()
    universe.cache_clear()
    repo = sys.modules.get("scanner.find.extractors.python.repo")  # none if never imported
    if repo is not None:
        for cached in (repo.python_modules, repo._matching, repo._texts):
            cached.cache_clear()
    loader = sys.modules.get("scanner.find.extractors.python.loader")
    if loader is not None:
        loader.forget()


class ExtractionCache:
    """The entries under ``folder`` for one ``salt``; every failure to read or write is a miss."""

    def __init__(self, folder: Path, salt: str, limit: int = MAX_BYTES) -> None:
        self.folder = folder / f"v{CACHE_SCHEMA}"
        self.salt = salt
        self.limit = limit
        self.written = 0
        self.manifests = searches.Manifests(self.folder)

    def keep_modules(self, probe: Probe, universes: set[str]) -> None:
        """Keep the module list of each ``universes`` the fresh entries searched, when it is the
        repository's now (a later run then searches again only the modules changed since)."""
        for universe in universes:
            if probe.universe() == universe:
                self.manifests.put(universe, probe.modules)

    def get(self, file: SourceFile, content: str, probe: Probe) -> Extraction | None:
        """The cached extraction of ``file`` with content hash ``content``, if still valid."""
        hit = self.lookup(file, content, probe)
        return None if hit is None else hit[0]

    def has(self, file: SourceFile, content: str) -> bool:
        """True when an entry for this content of ``file`` exists (valid or not)."""
        return self._entry(file, content).is_file()

    def lookup(
        self, file: SourceFile, content: str, probe: Probe, wanted: Wanted | None = None
    ) -> tuple[Extraction, Dependencies] | None:
        """``get``, with what the extraction depends on; ``wanted``: of what it found, only
        what is in the files ``wanted(its dependencies)`` names is read back (None: all)."""
        entry = self._read(file, content)
        if entry is None or not probe.holds(entry[1]):
            return None
        try:
            extraction = cache_codec.decode(entry[0], wanted and wanted(entry[1]))
        except (ValueError, KeyError, TypeError, RecursionError):
            return None  # not what this version writes: re-extracted
        _touch(self._entry(file, content))
        return extraction, entry[1]

    def load(self, file: SourceFile, content: str) -> tuple[Extraction, Dependencies] | None:
        """The entry of ``file`` with content hash ``content``, valid or not."""
        entry = self._read(file, content)
        try:
            return None if entry is None else (cache_codec.decode(entry[0]), entry[1])
        except (ValueError, KeyError, TypeError, RecursionError):
            return None

    def _read(self, file: SourceFile, content: str) -> tuple[Any, Dependencies] | None:
        """The findings (as stored) and dependencies of the entry of ``file`` with content
        hash ``content``; None when missing, unreadable, truncated or of another schema."""
        try:
            with self._entry(file, content).open("rb") as handle:
                raw = handle.read(MAX_ENTRY_BYTES + 1)
            data = json.loads(raw) if len(raw) <= MAX_ENTRY_BYTES else None
            header = (CACHE_SCHEMA, self.salt, file.path, file.kind.value, content)
            if not isinstance(data, dict) or _header(data) != header:
                return None
            return data["found"], dependencies_from_json(data["deps"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def lookup_code(
        self, file: SourceFile, code: str, probe: Probe
    ) -> tuple[Extraction, Dependencies] | None:
        """``lookup`` of the version of ``file`` last extracted with this code hash (its bytes
        differ only in comments outside brackets and trailing blank lines: ``codehash``)."""
        try:
            data = json.loads(self._entry(file, CODE_KEY + code).read_bytes())
            header = (CACHE_SCHEMA, self.salt, file.path, file.kind.value, CODE_KEY + code)
            if not isinstance(data, dict) or _header(data) != header:
                return None
            content = _str(data["bytes"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        return None if content.startswith(CODE_KEY) else self.lookup(file, content, probe)

    def lookup_appended(
        self, file: SourceFile, text: str, probe: Probe
    ) -> tuple[Extraction, Dependencies] | None:
        """``lookup_code`` of the text before statements appended at the end of ``text`` that its
        extraction cannot read (``slices.inert_tails``), when they mention no name that
        extraction looked up in its own module (a caller elsewhere may import one)."""
        for prefix, mentions in inert_tails(text):
            hit = self.lookup_code(file, code_digest(prefix), probe)
            if hit is not None:
                names = dict(hit[1].texts).get(file.path + OWN_NAMES)
                return hit if names is not None and mentions.isdisjoint(names.split()) else None
        return None

    def put_code(self, file: SourceFile, code: str, content: str) -> None:
        """Note that the entry of ``file`` with content hash ``content`` has this code hash."""
        data = {"schema": CACHE_SCHEMA, "salt": self.salt, "path": file.path,
                "kind": file.kind.value, "content": CODE_KEY + code, "bytes": content}  # fmt: skip
        self._write(self._entry(file, CODE_KEY + code), data)

    def put(self, file: SourceFile, content: str, found: Extraction, deps: Dependencies) -> None:
        """Store an extraction (atomically: concurrent readers see the old entry or this one)."""
        data = {
            "schema": CACHE_SCHEMA, "salt": self.salt, "path": file.path,
            "kind": file.kind.value, "content": content,
            "deps": dependencies_to_json(deps), "found": cache_codec.encode(found),
        }  # fmt: skip
        self._write(self._entry(file, content), data)
        if deps.layout is not None:
            data = {"schema": CACHE_SCHEMA, "salt": self.salt, "path": file.path,
                    "kind": file.kind.value, "content": LAST_KEY, "bytes": content,
                    "layout": shift.to_json(deps.layout)}  # fmt: skip
            self._write(self._entry(file, LAST_KEY), data)

    def last(self, file: SourceFile) -> tuple[str, list[Chunk]] | None:
        """The content hash and layout of the version of ``file`` last extracted (``put``)."""
        try:
            data = json.loads(self._entry(file, LAST_KEY).read_bytes())
            header = (CACHE_SCHEMA, self.salt, file.path, file.kind.value, LAST_KEY)
            if not isinstance(data, dict) or _header(data) != header:
                return None
            content, chunks = _str(data["bytes"]), shift.from_json(data["layout"])
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        return None if chunks is None or content.startswith(LAST_KEY) else (content, chunks)

    def _write(self, entry: Path, data: dict[str, Any]) -> None:
        # json.dumps: the C encoder (json.dump to a file always takes the pure-Python one)
        if write_atomically(entry, json.dumps(data, separators=(",", ":")).encode()):
            self.written += 1

    def prune(self) -> None:
        """Delete the least recently used entries while the cache is over its cap."""
        if self.written:
            evict(self.folder, self.limit)

    def _entry(self, file: SourceFile, content: str) -> Path:
        key = digest(f"{self.salt}\0{file.kind.value}\0{file.path}\0{content}".encode())
        return self.folder / key[:2] / f"{key}.json"


MAX_ENTRY_BYTES = 64 * 1024 * 1024  # a larger entry is not one this tool wrote
CODE_KEY = "code:"  # an entry addressed by a file's code hash names the entry of its bytes
LAST_KEY = "last:"  # the entry naming the version of a path last extracted, with its layout


def _header(data: dict[str, Any]) -> tuple[object, ...]:
    return tuple(data.get(name) for name in ("schema", "salt", "path", "kind", "content"))


def _touch(entry: Path) -> None:
    """Mark an entry as recently used (at most once per ``TOUCH_AFTER_SECONDS``)."""
    try:
        if time.time() - entry.stat().st_mtime > TOUCH_AFTER_SECONDS:
            os.utime(entry)
    except OSError:
        pass


def evict(folder: Path, limit: int) -> None:
    """Delete entries, oldest first, until the folder holds at most 3/4 of ``limit`` bytes;
    remove temporary files that writers left behind."""
    entries: list[tuple[float, int, str]] = []
    now = time.time()
    for path, info in _files(folder):
        if os.path.basename(path).startswith(TEMP_PREFIX):
            if now - info.st_mtime > STALE_TEMP_SECONDS:
                _remove(path)
            continue
        entries.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    for _, size, path in sorted(entries):
        if total <= limit * 3 // 4:
            break
        _remove(path)
        total -= size


def _files(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    try:
        shards = list(os.scandir(folder))
    except OSError:
        return
    for shard in shards:
        try:
            for item in os.scandir(shard.path):
                yield item.path, item.stat(follow_symlinks=False)
        except OSError:
            continue


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):  # another run removed it first
        os.unlink(path)


def dependencies_to_json(deps: Dependencies) -> dict[str, Any]:
    return {
        "texts": [list(pair) for pair in deps.texts],
        "exists": [list(pair) for pair in deps.exists],
        "dirs": [list(pair) for pair in deps.dirs],
        "searches": [[word, pattern, list(found)] for word, pattern, found in deps.searches],
        "universe": deps.universe,
    }


def dependencies_from_json(raw: Any) -> Dependencies:
    """Dependencies read back; ValueError when any part is not what ``put`` writes."""
    universe = raw["universe"]
    deps = Dependencies(
        texts=tuple((_str(rel), _optional_str(hashed)) for rel, hashed in raw["texts"]),
        exists=tuple((_str(rel), _bool(found)) for rel, found in raw["exists"]),
        dirs=tuple((_str(rel), _bool(found)) for rel, found in raw["dirs"]),
        searches=tuple(
            (_str(word), _str(pattern), tuple(_str(rel) for rel in found))
            for word, pattern, found in raw["searches"]
        ),
        universe=_optional_str(universe),
    )
    if len(raw) != 5:
        raise ValueError("unexpected dependency kinds")
    return deps


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not a boolean")
    return value
