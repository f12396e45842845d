"""Literal containers' values: iterating, indexing and unpacking ``Seq`` and ``Map`` items.

An element keeps its own origin, else takes its container's; an unknown container gives unknown
parts, reported where they are used (``unknown_part``).
"""

from __future__ import annotations

import itertools

from scanner.find.extractors.python.items import (
    Const,
    File,
    Item,
    Items,
    Map,
    Seq,
    Text,
    Unknown,
    dedupe,
    unknown,
    unknown_part,
    with_origin,
)


def iterate(items: Items) -> list[Items]:
    """The possible elements of iterating over any of ``items``."""
    out: list[Items] = []
    for item in items:
        match item:
            case Seq(elements=elements, origin=origin):
                out.extend(with_origin(e, origin) if origin else e for e in elements)
            case Map(entries=entries, origin=origin):
                out.extend(with_origin(k, origin) if origin else k for k, _ in entries)
            case File():  # an open file of the repository: its lines
                out.extend((line,) for line in item.lines())
            case Unknown():
                out.append((unknown_part(item),))
            case _:
                out.append(unknown("iterated value is not a literal collection"))
    return out


def candidates(item: Item) -> Items:
    """Every value a literal collection holds (``registry[key]`` for a key known at run time)."""
    match item:
        case Seq(elements=elements, origin=origin):
            values = tuple(itertools.chain.from_iterable(elements))
        case Map(entries=entries, origin=origin):
            values = tuple(itertools.chain.from_iterable(v for _, v in entries))
        case Unknown():
            return (unknown_part(item),)
        case _:
            return unknown("indexed value is not a literal collection")
    return with_origin(values, origin) if origin else values


def select(items: Items, path: tuple[str, ...]) -> Items:
    """The values at a key path inside ``items`` (``"*"``: each element); a literal dict
    without the key holds nothing there, an unknown value stays unknown."""
    for step in path:
        if step == "*":
            items = tuple(itertools.chain.from_iterable(iterate(items)))
            continue
        found: list[Item] = []
        for item in items:
            if isinstance(item, Unknown):
                found.append(unknown_part(item))
            else:
                found.extend(lookup(item, (Text(step),), default=()))
        items = tuple(found)
    return dedupe(items)


def unpack(element: Items, path: tuple[int, ...]) -> Items:
    """The part of an element a (nested) tuple target binds."""
    for index in path:
        parts: list[Item] = []
        for item in element:
            if isinstance(item, Seq) and index < len(item.elements):
                parts.extend(with_origin(item.elements[index], item.origin)
                             if item.origin else item.elements[index])  # fmt: skip
            elif isinstance(item, Unknown):
                parts.append(item)
            else:
                parts.append(Unknown("unpacked value does not match the target"))
        element = tuple(parts)
    return element


def lookup(item: Item, keys: Items, default: Items | None = None) -> Items:
    """``item[key]`` for each key; ``default`` (for ``.get``) when a key is missing."""
    wanted = {k.value for k in keys if isinstance(k, (Text, Const))}
    found: list[Item] = []
    match item:
        case Seq(elements=elements):
            for key in wanted:
                if isinstance(key, int) and not isinstance(key, bool) and \
                        -len(elements) <= key < len(elements):  # fmt: skip
                    found.extend(elements[key])
        case Map(entries=entries):
            for entry_keys, values in entries:
                if any(isinstance(k, (Text, Const)) and k.value in wanted for k in entry_keys):
                    found.extend(values)
        case Unknown():
            return (unknown_part(item),) if default is None else default
        case _:
            return unknown("indexed value is not a literal collection")
    if not found:
        return unknown("key is not in the collection") if default is None else default
    return with_origin(found, item.origin) if item.origin else tuple(found)


def dict_view(item: Item, view: str) -> Item:
    """``keys()``, ``values()`` or ``items()`` of a literal dict, as a literal sequence."""
    if not isinstance(item, Map):
        return item if isinstance(item, Unknown) else Unknown("not a literal dict")
    match view:
        case "keys":
            return Seq(tuple(k for k, _ in item.entries), item.origin)
        case "values":
            return Seq(tuple(v for _, v in item.entries), item.origin)
    return Seq(tuple((Seq((k, v)),) for k, v in item.entries), item.origin)
