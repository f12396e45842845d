"""Where each key of a TOML document is written: dotted key -> 1-based line.

``tomllib`` keeps no positions, so the policy's line numbers come from this small scanner. It
walks a document that ``tomllib`` has already accepted and records the line of every table
header, every key (``usage.commercial``), every array-of-tables entry (``exceptions[0]``, its keys
``exceptions[0].model``) and every element of an array value (``licenses.allow[1]``).
"""

from __future__ import annotations

import re

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = frozenset(",]}\n#")


def key_lines(text: str) -> dict[str, int]:
    """Map every dotted key written in ``text`` (valid TOML) to the line it starts on."""
    return _Scanner(text).run()


def join(path: tuple[str, ...]) -> str:
    """``("a", "b[0]", "c")`` -> ``"a.b[0].c"``."""
    return ".".join(path)


class _Scanner:
    """A cursor over the document; every loop consumes input or stops."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.found: dict[str, int] = {}
        self.table: tuple[str, ...] = ()
        self.array_index: dict[tuple[str, ...], int] = {}

    def run(self) -> dict[str, int]:
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.found
            if self._peek() == "[":
                self._header()
            else:
                self._key_value(self.table)

    # -- low level -------------------------------------------------------------------------

    def _peek(self, size: int = 1) -> str:
        return self.text[self.pos : self.pos + size]

    def _advance(self, count: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + count]
        self.line += chunk.count("\n")
        self.pos += len(chunk)

    def _skip_blank(self, *, newlines: bool) -> None:
        spaces = " \t\r\n" if newlines else " \t"
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in spaces:
                self._advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self._advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    # -- keys and headers ----------------------------------------------------------------

    def _dotted_key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            parts.append(self._simple_key())
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return tuple(parts)
            self._advance()

    def _simple_key(self) -> str:
        char = self._peek()
        if char in ('"', "'"):
            start = self.pos
            self._string()
            raw = self.text[start + 1 : self.pos - 1]
            return raw.encode().decode("unicode_escape") if char == '"' and "\\" in raw else raw
        match = _BARE_KEY.match(self.text, self.pos)
        if match is None:  # not valid TOML: consume one character so the scan always ends
            self._advance()
            return ""
        self._advance(match.end() - self.pos)
        return match.group()

    def _header(self) -> None:
        line = self.line
        is_array = self._peek(2) == "[["
        self._advance(2 if is_array else 1)
        raw = self._dotted_key()
        self._advance(2 if is_array else 1)
        path = self._indexed(raw)
        if is_array:
            index = self.array_index.get(raw, -1) + 1
            self.array_index[raw] = index
            self.found.setdefault(join(path), line)
            path = (*path[:-1], f"{path[-1]}[{index}]")
            self._forget_nested(raw)
        self.table = path
        self.found.setdefault(join(path), line)

    def _indexed(self, raw: tuple[str, ...]) -> tuple[str, ...]:
        """Give every prefix that is an array of tables its current index."""
        parts: list[str] = []
        for size in range(1, len(raw) + 1):
            name = raw[size - 1]
            index = self.array_index.get(raw[:size])
            parts.append(f"{name}[{index}]" if index is not None and size < len(raw) else name)
        return tuple(parts)

    def _forget_nested(self, raw: tuple[str, ...]) -> None:
        """A new ``[[a]]`` entry restarts the numbering of ``[[a.b]]`` inside it."""
        for key in [k for k in self.array_index if len(k) > len(raw) and k[: len(raw)] == raw]:
            del self.array_index[key]

    def _key_value(self, table: tuple[str, ...]) -> None:
        line = self.line
        path = (*table, *self._dotted_key())
        for size in range(len(table) + 1, len(path) + 1):
            self.found.setdefault(join(path[:size]), line)
        self._skip_blank(newlines=False)
        if self._peek() == "=":
            self._advance()
        self._skip_blank(newlines=False)
        self._value(path)

    # -- values ----------------------------------------------------------------------------

    def _value(self, path: tuple[str, ...]) -> None:
        char = self._peek()
        if char in ('"', "'"):
            self._string()
        elif char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            while self.pos < len(self.text) and self.text[self.pos] not in _SCALAR_END:
                self._advance()

    def _string(self) -> None:
        quote = self._peek()
        delimiter = quote * 3 if self._peek(3) == quote * 3 else quote
        self._advance(len(delimiter))
        while self.pos < len(self.text):
            if quote == '"' and self._peek() == "\\":
                self._advance(2)
            elif self._peek(len(delimiter)) == delimiter:
                self._advance(len(delimiter))
                while len(delimiter) == 3 and self._peek() == quote:  # """a"""" ends with a quote
                    self._advance()
                return
            else:
                self._advance()

    def _array(self, path: tuple[str, ...]) -> None:
        self._advance()
        index = 0
        while self.pos < len(self.text):
            self._skip_blank(newlines=True)
            if self._peek() in ("]", ""):
                break
            element = (*path[:-1], f"{path[-1]}[{index}]")
            self.found.setdefault(join(element), self.line)
            start = self.pos
            self._value(element)
            self._skip_blank(newlines=True)
            if self.pos == start and self._peek() != ",":  # not valid TOML: never loop
                self._advance()
            if self._peek() == ",":
                self._advance()
            index += 1
        self._advance()

    def _inline_table(self, path: tuple[str, ...]) -> None:
        self._advance()
        while self.pos < len(self.text):
            self._skip_blank(newlines=True)
            if self._peek() in ("}", ""):
                break
            if self._peek() == ",":
                self._advance()
                continue
            self._key_value(path)
        self._advance()
