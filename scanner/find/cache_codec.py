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


class CorruptEntry(ValueError):
    """A cache entry that is not what this version of the tool writes."""


def encode(extraction: Extraction) -> dict[str, Any]:
    """``extraction`` as JSON-ready data."""
    return {name: plain(getattr(extraction, name)) for name in FIELDS}


def decode(data: object) -> Extraction:
    """The Extraction ``encode`` wrote; CorruptEntry for anything else."""
    if not isinstance(data, dict) or set(data) != set(FIELDS):
        raise CorruptEntry("not an extraction")
    decoded = _decoder(Extraction)(data)
    assert isinstance(decoded, Extraction)
    return decoded


Decoder = Callable[[object], object]


@cache
def _decoder(hint: Any) -> Decoder:
    """The function that reads ``raw`` as ``hint`` says (exact JSON types; enums by value;
    lists as tuples), made once per type: a hook run reads hundreds of entries, thousands of
    records, and working out each value's type from its hint every time cost seconds."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return _union(hint, tuple(_decoder(arm) for arm in get_args(hint)))
    if origin is tuple:
        return _sequence(hint, _decoder(get_args(hint)[0]))
    if hint is type(None):
        return _none
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _record(hint)
    return _exact(hint)


def _union(hint: Any, arms: tuple[Decoder, ...]) -> Decoder:
    def decode(raw: object) -> object:
        for arm in arms:
            try:
                return arm(raw)
            except CorruptEntry:
                continue
        raise CorruptEntry(f"{raw!r} is none of {hint}")

    return decode


def _sequence(hint: Any, item: Decoder) -> Decoder:
    def decode(raw: object) -> object:
        if not isinstance(raw, list):
            raise CorruptEntry(f"{raw!r} is not a list")
        return tuple(map(item, raw))

    return decode


def _none(raw: object) -> object:
    if raw is None:
        return None
    raise CorruptEntry(f"{raw!r} is not None")


def _enum(kind: type[Enum]) -> Decoder:
    members = {member.value: member for member in kind}

    def decode(raw: object) -> object:
        member = members.get(raw) if isinstance(raw, str) else None
        if member is None:
            raise CorruptEntry(f"{raw!r} is not a {kind.__name__}")
        return member

    return decode


def _exact(kind: Any) -> Decoder:
    def decode(raw: object) -> object:
        if type(raw) is not kind:
            raise CorruptEntry(f"{raw!r} is not a {kind}")
        return raw

    return decode


def _record(kind: type) -> Decoder:
    hints = get_type_hints(kind)
    names = tuple(spec.name for spec in dataclasses.fields(kind))
    schema = {name: hints[name] for name in names}
    fields: dict[str, Decoder] = {}

    def decode(raw: object) -> object:
        if not fields:  # filled on first use: a record may nest its own kind
            fields.update({name: _decoder(hint) for name, hint in schema.items()})
        if not isinstance(raw, dict) or not raw.keys() <= fields.keys():
            raise CorruptEntry(f"{kind.__name__}: unexpected fields")
        try:
            return kind(**{name: fields[name](value) for name, value in raw.items()})
        except (TypeError, ValueError) as exc:  # a missing field
            raise CorruptEntry(f"{kind.__name__}: {exc}") from exc

    return decode
