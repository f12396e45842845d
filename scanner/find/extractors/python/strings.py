"""Strings built from values: concatenations, path joins and filled format templates.

Every combination of one text per part is kept (up to ``MAX_ITEMS``); a part that is not text
makes the result unknown, and a part that is a local path makes it a local path.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from scanner.find.extractors.python.format import Field, Piece
from scanner.find.extractors.python.items import (
    MAX_ITEMS,
    Const,
    Item,
    Items,
    LocalPath,
    Text,
    Unknown,
    as_unknown,
    unknown,
)


def concat(pieces: Sequence[Items], *, path: bool = False, sep: str = "") -> Items:
    """Every concatenation of one text from each piece (any non-text makes it unknown)."""
    for piece in pieces:
        for item in piece:
            if isinstance(item, LocalPath) or (path and not isinstance(item, Text)):
                return (LocalPath(),)  # a string built from a path is a path
            if isinstance(item, Unknown):
                return (item,)
            if not isinstance(item, Text):
                return unknown("part of the string is not text")
    texts = [[item for item in piece if isinstance(item, Text)] for piece in pieces]
    out: list[Item] = []
    for combo in itertools.islice(itertools.product(*texts), MAX_ITEMS):
        origin = next((t.origin for t in combo if t.origin is not None), None)
        joined = sep.join(t.value for t in combo if t.value or not sep)
        out.append(Text(joined, origin, path or any(t.path for t in combo)))
    return tuple(out)


def fill(templates: Items, parse: Callable[[str], list[Piece] | None],
         positional: list[Items], keywords: dict[str, Items]) -> Items:  # fmt: skip
    """Every string made by filling each text template with the argument values."""
    out: list[Item] = []
    for template in templates:
        if not isinstance(template, Text):
            out.append(as_unknown(template, "format template is not text"))
            continue
        pieces = parse(template.value)
        if pieces is None:
            out.append(Unknown("string is formatted at run time", template.origin))
            continue
        parts: list[Items] = []
        for piece in pieces:
            match piece:
                case str():
                    parts.append((Text(piece),))
                case Field(key=int() as index) if index < len(positional):
                    parts.append(as_text(positional[index]))
                case Field(key=str() as name) if name in keywords:
                    parts.append(as_text(keywords[name]))
                case _:
                    parts.append(unknown("format field has no argument"))
        out.extend(concat(parts))
    return tuple(out)


def as_text(items: Items) -> Items:
    """Numbers, booleans and None as ``str()`` makes them, for formatting."""
    return tuple(
        Text(str(i.value), i.origin)
        if isinstance(i, Const) and not isinstance(i.value, bytes)
        else i
        for i in items
    )
