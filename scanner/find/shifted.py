"""Cached extractions served after the modules they read only moved: top-level statements that
no extraction can read were inserted into them, and every line after moved down (``shift``).

Two cases, one rule. A staged file whose text is the version of it last extracted with such
statements inserted (``lookup_inserted``) is served from that version's entry. And a file that
read a module through some names (``slices``: a lookup from it, a search for callers) is served
from its own entry when that module's statements only moved that way (``lookup``): the slice
for those names is the same statements, moved, since the statements inserted mention none of
them (nor anything else in the module). In both, each position of the extraction in a module
that moved (a reference, the places that use it, an unresolved reference, a training place, a
``via`` naming it) moves with its line, and each read of such a module is recorded with its new
text's answer; every other dependency must still hold as recorded.

A module's earlier version is the one the cache last extracted (``ExtractionCache.last``: its
content hash and layout), and must be the very text the entry read (its recorded hash).
"""

from __future__ import annotations

from dataclasses import replace

from scanner.context import CODE_READ
from scanner.find import shift
from scanner.find.cache import OWN_NAMES, Dependencies, ExtractionCache, Probe, slice_answer
from scanner.find.discover import SourceFile
from scanner.types import Extraction, SourceKind

Hit = tuple[Extraction, Dependencies]
Moved = tuple[str, shift.Where]
"""A module that moved: its text now, and where each line of the version read is in it."""


def lookup(cache: ExtractionCache, file: SourceFile, content: str, probe: Probe) -> Hit | None:
    """The entry of ``file`` with content hash ``content`` when each read that no longer holds
    is of a module that only moved; its positions there moved."""
    hit = cache.load(file, content)
    return None if hit is None else _served(cache, hit, probe, {})


def lookup_inserted(
    cache: ExtractionCache, file: SourceFile, text: str, probe: Probe
) -> Hit | None:
    """The entry of the version of ``file`` last extracted, its positions moved, when ``text``
    is that version with statements inserted that nothing reads (none of the names the
    extraction looked up in its own module either: a caller elsewhere may import one)."""
    last = cache.last(file)
    hit = None if last is None else cache.load(file, last[0])
    names = None if hit is None else dict(hit[1].texts).get(file.path + OWN_NAMES)
    where = None
    if last is not None and names is not None:
        where = shift.moves(text, last[1], frozenset(names.split()))
    if hit is None or where is None:
        return None
    return _served(cache, hit, probe, {file.path: (text, where)})


def _served(cache: ExtractionCache, hit: Hit, probe: Probe, moved: dict[str, Moved]) -> Hit | None:
    """``hit`` when every read holds or is of a module that moved (``moved``: those known to);
    the extraction's positions in those moved, their reads answered for their texts now."""
    found, deps = hit
    texts: list[tuple[str, str | None]] = []
    for key, answer in deps.texts:
        rel, marker, names = key.partition(CODE_READ)
        if rel not in moved and probe.read(key, answer):
            texts.append((key, answer))
            continue
        if not marker or not names or answer is None:
            return None  # a text read whole, or a module read as a whole: anything may matter
        now = moved.get(rel) or _moved(cache, probe, rel, answer, names)
        sliced = None if now is None else slice_answer(now[0], names.split())
        if now is None or sliced is None:
            return None
        moved[rel] = now
        texts.append((key, sliced))
    if not moved or not probe.holds(replace(deps, texts=())):
        return None
    for rel, (_, where) in moved.items():
        found_there = shift.moved(found, rel, where)
        if found_there is None:
            return None
        found = found_there
    return found, replace(deps, texts=tuple(texts))


def _moved(cache: ExtractionCache, probe: Probe, rel: str, answer: str, names: str) -> Moved | None:
    """Module ``rel`` now and where its lines moved, when the version a read through ``names``
    recorded (``answer``: its text's hash first) is the one the cache last extracted and it
    only moved since; worked out once per run."""
    recorded = answer.split(" ", 1)[0]
    key = (rel, recorded, names)
    if key not in probe.moves:
        last = cache.last(SourceFile(rel, SourceKind.PYTHON))
        text = probe.ctx.read_text(rel) if last is not None and last[0] == recorded else None
        where = None if text is None or last is None else shift.moves(
            text, last[1], frozenset(names.split()))  # fmt: skip
        probe.moves[key] = None if text is None or where is None else (text, where)
    moved: Moved | None = probe.moves[key]
    return moved
