"""Extractions as JSON and back, for the extraction cache; what is read back is checked field by
field against the records' type hints (an entry on disk is never trusted: anything off is
``CorruptEntry``, never a crash). Records nest (a reference's training places, their privacy
evidence), so the codec follows the hints: dataclasses, enums, tuples, optional values."""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from scanner.types import Extraction, plain

FIELDS = ("refs", "unresolved", "errors", "uses")
PLACED = ("refs", "unresolved", "uses")  # the fields whose records are placed in a file


class CorruptEntry(ValueError):
    """A cache entry that is not what this version of the tool writes."""


def encode(extraction: Extraction) -> dict[str, Any]:
    """``extraction`` as JSON-ready data."""
    return {name: plain(getattr(extraction, name)) for name in FIELDS}


def decode(data: object, within: frozenset[str] | None = None) -> Extraction:
    """The Extraction ``encode`` wrote; CorruptEntry for anything else. ``within``: only the
    references, unresolved values and places in those files are read (every error is)."""
    if not isinstance(data, dict) or set(data) != set(FIELDS):
        raise CorruptEntry("not an extraction")
    if within is not None:
        data = {
            name: _within(data[name], within) if name in PLACED else data[name] for name in FIELDS
        }
    decoded = _value(Extraction, data)
    assert isinstance(decoded, Extraction)
    return decoded


def _within(items: object, paths: frozenset[str]) -> object:
    """The items of a list of records whose ``path`` is one of ``paths`` (anything else is
    left to ``_value`` to reject)."""
    if not isinstance(items, list):
        return items
    return [item for item in items if not isinstance(item, dict) or item.get("path") in paths]


def _value(hint: Any, raw: object) -> object:
    """``raw`` read as ``hint`` says (exact JSON types; enums by value; lists as tuples)."""
    return _decoder(hint)(raw)


Decoder = Callable[[object], object]


@cache
def _decoder(hint: Any) -> Decoder:
    """The function that reads a value of type ``hint``, worked out once per hint (a hook
    run reads hundreds of entries: their values are not matched against hints one by one)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return _union(get_args(hint))
    if origin is tuple:
        return _tuple(_decoder(get_args(hint)[0]))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda raw: _record(hint, raw)
    return _exact(hint)


def _union(arms: tuple[Any, ...]) -> Decoder:
    """The first arm that reads the value (one type test when every arm is a plain type)."""
    if all(_is_plain(arm) for arm in arms):
        return _exact(*arms)
    decoders = [_decoder(arm) for arm in arms]

    def read(raw: object) -> object:
        for decode in decoders:
            try:
                return decode(raw)
            except CorruptEntry:
                continue
        raise CorruptEntry(f"{raw!r} is none of {arms}")

    return read


def _is_plain(hint: Any) -> bool:
    """A type read as itself: no enum, record, tuple or union."""
    return (
        isinstance(hint, type)
        and get_origin(hint) is None
        and not issubclass(hint, Enum)
        and not dataclasses.is_dataclass(hint)
    )


def _exact(*kinds: type) -> Decoder:
    """A value whose type is exactly one of ``kinds`` (``NoneType`` for None), as it is."""

    def read(raw: object) -> object:
        if type(raw) in kinds:
            return raw
        raise CorruptEntry(f"{raw!r} is not a {kinds}")

    return read


def _tuple(item: Decoder) -> Decoder:
    def read(raw: object) -> object:
        if not isinstance(raw, list):
            raise CorruptEntry(f"{raw!r} is not a list")
        return tuple(map(item, raw))

    return read


def _enum(kind: type[Enum]) -> Decoder:
    def read(raw: object) -> object:
        if isinstance(raw, str):
            try:
                return kind(raw)
            except ValueError:
                pass
        raise CorruptEntry(f"{raw!r} is not a {kind}")

    return read


def _record(kind: type, raw: object) -> object:
    schema = _fields(kind)
    if not isinstance(raw, dict) or not raw.keys() <= schema.keys():
        raise CorruptEntry(f"{kind.__name__}: unexpected fields")
    values = {name: schema[name](value) for name, value in raw.items()}
    try:
        return kind(**values)
    except (TypeError, ValueError) as exc:  # a missing field
        raise CorruptEntry(f"{kind.__name__}: {exc}") from exc


@cache
def _fields(kind: type) -> dict[str, Decoder]:
    """Each field of a record class with the decoder of its type hint."""
    return {name: _decoder(hint) for name, hint in _schema(kind).items()}


@cache
def _schema(kind: type) -> dict[str, Any]:
    """Each field of a record class with its type hint."""
    hints = get_type_hints(kind)
    return {spec.name: hints[spec.name] for spec in dataclasses.fields(kind)}
