"""Extractions as JSON and back, for the extraction cache; what is read back is checked field by
field (an entry on disk is never trusted: anything off is ``CorruptEntry``, never a crash)."""

from __future__ import annotations

import dataclasses
import types
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from scanner.types import Extraction, FileError, ModelRef, UnresolvedRef

Record = TypeVar("Record", ModelRef, UnresolvedRef, FileError)


class CorruptEntry(ValueError):
    """A cache entry that is not what this version of the tool writes."""


def encode(extraction: Extraction) -> dict[str, list[dict[str, Any]]]:
    """``extraction`` as JSON-ready data."""
    return {
        "refs": [_record(item) for item in extraction.refs],
        "unresolved": [_record(item) for item in extraction.unresolved],
        "errors": [_record(item) for item in extraction.errors],
    }


def decode(data: object) -> Extraction:
    """The Extraction ``encode`` wrote; CorruptEntry for anything else."""
    if not isinstance(data, dict) or set(data) != {"refs", "unresolved", "errors"}:
        raise CorruptEntry("not an extraction")
    return Extraction(
        refs=_records(ModelRef, data["refs"]),
        unresolved=_records(UnresolvedRef, data["unresolved"]),
        errors=_records(FileError, data["errors"]),
    )


def _record(item: ModelRef | UnresolvedRef | FileError) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in dataclasses.fields(item):
        value = getattr(item, spec.name)
        out[spec.name] = value.value if isinstance(value, Enum) else value
    return out


def _records(kind: type[Record], raw: object) -> tuple[Record, ...]:
    if not isinstance(raw, list):
        raise CorruptEntry(f"{kind.__name__}: not a list")
    return tuple(_decode_record(kind, item) for item in raw)


def _decode_record(kind: type[Record], raw: object) -> Record:
    schema = _SCHEMAS[kind.__name__]
    if not isinstance(raw, dict) or not set(raw) <= schema.keys():
        raise CorruptEntry(f"{kind.__name__}: unexpected fields")
    try:
        values: dict[str, Any] = {n: _value(schema[n], value) for n, value in raw.items()}
        return kind(**values)
    except (TypeError, ValueError) as exc:  # a missing field, a value of the wrong type
        raise CorruptEntry(f"{kind.__name__}: {exc}") from exc


def _value(allowed: tuple[type, ...], raw: object) -> object:
    """``raw`` as one of the ``allowed`` types (exact JSON types; enums by value)."""
    for kind in allowed:
        if issubclass(kind, Enum):
            if isinstance(raw, str):
                try:
                    return kind(raw)
                except ValueError:
                    continue
        elif type(raw) is kind:
            return raw
    raise CorruptEntry(f"{raw!r} is not one of {[k.__name__ for k in allowed]}")


def _schema(kind: type) -> dict[str, tuple[type, ...]]:
    """Each field of a record class with the types its value may have."""
    hints = get_type_hints(kind)
    out: dict[str, tuple[type, ...]] = {}
    for spec in dataclasses.fields(kind):
        hint = hints[spec.name]
        union = get_origin(hint) in (Union, types.UnionType)
        out[spec.name] = tuple(get_args(hint)) if union else (hint,)
    return out


_SCHEMAS = {kind.__name__: _schema(kind) for kind in (ModelRef, UnresolvedRef, FileError)}
