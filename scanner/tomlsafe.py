"""A safe TOML loader for untrusted text: every failure is one ``TomlError`` with its line.

``tomllib`` recurses once per nesting level (deep arrays raise RecursionError), converts integers
of any length (ValueError past Python's digit limit, quadratic time where there is none), takes
quadratic time on long dotted keys, and reports syntax errors only inside its message. ``loads``
first scans the text once, in linear time, outside strings and comments, for nesting deeper than
``MAX_DEPTH`` and number literals longer than ``MAX_NUMBER_LENGTH``; then ``tomllib`` parses it,
and whatever still goes wrong becomes a ``TomlError`` carrying the 1-based line where known.
"""

from __future__ import annotations

import math
import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

MAX_DEPTH = 100
"""Longest key path accepted (about): each dotted-key part, header part and array level counts."""

MAX_NUMBER_LENGTH = 500
"""Longest number literal accepted, in characters (below 640, Python's lowest digit limit)."""

_BLANK = re.compile(r"[ \t\r]+")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^ \t\r\n,\[\]{}#=\"']+")
_BASIC_STOP = re.compile(r'["\\\n]')
_MULTILINE_BASIC_STOP = re.compile(r'"""|\\')
_LITERAL_STOP = re.compile(r"['\n]")
_AT_LINE = re.compile(r"\s*\(at line (\d+), column \d+\)")
_AT_END = re.compile(r"\s*\(at end of document\)")
_KEY, _VALUE, _AFTER = "key", "value", "after"


class TomlError(ValueError):
    """The text is not TOML this loader accepts; ``line`` is 1-based, or None when unknown."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def loads(text: str) -> dict[str, object]:
    """Parse untrusted TOML ``text``; raise TomlError (with the line where known) on any failure."""
    try:
        scan = _Prescan(text)
        scan.run()
    except MemoryError as exc:
        raise TomlError("TOML document too large to parse", None) from exc
    try:
        data: dict[str, object] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(text, exc) from exc
    except RecursionError as exc:
        raise TomlError("TOML nested too deeply to parse", scan.line_of(scan.deepest)) from exc
    except MemoryError as exc:
        raise TomlError("TOML document too large to parse", None) from exc
    except ValueError as exc:  # a number tomllib could not convert
        raise TomlError(f"cannot convert TOML value: {exc}", scan.line_of(scan.longest)) from exc


def decode(data: bytes) -> str:
    """``data`` decoded as UTF-8 (as TOML requires); raise TomlError at the line of a bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not valid UTF-8: {exc.reason} (byte 0x{data[exc.start]:02x})"
        raise TomlError(message, line) from exc


def _syntax_error(text: str, exc: tomllib.TOMLDecodeError) -> TomlError:
    message = str(exc)
    found = _AT_LINE.search(message)
    if found:
        return TomlError(f"invalid TOML: {message[: found.start()]}", int(found.group(1)))
    end = _AT_END.search(message)
    if end:
        last = text.count("\n") + (0 if text.endswith("\n") else 1)
        return TomlError(f"invalid TOML: {message[: end.start()]}", max(last, 1))
    return TomlError(f"invalid TOML: {message}", None)


class _Prescan:
    """One linear pass that follows TOML's keys, values and brackets, skipping strings/comments.

    It only has to agree with ``tomllib`` on text that ``tomllib`` accepts: past the first error
    it just keeps consuming input (every step consumes at least one character).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.stack: list[tuple[str, int]] = []  # open "[" (level of items) or "{" (key base)
        self.table = 0  # path length of the current [table] header
        self.level = 0  # path length of the value about to be read
        self.deepest = (0, 0)  # (level, position) of the deepest value seen
        self.longest = (0, 0)  # (length, position) of the longest number seen

    def line_of(self, mark: tuple[int, int]) -> int | None:
        """The line of a ``deepest``/``longest`` mark, or None if nothing was seen."""
        return self.text.count("\n", 0, mark[1]) + 1 if mark[0] else None

    def error(self, message: str, pos: int) -> TomlError:
        """A TomlError at the line of ``pos``."""
        return TomlError(message, self.text.count("\n", 0, pos) + 1)

    def run(self) -> None:
        """Scan the whole text; raise TomlError at the first limit exceeded."""
        text, expect = self.text, _KEY
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r":
                self.pos = _end(_BLANK.match(text, self.pos), self.pos)
            elif char == "\n":
                self.pos += 1
                expect = expect if self.stack else _KEY
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif expect == _KEY:
                expect = self._key()
            elif expect == _VALUE:
                expect = self._value()
            else:
                expect = self._after()

    # -- keys ------------------------------------------------------------------------------

    def _key(self) -> str:
        start, char = self.pos, self.text[self.pos]
        if char == "[" and not self.stack:
            self._header()
            return _AFTER
        if char == "}" and self.stack:
            return self._close()
        parts = self._dotted_key()
        if not parts:  # not a key: skip one character
            self.pos = max(self.pos, start + 1)
            return _KEY
        self.level = (self.stack[-1][1] if self.stack else self.table) + parts
        self._reach(self.level, start)
        self._skip_blank()
        if self.text.startswith("=", self.pos):
            self.pos += 1
        return _VALUE

    def _header(self) -> None:
        start = self.pos
        array = self.text.startswith("[[", self.pos)
        self.pos += 2 if array else 1
        self.table = self._dotted_key() + (1 if array else 0)  # [[a]]: a, then an index
        self._reach(self.table, start)
        self._skip_blank()
        close = "]]" if array else "]"
        if self.text.startswith(close, self.pos):
            self.pos += len(close)

    def _dotted_key(self) -> int:
        parts = 0
        while True:
            self._skip_blank()
            if self.text.startswith(('"', "'"), self.pos):
                self._string()
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    return parts
                self.pos = match.end()
            parts += 1
            self._skip_blank()
            if not self.text.startswith(".", self.pos):
                return parts
            self.pos += 1

    def _skip_blank(self) -> None:
        self.pos = _end(_BLANK.match(self.text, self.pos), self.pos)

    # -- values ----------------------------------------------------------------------------

    def _value(self) -> str:
        char = self.text[self.pos]
        if char in "\"'":
            self._string()
            return _AFTER
        if char == "[":
            self._reach(self.level + 1, self.pos)
            self.stack.append(("[", self.level + 1))
            self.level += 1
            self.pos += 1
            return _VALUE
        if char == "{":
            self.stack.append(("{", self.level))
            self.pos += 1
            return _KEY
        if char in "]}" and self.stack:  # [] or a trailing comma
            return self._close()
        self._scalar()
        return _AFTER

    def _after(self) -> str:
        char = self.text[self.pos]
        if char == "," and self.stack:
            self.pos += 1
            bracket, level = self.stack[-1]
            if bracket == "{":
                return _KEY
            self.level = level
            return _VALUE
        if char in "]}" and self.stack:
            return self._close()
        match = _SCALAR.match(self.text, self.pos)  # e.g. the time of "1979-05-27 07:32:00"
        self.pos = _end(match, self.pos + 1)
        return _AFTER

    def _close(self) -> str:
        self.stack.pop()
        self.pos += 1
        return _AFTER

    def _reach(self, level: int, pos: int) -> None:
        if level > MAX_DEPTH:
            raise self.error(f"TOML nested more than {MAX_DEPTH} levels deep", pos)
        if level > self.deepest[0]:
            self.deepest = (level, pos)

    def _scalar(self) -> None:
        match = _SCALAR.match(self.text, self.pos)
        if match is None:  # not a value: skip one character
            self.pos += 1
            return
        token, start = match.group(), self.pos
        self.pos = match.end()
        if token[0] not in "0123456789+-":
            return
        if len(token) > MAX_NUMBER_LENGTH:
            message = f"TOML number too long ({len(token)} characters, at most {MAX_NUMBER_LENGTH})"
            raise self.error(message, start)
        if len(token) > self.longest[0]:
            self.longest = (len(token), start)
        if _overflows(token):
            raise self.error(f"TOML float out of range: {token}", start)

    # -- strings ---------------------------------------------------------------------------

    def _string(self) -> None:
        text, quote = self.text, self.text[self.pos]
        if text.startswith(quote * 3, self.pos):
            self._multiline(quote)
            return
        stop = _BASIC_STOP if quote == '"' else _LITERAL_STOP
        self.pos += 1
        while True:
            match = stop.search(text, self.pos)
            if match is None:
                self.pos = len(text)
                return
            if match.group() == "\\":
                self.pos = match.end() + 1  # skip the escaped character
                continue
            self.pos = match.end() if match.group() == quote else match.start()
            return

    def _multiline(self, quote: str) -> None:
        text = self.text
        self.pos += 3
        if quote == "'":
            end = text.find("'''", self.pos)
            self.pos = len(text) if end < 0 else end + 3
        else:
            while True:
                match = _MULTILINE_BASIC_STOP.search(text, self.pos)
                if match is None:
                    self.pos = len(text)
                    return
                self.pos = match.end() + (1 if match.group() == "\\" else 0)
                if match.group() != "\\":
                    break
        for _ in range(2):  # """a"""" ends with a quote inside the string
            if text.startswith(quote, self.pos):
                self.pos += 1


def _end(match: re.Match[str] | None, default: int) -> int:
    return default if match is None else match.end()


def _overflows(token: str) -> bool:
    """True for a finite float literal too large for a float (``1e999``)."""
    body = token.lstrip("+-")
    if body in ("inf", "nan") or body[:2].lower() in ("0x", "0o", "0b"):
        return False
    if not any(char in body for char in "eE."):
        return False
    try:
        return math.isinf(float(token))
    except ValueError:  # a date, a time or not a number: tomllib decides
        return False
