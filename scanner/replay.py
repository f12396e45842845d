"""Replay of a scan's output while nothing it read has changed: a warm rescan of an unchanged
tree prints what the last scan printed, without resolving, deciding or rendering again.

An entry is addressed by a hash (``key``) of everything the output is a function of: the tool
itself (``tool_hash``: every source and data file of ``scanner`` and ``license_db``, the
parsers' versions, Python's version), the command line and working folder, the ``MLG_``/``HF_``
environment, the date, the policy and baseline in force (as parsed, and their files' bytes),
the scan plan (files, skipped files, context files) and each file's content hash. The entry also
lists what the scan read from the rest of the repository (``Dependencies``, as in the
extraction cache: imported modules, probed paths, local model folders, cross-module searches);
it is replayed only when every one still holds. Anything the key cannot see (``--hub``
answers, an unreadable file, an internal error, ``--no-cache``) means no entry is written.

Entries live beside the extraction cache (``replays/``), are written atomically and evicted
with it; an unreadable or unexpected entry is a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import os
import re
import stat
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner import context as context_mod
from scanner.context import CODE_READ, Observations
from scanner.find import searches
from scanner.find.atomic import write_atomically
from scanner.find.cache import (
    MAX_BYTES,
    OWN_NAMES,
    Dependencies,
    ExtractionCache,
    Probe,
    dependencies,
    dependencies_from_json,
    dependencies_to_json,
    digest,
    evict,
    forget_previous_run,
)
from scanner.find.discover import SourceFile
from scanner.find.targets import Plan
from scanner.stamps import HashIndex, chars

if TYPE_CHECKING:  # the scan itself is imported only when the output cannot be replayed
    from license_db import LicenseDB
    from scanner.decide.baseline import Baseline
    from scanner.decide.policy import Policy
    from scanner.resolve.hub import HubClient
    from scanner.scan import ScanInput, ScanProgress, ScanReads

REPLAY_SCHEMA = 2  # 2: the text after a line of JSON
FOLDER = "replays"
SHARE_OF_CACHE = 8  # replays may hold 1/8 of the cache's size cap
ENV_PREFIXES = ("MLG_", "HF_")  # settings read from the environment (budgets, Hub)
LIBRARIES = ("license_expression", "dp_accounting", "libcst", "yaml")
"""Libraries whose version can change a scan's output (expressions, epsilon, parsing)."""


@dataclass(frozen=True, slots=True)
class Setup:
    """What a scan needs besides its plan, as the command line gathers it: ``ScanInput``
    without the scan's machinery (progress, reads), so that a replay never imports the scan."""

    root: Path
    db: LicenseDB
    policy: Policy
    today: date
    jobs: int
    baseline: Baseline | None
    hub: HubClient | None
    max_file_bytes: int
    cache: ExtractionCache | None
    probe: IndexedProbe | None = None  # planning's (``indexed_probe``): hashes taken once

    def scan_input(
        self, progress: ScanProgress | None, reads: ScanReads | None = None
    ) -> ScanInput:
        """The scan's input: this setup, with ``progress`` and the record of what it reads."""
        from scanner.scan import ScanInput

        return ScanInput(
            self.root, self.db, self.policy, self.today, self.jobs, self.baseline, self.hub,
            self.max_file_bytes, self.cache, progress, reads, self.probe,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Output:
    """What a scan command shows: the report (a text report without its duration), the
    diagnostics for stderr and the exit code."""

    text: str
    diagnostics: str
    code: int


@cache
def tool_hash(stamps_folder: Path | None = None) -> str:
    """A hash of the tool: every Python file of the ``scanner`` and ``license_db`` packages,
    the database's data files, the libraries the output depends on and Python's version
    (compiled files, which come and go, are not the tool). With ``stamps_folder`` (the cache's),
    a file is read only when its status differs from the one its hash was recorded with."""
    hasher = hashlib.sha256(sys.version.encode())
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stamps = None if stamps_folder is None else HashIndex(stamps_folder, Path(root), MAX_BYTES)
    for rel in _tool_files(root):
        hasher.update(f"{rel}\0{_file_hash(root, rel, stamps)}\0".encode())
    for library in LIBRARIES:
        hasher.update(f"{library}: {installed(library)}\0".encode())
    if stamps is not None:
        stamps.save()
    return hasher.hexdigest()


def _tool_files(root: str) -> list[str]:
    """The tool's source and data files, relative to ``root``, sorted."""
    found = []
    for top, suffixes in (("scanner", (".py",)), ("license_db", (".py",))):
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            rel = os.path.relpath(folder, root)
            found += [f"{rel}/{name}" for name in files if name.endswith(suffixes)]
    data = os.path.join(root, "license_db", "data")
    found += [f"license_db/data/{n}" for n in os.listdir(data) if os.path.isfile(f"{data}/{n}")]
    return sorted(found)


def _file_hash(root: str, rel: str, stamps: HashIndex | None) -> str:
    """The hash of the tool file ``rel``: recorded by ``stamps`` while its status is unchanged."""
    path = os.path.join(root, rel)
    info, read_ns = os.stat(path), time.time_ns()
    known = None if stamps is None else stamps.known(rel, info)
    if known is not None:
        return known[0]
    with open(path, "rb") as handle:
        info, data = os.fstat(handle.fileno()), handle.read()
    hashed = digest(data)
    if stamps is not None:
        stamps.note(rel, info, hashed, chars(data), read_ns)
    return hashed


def installed(module: str) -> str:
    """Which version of a library the output depends on is installed: its distribution
    folder's name (``dp_accounting-0.6.0.dist-info``), read without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "absent"
    stem = module.replace("_", "[-_]")
    site = os.path.dirname(os.path.dirname(spec.origin))
    names = [name for name in _dist_infos(site) if re.match(f"(?i){stem}-", name)]
    return ",".join(names) or str(spec.origin)


@cache
def _dist_infos(site: str) -> tuple[str, ...]:
    """The distribution folders (``*.dist-info``) of a site folder, sorted: listed once."""
    try:
        return tuple(sorted(name for name in os.listdir(site) if name.endswith(".dist-info")))
    except OSError:
        return ()


def environment(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """The environment variables that can change a scan (budgets, Hub settings), sorted."""
    return sorted((k, v) for k, v in env.items() if k.startswith(ENV_PREFIXES))


def key(
    inputs: Mapping[str, object],
    contents: Iterable[tuple[str, str | None]],
    tool: str | None = None,
) -> str:
    """The address of a scan's output: ``inputs`` (each as ``canonical`` writes it) and each
    file's (path, content hash); ``tool``: ``tool_hash()`` when already computed."""
    tool = tool_hash() if tool is None else tool
    hasher = hashlib.sha256(f"replay {REPLAY_SCHEMA}\0{tool}\0".encode())
    for name in sorted(inputs):
        hasher.update(f"{name}\0{canonical(inputs[name])}\0".encode())
    for path, content in contents:
        hasher.update(f"{path}\0{content}\0".encode())
    return hasher.hexdigest()


def canonical(value: object) -> str:
    """``value`` written out in full and the same in every process: records field by field,
    mappings and sets sorted (their ``repr`` follows the process's string hashing)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _field_names(type(value))
        fields = (f"{name}={canonical(getattr(value, name))}" for name in names)
        return f"{type(value).__qualname__}({', '.join(fields)})"
    if isinstance(value, Mapping):
        items = sorted(f"{canonical(k)}: {canonical(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (set, frozenset)):
        return "set(" + ", ".join(sorted(canonical(item) for item in value)) + ")"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(canonical(item) for item in value) + "]"
    return repr(value)


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    """The fields of a record type, in order (looked up once per type, not per record)."""
    return tuple(field.name for field in dataclasses.fields(kind))


def file_bytes(path: Path | None) -> bytes | None:
    """A settings file's bytes for a key (None: absent or unreadable)."""
    try:
        return None if path is None else path.read_bytes()
    except OSError:
        return None


def merged(parts: Sequence[Dependencies], later: Observations, now: Probe) -> Dependencies | None:
    """Every file's dependencies and what the later stages read, as one, answered as ``now``
    (the probe that checked them) answers; None when two parts disagree (a file changed while
    the scan read it) or later stages searched modules. A replay is for an unchanged tree (a
    changed file changes its address), so a module read as code (whole or through some names)
    counts once, by its text now: an entry the scan reused may have recorded an earlier version
    whose slice for its names is the same, which the tree of this output is not."""
    if later.searches:
        return None
    texts: dict[str, str | None] = {}
    exists: dict[str, bool] = {}
    dirs: dict[str, bool] = {}
    searches: dict[tuple[str, str], tuple[str, ...]] = {}
    for deps in (*parts, dependencies("", later, None)):
        pairs = (
            (texts, [_as_now(k, a, now) for k, a in deps.texts if not k.endswith(OWN_NAMES)]),
            (exists, deps.exists),
            (dirs, deps.dirs),
            (searches, [((w, p), found) for w, p, found in deps.searches]),
        )
        for table, items in pairs:
            for name, answer in items:
                if table.setdefault(name, answer) != answer:  # type: ignore[arg-type]
                    return None
    return Dependencies(
        texts=tuple(sorted(texts.items())),
        exists=tuple(sorted(exists.items())),
        dirs=tuple(sorted(dirs.items())),
        searches=tuple((w, p, found) for (w, p), found in sorted(searches.items())),
        universe=now.universe() if searches else None,  # each held in it
    )


def _as_now(key: str, answer: str | None, now: Probe) -> tuple[str, str | None]:
    """A read as the replay records it: a module read as code by its text's hash now."""
    rel, marker, _ = key.partition(CODE_READ)
    return (rel, now.text(rel)) if marker else (key, answer)


class Replays:
    """The scan outputs kept under ``folder``; every failure to read or write is a miss."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder / FOLDER
        self.limit = limit // SHARE_OF_CACHE

    def get(self, address: str, probe: Probe) -> Output | None:
        """The output stored under ``address`` when everything it read still holds."""
        try:
            head, _, body = self._entry(address).read_bytes().partition(b"\n")
            data = json.loads(head)
            if data.get("schema") != REPLAY_SCHEMA or data.get("key") != address:
                return None
            if data["text"] != [len(body), digest(body)]:  # truncated or altered
                return None
            deps = dependencies_from_json(data["deps"])
            output = Output(body.decode("utf-8"), data["diagnostics"], data["code"])
            if not isinstance(output.diagnostics, str) or type(output.code) is not int:
                return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None
        return output if probe.holds(deps) else None

    def put(self, address: str, output: Output, deps: Dependencies) -> None:
        """Store ``output`` (atomically: a concurrent reader sees the old entry or this one):
        a line of JSON (the key, dependencies, diagnostics, exit code, the text's length and
        hash), then the text itself (not escaped into JSON: read back without parsing)."""
        body = output.text.encode("utf-8")
        data: dict[str, Any] = {
            "schema": REPLAY_SCHEMA, "key": address, "deps": dependencies_to_json(deps),
            "diagnostics": output.diagnostics, "code": output.code,
            "text": [len(body), digest(body)],
        }  # fmt: skip
        entry = self._entry(address)
        head = json.dumps(data, separators=(",", ":")).encode()
        if not write_atomically(entry, head + b"\n" + body, ".replay"):
            return  # a read-only or full disk: nothing replayed next time
        evict(self.folder, self.limit)

    def has(self, address: str) -> bool:
        """True when an output is stored under ``address`` (still to be checked by ``get``)."""
        return self._entry(address).is_file()

    def _entry(self, address: str) -> Path:
        return self.folder / address[:2] / f"{address}.replay"


class IndexedProbe(Probe):
    """A ``Probe`` that takes a file's text hash from the hash index while the file's status is
    the one recorded, and records the texts it reads."""

    def __init__(
        self, root: Path, index: HashIndex, manifests: searches.Manifests | None = None
    ) -> None:
        super().__init__(root, manifests)
        self.index = index
        self.folders: dict[str, str | bool | None] = {}

    def _text(self, rel: str) -> tuple[str | None, int]:
        if rel in self.texts:
            return self.texts[rel]
        info = self._plain(rel)
        known = None if info is None else self.index.known(rel, info)
        if info is not None and known is not None:
            too_large = info.st_size > context_mod.MAX_READ_BYTES
            self.texts[rel] = (None, -1) if known[1] < 0 or too_large else known
            return self.texts[rel]
        fresh, read_ns = rel not in self.loaded, time.time_ns()
        found = super()._text(rel)
        if info is not None and fresh and found[0] is not None:
            self.index.note(rel, info, found[0], found[1], read_ns)
        return found

    def first_run(self) -> bool:
        """True when the hash index recorded nothing before this run."""
        return self.index.first_run()

    def recorded(self, rel: str, limit: int) -> str | None:
        """The hash of ``rel``'s bytes recorded in the index while its status is unchanged
        (a regular file of at most ``limit`` bytes reached with no symlink on the way)."""
        info = self._plain(rel)
        if info is None or info.st_size > limit:
            return None
        known = self.index.known(rel, info)
        return None if known is None else known[0]

    def _listed(self, rel: str) -> str | bool | None:
        """``Probe._listed`` with each folder's answer worked out once (a scan's thousands of
        path checks share a few hundred folders): False when a part of ``rel`` is missing,
        ``"dir"``/``"file"`` when present with no symlink on the way, else None."""
        parts = rel.split("/")
        if not rel or "\\" in rel or any(part in ("", ".", "..") for part in parts):
            return None
        folder, _, name = rel.rpartition("/")
        return self._entry(folder, name) if self._folder(folder) == "dir" else self._folder(folder)

    def _folder(self, folder: str) -> str | bool | None:
        """``_listed`` of a folder (the root: ``"dir"``), remembered."""
        if folder not in self.folders:
            parent, _, name = folder.rpartition("/")
            state = "dir" if not folder else self._folder(parent)
            if folder and state == "dir":
                state = self._entry(parent, name)
            self.folders[folder] = None if state == "file" else state
        return self.folders[folder]

    def _entry(self, folder: str, name: str) -> str | bool | None:
        """What ``name`` is in the listing of ``folder`` (a plain folder)."""
        names = self._listing(folder)
        kind = None if names is None else names.get(name, False)
        return None if kind == "link" else kind

    def _plain(self, rel: str) -> os.stat_result | None:
        """The status of ``rel`` when it is a regular file reached with no symlink on the way
        (``RepoContext.read_text`` reads it as it is); None otherwise."""
        if self._listed(rel) != "file":
            return None
        try:
            info = os.lstat(os.path.join(self.ctx.root, rel))
        except OSError:
            return None
        return info if stat.S_ISREG(info.st_mode) else None


@dataclass(frozen=True, slots=True)
class Slot:
    """One scan's place among the replays: its address, and the probe that checks (with the
    files' bytes it read for their hashes) whether what the last scan read still holds."""

    replays: Replays
    address: str
    probe: IndexedProbe
    planned: frozenset[str] = frozenset()  # the files whose content hash is in the address

    def get(self) -> Output | None:
        """The output of the last scan with these inputs, if nothing it read has changed."""
        output = self.replays.get(self.address, self.probe)
        self.probe.index.save()
        return output

    def put(self, output: Output, reads: ScanReads) -> None:
        """Keep ``output`` for replay when the scan recorded all it read; record the hashes of
        the files that were too recently changed to record when the scan began."""
        deps = merged(reads.extraction, reads.later, self.probe) if reads.complete else None
        if deps is not None:  # a planned file's text is its content, checked by the address
            texts = tuple((rel, hashed) for rel, hashed in deps.texts if rel not in self.planned)
            self.replays.put(self.address, output, dataclasses.replace(deps, texts=texts))
        self.probe.index.settle()
        self.probe.index.save()


def scan_slot(
    options: Mapping[str, object],
    plan: Plan,
    inputs: Setup,
    color: bool,
    settings: Sequence[Path | None],
) -> Slot | None:
    """The slot of a scan with the command line's ``options``, ``plan``, ``inputs``, the colour
    decision and the ``settings`` files in force (policy, baseline). None without the extraction
    cache, with a Hub client (its answers are not in the key) or when a file cannot be read."""
    if inputs.cache is None or inputs.hub is not None:
        return None
    parts = {
        "options": sorted((k, v) for k, v in options.items() if k not in ("handler", "jobs")),
        "cwd": Path.cwd(),
        "color": color,
        "environment": environment(os.environ),
        "today": inputs.today,
        "root": inputs.root,
        "policy": inputs.policy,
        "baseline": inputs.baseline,
        "settings": [(path, file_bytes(path)) for path in settings],
        "plan": (plan.files, plan.skipped, plan.context, plan.note),
        "change": None if plan.change is None else plan.change.key(),
        "extraction": (inputs.max_file_bytes, inputs.cache.salt, inputs.db.version),
    }
    files = [*plan.files, *plan.context]
    return slot(inputs.cache, inputs.root, files, parts, inputs.max_file_bytes, inputs.probe)


def _content(root: Path, rel: str, probe: IndexedProbe, limit: int) -> str | None:
    """The hash of a planned file's bytes: the recorded one while its status is unchanged, else
    read (and kept by ``probe`` for the dependency checks); None when it is not a regular file of
    at most ``limit`` bytes. Discovery has just resolved the path inside the root (a file behind
    a link out of it is not planned): not again here."""
    path = os.path.join(root, rel)
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        return None
    known = probe.index.known(rel, info)
    if known is not None:
        return known[0]
    read_ns = time.time_ns()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            data = handle.read(limit + 1)
    except OSError:
        return None
    if len(data) > limit:
        return None
    probe.preload(rel, data)  # a dependency check may need its text: read once
    hashed = digest(data)
    probe.index.note(rel, info, hashed, chars(data), read_ns)
    return hashed


def indexed_probe(cache: ExtractionCache, root: Path) -> IndexedProbe:
    """A probe of the repository as it is now, reading through the hash index of ``root``
    (kept with ``cache``) and the module lists cross-module searches read."""
    forget_previous_run()  # an earlier scan in this process read the files as they were then
    index = HashIndex(cache.folder.parent, root, cache.limit)
    return IndexedProbe(root, index, cache.manifests)


def slot(
    cache: ExtractionCache,
    root: Path,
    files: Sequence[SourceFile],
    inputs: Mapping[str, object],
    max_bytes: int,
    probe: IndexedProbe | None = None,
) -> Slot | None:
    """The slot of a scan of ``files`` under ``root`` with ``inputs`` (see ``key``); None when a
    file cannot be read (its problem is reported by the scan, never replayed). ``probe``: the
    one planning used (``indexed_probe``), else a new one."""
    probe = probe or indexed_probe(cache, root)
    contents = [_content(root, file.path, probe, max_bytes) for file in files]
    if None in contents:
        return None
    names = [f"{file.kind.value}:{file.path}" for file in files]
    address = key(inputs, zip(names, contents, strict=True), tool_hash(cache.folder.parent))
    replays = Replays(cache.folder.parent, cache.limit)
    if not replays.has(address):
        probe.loaded.clear()  # nothing to check: the scan's workers fork without these bytes
    return Slot(replays, address, probe, frozenset(file.path for file in files))
