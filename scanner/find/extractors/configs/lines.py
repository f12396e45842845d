"""The line scanner for configs that cannot be parsed (oversized, nested too deeply, huge numbers).

It reads each line once, in linear time whatever the text, and finds only one-line pairs
(``key: value``, ``"key": "value"``, ``key = "value"``) of the same model keys (``keys``); the
values are classified as in a parsed file. The result carries a FileError saying why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from scanner.context import RepoContext
from scanner.find.extractors.configs.keys import KeySpec, key_spec, normalise_key
from scanner.find.extractors.configs.values import Classifier
from scanner.types import Extraction, FileError, ModelRef, SourceKind

_LINE_KEY = re.compile(
    r"""(?<![\w"'.-])(?:"(?P<dq>[^"\\\n]{1,100})"|'(?P<sq>[^'\n]{1,100})'"""
    r"""|(?P<bare>[A-Za-z_][\w.-]{0,99}))[ \t]*[:=][ \t]*"""
)
"""``key:`` / ``"key":`` / ``key =``, tried only where a key can start (each position once)."""

_LINE_VALUE = re.compile(
    r""""(?P<dq>(?:[^"\\\n]|\\.){0,300})(?P<close>"?)|'(?P<sq>[^'\n]{0,300})(?P<sclose>'?)"""
    r"""|(?P<bare>[^\s"'#,{}\[\]&*!|>][^\s#,{}\[\]]{0,299})"""
)
"""A value right after a model key; it never fails once started, so no text is read twice."""


def line_scan(
    path: str, text: str, ctx: RepoContext, source: SourceKind, reason: str, line: int | None = None
) -> Extraction:
    """Model keys' values found line by line (linear time) in a config that was not parsed.

    Only ``key: value`` / ``"key": "value"`` / ``key = "value"`` pairs on one line are seen
    (not lists or mappings under a key); values are classified as in a parsed file.
    """
    error = FileError(path, f"{reason}: scanned line by line", line)
    return Extraction(refs=line_refs(path, text, ctx, source), errors=(error,))


def line_refs(path: str, text: str, ctx: RepoContext, source: SourceKind) -> tuple[ModelRef, ...]:
    """The references of one-line model key pairs; what an INI file (``setup.cfg``) holds."""
    extractor = f"{source.value}.model_key"
    classified = Classifier(path, ctx)
    refs: list[ModelRef] = []
    for number, value, column, spec in _line_values(text):
        found = classified(value, spec)
        if found is not None:
            refs.append(ModelRef(path, number, column, found.kind, found.raw, extractor, source,
                                 provider=found.provider))  # fmt: skip
    return tuple(refs)


def _line_values(text: str) -> Iterator[tuple[int, str, int, KeySpec]]:
    """``(line, value, column, spec)`` for each one-line value of a model key, in order."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("#", ";")):
            continue  # a comment (INI writes them with ";" too)
        pos = 0
        while (key := _LINE_KEY.search(line, pos)) is not None:
            pos = key.end()
            name = key.group("dq") or key.group("sq") or key.group("bare").rsplit(".", 1)[-1]
            spec = key_spec(normalise_key(name))
            value = _LINE_VALUE.match(line, pos) if spec is not None else None
            if spec is None or value is None:
                continue
            pos = max(value.end(), pos)
            decoded = _line_value(value)
            if decoded is not None:
                yield number, decoded, value.start() + 1, spec


def _line_value(match: re.Match[str]) -> str | None:
    """The text of a matched value; None for an unclosed (or undecodable) quoted value."""
    if match.group("bare") is not None:
        return match.group("bare")
    if match.group("sq") is not None:
        return match.group("sq").replace("''", "'") if match.group("sclose") else None
    if not match.group("close"):
        return None
    try:
        value = json.loads(f'"{match.group("dq")}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None
