"""What a change can alter: each changed file's version before it, and which extractions read a
part of a changed file that differs between the two versions.

The pre-commit hook (``scan --changed``) checks the changed files and the files that import them
(``targets``, from the import graph: every importer, whatever it reads). An importer's findings
are the change's only when its extraction read something the change altered: each extraction
records what it read (``cache.Dependencies``: a module by the slice of it its lookups entered,
each path it probed, each cross-module search), and ``Before.affected`` asks each of those reads
again of the changed files as they were before (``Change``). An extraction none of whose reads
differs (or differs only in lines moved down under statements nothing reads: ``Before.moved``)
finds the same with the files before the change as after it: what it found outside the changed
files was there before the change, and the hook leaves it to the full scan (``narrowed``).

The version before is the commit pre-commit compares with (``PRE_COMMIT_FROM_REF`` when it runs
on a range of commits, else ``HEAD``). A file whose bytes equal that version's was changed
before it (a commit already made): its version before the change is not known, and every read of
it counts as altered, as does every read when git cannot answer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from scanner.context import CODE_READ, MAX_READ_BYTES, RepoContext
from scanner.find import git, shift
from scanner.find.cache import MAX_MODULE_CHARS, Dependencies, Probe, digest
from scanner.types import Extraction

BASE = "HEAD"
FROM_REF = "PRE_COMMIT_FROM_REF"  # pre-commit run --from-ref A --to-ref B: the change is A..B


@dataclass(frozen=True, slots=True)
class Change:
    """The changed files (repo-relative), each with its bytes before the change (None: it did
    not exist); ``unknown``: changed files whose version before is not known."""

    before: tuple[tuple[str, bytes | None], ...]
    unknown: frozenset[str] = frozenset()
    paths: frozenset[str] = field(init=False, compare=False, repr=False)  # every changed file

    def __post_init__(self) -> None:
        paths = frozenset(path for path, _ in self.before) | self.unknown
        object.__setattr__(self, "paths", paths)

    def text(self, rel: str) -> str | None:
        """``RepoContext.read_text`` of a changed file before the change."""
        data = next((data for path, data in self.before if path == rel), None)
        if data is None or len(data) > MAX_READ_BYTES:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def key(self) -> tuple[tuple[str, str | None], ...]:
        """What the change is, for a replay's address: each file's hash before it."""
        known = [(path, None if data is None else digest(data)) for path, data in self.before]
        return tuple(sorted([*known, *((path, "unknown") for path in self.unknown)]))


def before(root: Path, paths: Sequence[str], env: Mapping[str, str] = os.environ) -> Change:
    """The change of ``paths`` (files under ``root``) against the commit pre-commit compares
    with; every file unknown when git cannot tell."""
    found = git.blobs(root, env.get(FROM_REF) or BASE, paths)
    if found is None:
        return Change((), frozenset(paths))
    known: list[tuple[str, bytes | None]] = []
    unknown: set[str] = set()
    for path in paths:
        data = found[path]
        if data is not None and _now(root, path) == data:
            unknown.add(path)  # unchanged since that commit: changed before it
        else:
            known.append((path, data))
    return Change(tuple(known), frozenset(unknown))


def _now(root: Path, rel: str) -> bytes | None:
    try:
        return (root / rel).read_bytes()
    except OSError:
        return None


class Before(Probe):
    """The repository's answers with the changed files as they were before the change (one
    per scan: each changed module's code and slices are worked out once for every importer)."""

    def __init__(self, root: Path, change: Change) -> None:
        super().__init__(root)
        self.ctx = _BeforeContext(root, None, change)
        self.change = change
        self.created = [p for p, data in change.before if data is None] + sorted(change.unknown)
        self._moved: dict[str, bool] = {}  # by read (``moved``)
        self._searched: dict[tuple[str, str], frozenset[str]] = {}  # what matched before
        self.modules_changed = sorted(p for p, _ in change.before if p.endswith(".py"))

    def _read(self, rel: str) -> str | None:
        return self.ctx.read_text(rel)

    def affected(self, deps: Dependencies) -> bool:
        """True when a read an extraction recorded in ``deps`` answers differently before the
        change (``Probe``'s checks, asked of that version), other than by lines moved."""
        paths, unknown = self.change.paths, self.change.unknown
        reads = [(k, a) for k, a in deps.texts if k.partition(CODE_READ)[0] in paths]
        if any(k.partition(CODE_READ)[0] in unknown for k, _ in reads):
            return True
        if any(not self.read(k, a) and not self.moved(k) for k, a in reads):
            return True
        probed = [*deps.exists, *deps.dirs]
        return any(self._may_differ(rel) for rel, _ in probed) or any(
            self._search_differs(word, pattern, found) for word, pattern, found in deps.searches
        )

    def _search_differs(self, word: str, pattern: str, found: tuple[str, ...]) -> bool:
        """True when a cross-module search (``repo.modules_matching``, as ``Probe`` asks it
        again) matches a changed module differently before the change (only those can); each
        search is asked once per scan, whatever number of importers recorded it."""
        if any(rel.endswith(".py") for rel in self.change.unknown):
            return True  # it may match a module whose version before is not known
        if (word, pattern) not in self._searched:
            matches = self._matcher(word, pattern)
            self._searched[(word, pattern)] = frozenset(
                rel for rel in self.modules_changed if matches(rel) and self.searchable(rel)
            )
        before = self._searched[(word, pattern)]
        return any((rel in before) != (rel in found) for rel in self.modules_changed)

    def searchable(self, rel: str) -> bool:
        """True when module ``rel`` is one searches read before the change (not too large)."""
        return 0 <= self._text(rel)[1] <= MAX_MODULE_CHARS

    def moved(self, key: str) -> bool:
        """True when the change only inserted into the module a read through some names
        (``key``) entered statements that none of them reads (``shift.moves``): what the read
        found is the same, moved down with its lines (a ``via`` naming it, for one)."""
        rel, _, names = key.partition(CODE_READ)
        if key not in self._moved:
            before, now = self.change.text(rel), RepoContext(self.ctx.root).read_text(rel)
            where = None
            if before is not None and now is not None and names:
                where = shift.moves(now, shift.layout(before), frozenset(names.split()))
            self._moved[key] = where is not None
        return self._moved[key]

    def _may_differ(self, rel: str) -> bool:
        """True when whether ``rel`` exists (or is a folder) can differ before the change: it
        is a changed file that did not exist or is unknown, or a folder holding one."""
        path = rel.rstrip("/")
        return any(p == path or p.startswith(path + "/") or not path for p in self.created)


@dataclass(frozen=True, slots=True)
class _BeforeContext(RepoContext):
    """``RepoContext`` reading the changed files' versions before the change."""

    change: Change = Change(())

    def read_text(self, rel: str) -> str | None:
        if rel in self.change.paths:
            return self.change.text(rel)
        return RepoContext.read_text(self, rel)


def narrowed(extraction: Extraction, paths: frozenset[str]) -> Extraction:
    """An unaffected extraction as far as the change can alter it: what it found in the changed
    files ``paths`` (they are checked whole) and its errors (a file not scanned stays a gap)."""
    return replace(
        extraction,
        refs=tuple(ref for ref in extraction.refs if ref.path in paths),
        unresolved=tuple(item for item in extraction.unresolved if item.path in paths),
        uses=tuple(use for use in extraction.uses if use.path in paths),
    )
