"""Values computed from a module's text, kept per process by the text's hash.

A worker extracts hundreds of files, and the modules their lookups read are mostly the same few
dozen: each file's dependencies hash them again (their code's hash, their statement tables for
slices). A cache keyed by the text itself holds every text alive (a ``functools.lru_cache`` of
1,024 texts cost diffusers' largest worker 40 MB, so it was cut to a few dozen and missed half
the time); keyed by the text's SHA-256, an entry costs only its value. Entries are bounded by the
characters of text they stand for (a value's size grows with its text), least recently used
dropped first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Value = TypeVar("Value")


def text_key(text: str) -> bytes:
    """The key of a text: its SHA-256 (of its UTF-8, lone surrogates kept)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


@dataclass(slots=True)
class TextMemo(Generic[Value]):
    """Values by their text's hash, for texts of ``max_chars`` characters in all (at least the
    latest one), least recently used dropped first."""

    max_chars: int
    entries: dict[bytes, tuple[Value, int]] = field(default_factory=dict)
    chars: int = 0  # characters of the texts whose values are kept

    def get(self, text: str, make: Callable[[str], Value]) -> Value:
        """The value of ``text``: kept, else ``make(text)``, then kept."""
        key = text_key(text)
        found = self.entries.pop(key, None)
        if found is None:
            found = (make(text), len(text))
            self.chars += found[1]
            while self.entries and self.chars > self.max_chars:
                self.chars -= self.entries.pop(next(iter(self.entries)))[1]
        self.entries[key] = found  # last: the most recently used
        return found[0]
