"""Extractions as JSON and back, for the extraction cache; what is read back is checked field by
field against the records' type hints (an entry on disk is never trusted: anything off is
``CorruptEntry``, never a crash). Records nest (a reference's training places, their privacy
evidence), so the codec follows the hints: dataclasses, enums, tuples, optional values."""

from __future__ import annotations

import dataclasses
import types
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from scanner.types import Extraction, plain

FIELDS = ("refs", "unresolved", "errors", "uses")


class CorruptEntry(ValueError):
    """A cache entry that is not what this version of the tool writes."""


def encode(extraction: Extraction) -> dict[str, Any]:
    """``extraction`` as JSON-ready data."""
    return {name: plain(getattr(extraction, name)) for name in FIELDS}


def decode(data: object) -> Extraction:
    """The Extraction ``encode`` wrote; CorruptEntry for anything else."""
    if not isinstance(data, dict) or set(data) != set(FIELDS):
        raise CorruptEntry("not an extraction")
    decoded = _value(Extraction, data)
    assert isinstance(decoded, Extraction)
    return decoded


def _value(hint: Any, raw: object) -> object:
    """``raw`` read as ``hint`` says (exact JSON types; enums by value; lists as tuples)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        for arm in get_args(hint):
            try:
                return _value(arm, raw)
            except CorruptEntry:
                continue
        raise CorruptEntry(f"{raw!r} is none of {hint}")
    if origin is tuple:
        if not isinstance(raw, list):
            raise CorruptEntry(f"{raw!r} is not a list")
        return tuple(_value(get_args(hint)[0], item) for item in raw)
    if hint is type(None):
        if raw is None:
            return None
    elif isinstance(hint, type) and issubclass(hint, Enum):
        if isinstance(raw, str):
            try:
                return hint(raw)
            except ValueError:
                pass
    elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _record(hint, raw)
    elif type(raw) is hint:
        return raw
    raise CorruptEntry(f"{raw!r} is not a {hint}")


def _record(kind: type, raw: object) -> object:
    schema = _schema(kind)
    if not isinstance(raw, dict) or not set(raw) <= schema.keys():
        raise CorruptEntry(f"{kind.__name__}: unexpected fields")
    values = {name: _value(schema[name], value) for name, value in raw.items()}
    try:
        return kind(**values)
    except (TypeError, ValueError) as exc:  # a missing field
        raise CorruptEntry(f"{kind.__name__}: {exc}") from exc


@cache
def _schema(kind: type) -> dict[str, Any]:
    """Each field of a record class with its type hint."""
    hints = get_type_hints(kind)
    return {spec.name: hints[spec.name] for spec in dataclasses.fields(kind)}
