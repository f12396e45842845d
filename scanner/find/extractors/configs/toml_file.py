"""TOML: parsed by ``tomlsafe`` (bounded), then the strings found located in the text.

The standard library parser gives values without positions, so the strings the walker picks are
matched back to the string literals of the text (``locate_toml_strings``, also used for
``pyproject.toml`` dependencies), by key and value, in linear time.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass

from scanner import tomlsafe
from scanner.context import RepoContext
from scanner.find.extractors.configs.lines import line_scan
from scanner.find.extractors.configs.refs import error, extraction
from scanner.find.extractors.configs.tree import Hit, Mapping, Node, Scalar, Sequence, model_values
from scanner.types import Extraction, SourceKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

OWN_TOOL_TABLE = "model-license-guard"
"""``[tool.model-license-guard]`` in pyproject.toml: this tool's policy, never scanned."""

_TOML_TOKEN = re.compile(
    r'(?P<comment>#[^\n]*)|(?P<ml_basic>"""(?:[^\\]|\\.)*?"""(?!"))|(?P<ml_lit>\'\'\'.*?\'\'\'(?!\'))'
    r'|(?P<basic>"(?:[^"\\\n]|\\.)*")|(?P<lit>\'[^\'\n]*\')',
    re.DOTALL,
)

_TOML_KEY_BEFORE = re.compile(
    r"""["']?([\w.-]+)["']?\s*=\s*[\[{]?(?:\s*(?:"(?:[^"\\]|\\.)*"|'[^']*')\s*,)*\s*$"""
)
"""``key = `` (possibly ``key = ["a", ``) right before a string on its line."""

_KEY_WINDOW = 200
"""How far before a string its key is looked for (a longer array: located by value only)."""


def read_toml(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a TOML text small enough to parse (our own tool table aside)."""
    try:
        data = tomlsafe.loads(text)
    except tomlsafe.TomlError as err:
        if err.message.startswith("invalid TOML"):
            return error(path, err.message, err.line)
        return line_scan(path, text, ctx, SourceKind.TOML, f"not parsed: {err.message}", err.line)
    tool = data.get("tool")
    if isinstance(tool, dict):  # our own policy names models it approves, not dependencies
        tool.pop(OWN_TOOL_TABLE, None)
    hits = list(model_values(_from_toml(data)))
    located = locate_toml_strings(text, [(hit.key, hit.scalar.value or "") for hit in hits])
    hits = [
        Hit(hit.key, hit.spec, Scalar(hit.scalar.value, line, column))
        for hit, (line, column) in zip(hits, located, strict=True)
    ]
    return extraction(path, hits, ctx, SourceKind.TOML, "toml.model_key", text)


def _from_toml(value: object) -> Node:
    match value:
        case dict():
            return Mapping(tuple((str(k), _from_toml(v)) for k, v in value.items()))
        case list():
            return Sequence(tuple(_from_toml(v) for v in value))
        case str():
            return Scalar(value, 0, 0)
        case _:
            return Scalar(None, 0, 0)


@dataclass(frozen=True, slots=True)
class TomlString:
    """A TOML string literal: decoded value, 1-based line/column, the key assigned on its line."""

    value: str
    line: int
    column: int
    key: str | None


def toml_strings(text: str) -> list[TomlString]:
    """Every string literal in a (valid) TOML text, in order, with its position."""
    starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]
    out: list[TomlString] = []
    for match in _TOML_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "comment" or kind is None:
            continue
        at = match.start()
        line = bisect_right(starts, at)
        before = text[max(starts[line - 1], at - _KEY_WINDOW) : at]
        key = _TOML_KEY_BEFORE.search(before)
        value = _toml_decode(match.group(), kind)
        out.append(TomlString(value, line, at - starts[line - 1] + 1, key and key.group(1)))
    return out


def _toml_decode(token: str, kind: str) -> str:
    if kind == "lit":
        return token[1:-1]
    if kind == "ml_lit":
        return token[3:-3].removeprefix("\n")
    if kind == "basic" and "\\" not in token:  # nothing to unescape: no parse needed
        return token[1:-1]
    value: str = tomllib.loads(f"v = {token}")["v"]
    return value


def locate_toml_strings(text: str, wanted: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """Line and column for each ``(key, value)`` found by walking the parsed document, in order.

    Strings assigned to the key on their own line win; values in multi-line arrays fall back to
    any string literal with that value. Repeats map to successive occurrences. Strings are
    indexed by value once, so this is linear however many there are.
    """
    strings = toml_strings(text) if wanted else []
    by_value: dict[str, deque[int]] = {}
    by_key: dict[tuple[str, str], deque[int]] = {}
    for i, string in enumerate(strings):
        by_value.setdefault(string.value, deque()).append(i)
        last = (string.key or "").rsplit(".", 1)[-1]
        by_key.setdefault((string.value, last), deque()).append(i)
    used: set[int] = set()
    result: list[tuple[int, int]] = []
    for key, value in wanted:
        last = key.rsplit(".", 1)[-1]
        pick = _first_unused(by_key.get((value, last)), used)
        pick = _first_unused(by_value.get(value), used) if pick is None else pick
        if pick is None:
            result.append((1, 1))
            continue
        used.add(pick)
        result.append((strings[pick].line, strings[pick].column))
    return result


def _first_unused(queue: deque[int] | None, used: set[int]) -> int | None:
    """The first index in ``queue`` not in ``used`` (used ones are dropped: each is seen once)."""
    while queue and queue[0] in used:
        queue.popleft()
    return queue[0] if queue else None
