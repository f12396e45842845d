"""A staged file served from the cached extraction of its earlier version, positions moved:
top-level statements no extraction can read were inserted, every line after them moved down.

The cache keeps, per path, the *layout* of the version last extracted (``layout``): its code
(``codehash.without_free_comments``: the comments outside brackets removed, lines kept) cut
into chunks, each from a line that starts at column 0 to the next one, hashed without its
position: the hash of its code lines and the hash of the blank lines after them. A staged text
cut the same way matches the earlier version when the earlier chunks are, in order, among the
new ones (``embedding``: common prefix and suffix, then one pass). The rest of the proof reads
the new text's top-level statements (``slices.statements``, by ``ast``; ``moves``):

* every chunk not matched (inserted) is covered by whole statements, and each such statement
  by inserted chunks only; each is ``slices.inert`` (no call, import or dynamic construct), and
  together they mention no name another statement mentions, none the cached extraction looked
  up in its own module (``OWN_NAMES``) and none every slice starts from (``slices.ALWAYS``):
  nothing in the module reads them, and a lookup from elsewhere reads none of their names;
* a kept statement covers matched chunks only, with the blank lines inside it as they were
  (the hash of a chunk's trailing blank lines): its text is the old one, one shift for all of
  it. Between statements only blank and comment lines may differ (they change no value);
* nothing inserted precedes the module's docstring, nor becomes one.

Chunks are cut without knowing strings or brackets (a string's line at column 0 starts one):
cut finer than statements, they only propose; the statements decide. Every position of the
cached extraction in the file (a reference's line, its uses, an unresolved reference, a
training place, a ``via`` naming the file) then moves by its chunk's shift; columns never
change. A position on no matched code line, or an extraction with errors, is not served.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar

from scanner.find.codehash import without_free_comments
from scanner.find.slices import ALWAYS, Statement, Table, inert, statements
from scanner.types import Extraction, ModelRef, UnresolvedRef, Use

CHARS = 24  # hex digits of a chunk's hashes (96 bits)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BLANK = " \t\f\r\n"  # what a blank line holds (comments are gone from the code)
_START = re.compile(r"\n[^ \t\f\r\n]")  # a line that starts a chunk (after its newline)
_LONE_CR = re.compile(r"\r(?!\n)")

Where = Callable[[int], "int | None"]
"""An old line's new line; None when the line is not one of the moved code."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Lines from one starting at column 0 to the next: its first line, its last line of code,
    the hash of its code lines and the hash of the blank lines after them."""

    first: int
    last: int
    code: str
    gap: str


def layout(text: str) -> list[Chunk]:
    """The chunks of module ``text`` (its code: comments outside brackets removed)."""
    code = without_free_comments(text) + "\n"
    if _LONE_CR.search(code):  # a line ended by a carriage return alone: rare, line by line
        return _layout_by_lines(code)
    chunks = []
    starts = [match.start() + 1 for match in _START.finditer(code)]
    if code[:1] not in _BLANK:
        starts.insert(0, 0)
    line = 1 + code.count("\n", 0, starts[0]) if starts else 1
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(code)
        lines = code.count("\n", start, end)
        stripped = start + len(code[start:end].rstrip(_BLANK))
        cut = code.index("\n", stripped) + 1
        core = code.count("\n", start, cut)
        chunks.append(Chunk(line, line + core - 1, _hash(code[start:cut]), _gap(code[cut:end])))
        line += lines
    return chunks


def _layout_by_lines(code: str) -> list[Chunk]:
    """``layout`` of ``code`` line by line (as Python counts lines: a carriage return ends one)."""
    lines = _LINE.findall(code)
    starts = [n for n, line in enumerate(lines, 1) if line[:1] not in _BLANK]
    chunks = []
    for index, first in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
        last = end
        while last > first and not lines[last - 1].strip(_BLANK):
            last -= 1
        code, gap = "".join(lines[first - 1 : last]), "".join(lines[last:end])
        chunks.append(Chunk(first, last, _hash(code), _gap(gap)))
    return chunks


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:CHARS]


def _gap(text: str) -> str:
    """The blank lines after a chunk's code: their number when they hold nothing but a newline
    each (the usual case: no hash to take), else the hash of their text."""
    return str(len(text)) if text.count("\n") == len(text) else _hash(text)


def to_json(chunks: Sequence[Chunk]) -> list[list[object]]:
    """A layout as JSON data."""
    return [[c.first, c.last, c.code, c.gap] for c in chunks]


def from_json(raw: object) -> list[Chunk] | None:
    """The layout ``to_json`` wrote; None for anything else."""
    if not isinstance(raw, list):
        return None
    chunks = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 4):
            return None
        first, last, code, gap = item
        if not (type(first) is int and type(last) is int and 0 < first <= last):
            return None
        if not (isinstance(code, str) and isinstance(gap, str)):
            return None
        chunks.append(Chunk(first, last, code, gap))
    return chunks


def embedding(old: Sequence[str], new: Sequence[str]) -> list[int] | None:
    """For each of ``old``, its index in ``new`` when ``new`` is ``old`` with items inserted
    (the common prefix and suffix kept in place, the middle matched in order); else None."""
    if len(new) < len(old):
        return None
    prefix = 0
    while prefix < len(old) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(old) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    found = list(range(prefix))
    at, stop = prefix, len(new) - suffix
    for item in old[prefix : len(old) - suffix]:
        while at < stop and new[at] != item:
            at += 1
        if at == stop:
            return None
        found.append(at)
        at += 1
    return [*found, *range(stop, len(new))]


def moves(text: str, old: Sequence[Chunk], names: frozenset[str]) -> Where | None:
    """Where each line of the earlier version (``old``: its layout) is in ``text``, when
    ``text`` is that version with top-level statements inserted that nothing reads (``names``:
    those a lookup entered the module by, the extraction's own ones); None when not proven."""
    change = _change(text, tuple(old))
    return None if change is None or not change[1].isdisjoint(names) else change[0]


@lru_cache(maxsize=16)
def _change(text: str, old: tuple[Chunk, ...]) -> tuple[Where, frozenset[str]] | None:
    """``moves`` before the names: where the lines went and what the statements inserted
    mention (worked out once for the many files that read one module moved)."""
    new = layout(text)
    match = embedding([c.code for c in old], [c.code for c in new])
    table = None if match is None or not new else statements(text)
    if match is None or table is None:
        return None
    back = {at: index for index, at in enumerate(match)}
    added = _inserted(table, new, old, back)
    mentions = None if added is None else _unread(table, added)
    if mentions is None:
        return None
    firsts = [c.first for c in old]

    def where(line: int) -> int | None:
        index = bisect.bisect_right(firsts, line) - 1
        if index < 0 or line > old[index].last:
            return None
        return line + new[match[index]].first - old[index].first

    return where, mentions


def _inserted(
    table: Table, new: Sequence[Chunk], old: Sequence[Chunk], back: dict[int, int]
) -> list[int] | None:
    """The statements of ``table`` the unmatched chunks hold (their indexes), when those
    chunks are whole statements and every other statement is whole old chunks with the blank
    lines inside it unchanged; else None."""
    firsts = [c.first for c in new]
    added: list[int] = []
    covered: set[int] = set()
    for index, statement in enumerate(table.statements):
        start = bisect.bisect_right(firsts, statement.lines[0]) - 1
        end = bisect.bisect_right(firsts, statement.lines[1]) - 1
        spanned = range(start, end + 1)
        if start < 0 or statement.lines[1] > new[end].last:
            return None
        if all(at not in back for at in spanned):
            added.append(index)
            covered.update(spanned)
        elif any(at not in back for at in spanned):
            return None  # a statement inserted into another one
        elif any(new[at].gap != old[back[at]].gap for at in spanned[:-1]):
            return None  # blank lines inside a statement changed
    if covered != set(range(len(new))) - back.keys():
        return None
    return added


def _unread(table: Table, added: list[int]) -> frozenset[str] | None:
    """What the inserted statements mention, when they are inert, mention nothing the other
    statements or every slice mention, and leave the module's docstring as it was."""
    body = table.statements
    inserted = [body[index] for index in added]
    if not all(map(inert, inserted)):
        return None
    mentions = frozenset().union(*(s.mentions for s in inserted))
    others = frozenset().union(*(s.mentions for i, s in enumerate(body) if i not in added))
    if not mentions.isdisjoint(others | ALWAYS) or (added and _docstring_moved(body, added)):
        return None
    return mentions


def _docstring_moved(body: Sequence[Statement], added: list[int]) -> bool:
    """True when a statement inserted at the top is a string or is followed by one (the
    module's docstring would be another or none)."""
    if added[0] != 0:
        return False
    kept = next((s for i, s in enumerate(body) if i not in added), None)
    return body[0].string or (kept is not None and kept.string)


# -- the positions moved ---------------------------------------------------------------------


class _Unplaced(Exception):
    """A position the moved lines do not cover."""


def moved(found: Extraction, path: str, where: Where) -> Extraction | None:
    """``found`` with every position in ``path`` moved to its new line; None when one is not
    on a moved line, or ``found`` holds errors (their messages are not read)."""
    if found.errors:
        return None
    try:
        return Extraction(
            refs=tuple(_ref(ref, path, where) for ref in found.refs),
            unresolved=tuple(_placed(item, path, where) for item in found.unresolved),
            uses=tuple(_placed(use, path, where) for use in found.uses),
        )
    except _Unplaced:
        return None


Placed = TypeVar("Placed", ModelRef, UnresolvedRef, Use)


def _placed(record: Placed, path: str, where: Where) -> Placed:
    """``record`` at its new line when it is in ``path``."""
    if record.path != path:
        return record
    line = where(record.line)
    if line is None:
        raise _Unplaced(record.line)
    return replace(record, line=line)


def _ref(ref: ModelRef, path: str, where: Where) -> ModelRef:
    """A reference, the places that use it and the ``via`` naming a line of ``path`` moved."""
    moved_ref = _placed(ref, path, where)
    if ref.uses:
        moved_ref = replace(moved_ref, uses=tuple(_placed(use, path, where) for use in ref.uses))
    if ref.via is not None:
        match = re.fullmatch(rf"(.* at ){re.escape(path)}:(\d+)", ref.via, re.DOTALL)
        if match is not None:
            line = where(int(match.group(2)))
            if line is None:
                raise _Unplaced(ref.via)
            moved_ref = replace(moved_ref, via=f"{match.group(1)}{path}:{line}")
    return moved_ref
