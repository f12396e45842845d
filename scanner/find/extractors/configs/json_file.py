"""JSON, and JSON with comments: validated by ``json``, then value positions read from the text.

``json.loads`` decides whether a file is JSON; a small reader then walks the accepted text once
for line and column of every value. JSONC files (VS Code, dev containers, tsconfig) have their
comments and trailing commas blanked first, so positions are unchanged.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import Any

from scanner.context import RepoContext
from scanner.find.extractors.configs.lines import line_scan
from scanner.find.extractors.configs.refs import error, extraction
from scanner.find.extractors.configs.tree import Mapping, Node, Scalar, Sequence, model_values
from scanner.types import Extraction, SourceKind

JSONC_PATH = re.compile(
    r"(?:^|/)\.(?:vscode|devcontainer)/[^/]+\.json$"
    r"|(?:^|/)(?:devcontainer|\.devcontainer|[jt]sconfig[\w.-]*|\.eslintrc)\.json$"
)
"""Files that are JSON with comments (JSONC) by convention: VS Code, dev containers, tsconfig."""

# A string runs to its quote or the end of its line, a comment to ``*/`` or the end of the text:
# a match started always ends there, so an unclosed one is never rescanned (linear time).
_JSONC_STRING = r'("(?:[^"\\\n]|\\[^\n])*(?:"|\\?(?:(?=\n)|\Z)))'
_JSONC_COMMENT = re.compile(_JSONC_STRING + r"|//[^\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/|\Z)")
_JSONC_COMMA = re.compile(_JSONC_STRING + r"|,(?=\s*[}\]])")

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_LITERAL = re.compile(r"[^\s,\]}]+")
_JSON_SPACE = re.compile(r"\s*")


def read_json(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a JSON (or, by its path, JSONC) text small enough to parse."""
    if JSONC_PATH.search(path):
        text = blank_jsonc(text)
    try:
        _json_check(text)
        root = _JsonReader(text).document()
    except json.JSONDecodeError as err:
        return error(path, f"invalid JSON: {err.msg}", err.lineno)
    except RecursionError:
        return line_scan(path, text, ctx, SourceKind.JSON, "not parsed: JSON nested too deeply")
    hits = list(model_values(root))
    return extraction(path, hits, ctx, SourceKind.JSON, "json.model_key", text)


def _json_check(text: str) -> None:
    """Raise JSONDecodeError unless ``text`` is JSON; a number too long for ``int`` is fine."""
    try:
        json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        json.loads(text, parse_int=len)


def blank_jsonc(text: str) -> str:
    """JSONC -> JSON: comments and trailing commas become spaces (lines and columns unchanged).

    An unclosed ``/*`` comment runs to the end of the text.
    """
    for noise in (_JSONC_COMMENT, _JSONC_COMMA):
        text = noise.sub(lambda m: m.group(1) or re.sub(r"[^\n]", " ", m.group()), text)
    return text


class _JsonReader:
    """Positions for a document ``json.loads`` already accepted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [i for i, char in enumerate(text) if char == "\n"]

    def document(self) -> Node:
        """The whole document as a positional tree."""
        self._space()
        return self._value()

    def _space(self) -> None:
        match = _JSON_SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def _value(self) -> Node:
        char = self.text[self.pos]
        if char == "{":
            return Mapping(tuple(self._members("}", self._pair)))
        if char == "[":
            return Sequence(tuple(self._members("]", self._value)))
        line = bisect_right(self.newlines, self.pos - 1) + 1
        start = self.newlines[line - 2] + 1 if line > 1 else 0
        column = self.pos - start + 1
        if char == '"':
            return Scalar(self._string(), line, column)
        literal = _JSON_LITERAL.match(self.text, self.pos)
        self.pos = literal.end() if literal else self.pos + 1
        return Scalar(None, line, column)

    def _members(self, close: str, item: Callable[[], Any]) -> Iterator[Any]:
        self.pos += 1
        self._space()
        while self.text[self.pos] != close:
            yield item()
            self._space()
            if self.text[self.pos] == ",":
                self.pos += 1
                self._space()
        self.pos += 1

    def _pair(self) -> tuple[str, Node]:
        key = self._string()
        self._space()
        self.pos += 1  # the colon
        self._space()
        return key, self._value()

    def _string(self) -> str:
        match = _JSON_STRING.match(self.text, self.pos)
        assert match is not None  # the document is valid JSON
        self.pos = match.end()
        value: str = json.loads(match.group())
        return value
