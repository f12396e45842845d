"""Content hashes remembered by file status, as git's index remembers them: a file whose size,
modification and change times, inode and device all equal what was recorded when its bytes were
hashed is not read again.

Racy files, as git calls them: a file changed within the same timestamp tick as the change
recorded keeps its status. So a hash is recorded only for a file whose last change
(``st_mtime``/``st_ctime``) is more than ``RACY_NS`` older than the moment its bytes were read;
a newer one is read again next time (or re-read and recorded by ``settle`` once old enough).
The change time cannot be set back (``touch -d`` moves the modification time, and the change
time with it to now), so an edit that restores the modification time is seen. The clock of
the machine is the reference: a network file system whose clock is behind it by more than
``RACY_NS`` is outside what this can guarantee.

One index per scan root (a JSON file under the cache folder's ``stamps/``, written atomically,
evicted with the cache); anything unreadable or unexpected in it is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

from scanner.find.atomic import write_atomically
from scanner.find.cache import digest, evict

INDEX_SCHEMA = 1
FOLDER = "stamps"
SHARE_OF_CACHE = 16  # the indexes may hold 1/16 of the cache's size cap
RACY_NS = 2_000_000_000
"""How much older than the read a file's last change must be for its hash to be recorded: the
coarsest common timestamp tick (FAT's 2 s; Linux file systems tick every few milliseconds)."""

Signature = tuple[int, int, int, int, int]
"""A file's size, modification and change times (ns), inode and device."""

Entry = tuple[int, int, int, int, int, str, int]
"""A signature, the hash of the bytes, and the length of their UTF-8 text (-1: not UTF-8)."""


def signature(info: os.stat_result) -> Signature:
    """The status a recorded hash is valid for."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def chars(data: bytes) -> int:
    """The length of ``data`` as UTF-8 text, or -1 when it is not UTF-8."""
    try:
        return len(data.decode("utf-8"))
    except UnicodeDecodeError:
        return -1


class HashIndex:
    """The recorded hashes of the files of one root, stored under ``folder``."""

    def __init__(
        self, folder: Path, root: Path, limit: int, clock: Callable[[], int] = time.time_ns
    ) -> None:
        name = hashlib.sha256(os.fsencode(root)).hexdigest()[:40]
        self.folder = folder / FOLDER
        self.path = self.folder / name[:2] / f"{name}.json"
        self.root = root
        self.limit = limit // SHARE_OF_CACHE
        self.clock = clock
        self.changed = False
        self.racy: dict[str, tuple[Signature, str, int]] = {}
        self._entries: dict[str, Entry] | None = None
        self._held = False  # entries were on disk when the index was first read

    def known(self, rel: str, info: os.stat_result) -> tuple[str, int] | None:
        """The hash and text length recorded for ``rel`` when its status is still ``info``."""
        entry = self.entries().get(rel)
        if entry is None or entry[:5] != signature(info):
            return None
        return entry[5], entry[6]

    def note(self, rel: str, info: os.stat_result, hashed: str, length: int, read_ns: int) -> None:
        """Record the hash and text length of ``rel``'s bytes, read at ``read_ns`` from a file
        of status ``info`` (taken before the read); a racy one is kept for ``settle``."""
        sig = signature(info)
        if max(info.st_mtime_ns, info.st_ctime_ns) >= read_ns - RACY_NS:
            self.racy[rel] = (sig, hashed, length)
            return
        if self.entries().get(rel) != (*sig, hashed, length):
            self.entries()[rel] = (*sig, hashed, length)
            self.changed = True

    def settle(self) -> None:
        """Read the racy files again: those now old enough, with the same status and bytes as
        when they were hashed, are recorded (git's answer to racy files)."""
        racy, self.racy = self.racy, {}
        for rel, (sig, hashed, length) in racy.items():
            now = self.clock()
            if max(sig[1], sig[2]) >= now - RACY_NS:
                continue
            data = _read(os.path.join(self.root, rel), sig)
            if data is not None and digest(data) == hashed:
                self.entries()[rel] = (*sig, hashed, length)
                self.changed = True

    def entries(self) -> dict[str, Entry]:
        """Every recorded entry (read from disk once)."""
        if self._entries is None:
            self._entries = _load(self.path, self.root)
            self._held = bool(self._entries)
        return self._entries

    def first_run(self) -> bool:
        """True when no earlier run of this root recorded a file (a cold cache for it)."""
        self.entries()
        return not self._held

    def save(self) -> None:
        """Write the index when it changed (atomically; a failure only costs reads next time)."""
        if not self.changed:
            return
        data = {"schema": INDEX_SCHEMA, "root": os.fsdecode(self.root), "files": self.entries()}
        if not write_atomically(self.path, json.dumps(data, separators=(",", ":")).encode()):
            return
        self.changed = False
        evict(self.folder, self.limit)


def _load(path: Path, root: Path) -> dict[str, Entry]:
    """The entries stored at ``path`` for ``root``; none when anything is unexpected."""
    try:
        data = json.loads(path.read_bytes())
        if data["schema"] != INDEX_SCHEMA or data["root"] != os.fsdecode(root):
            return {}
        files = data["files"]
        return {rel: _entry(raw) for rel, raw in files.items() if isinstance(rel, str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return {}


def _entry(raw: object) -> Entry:
    """One stored entry, checked; ValueError when it is not what ``save`` writes."""
    if not isinstance(raw, list) or len(raw) != 7:
        raise ValueError("not an index entry")
    *numbers, hashed, length = raw
    if not all(type(n) is int for n in (*numbers, length)) or not isinstance(hashed, str):
        raise ValueError("not an index entry")
    size, mtime, ctime, inode, device = numbers
    return (size, mtime, ctime, inode, device, hashed, length)


def _read(path: str, sig: Signature) -> bytes | None:
    """The bytes of the regular file at ``path`` when its status is still ``sig``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or signature(info) != sig:
                return None
            data = handle.read(sig[0] + 1)
    except OSError:
        return None
    return data if len(data) == sig[0] else None
