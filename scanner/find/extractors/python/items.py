"""The values the evaluator gives an expression: one item per value it may hold.

``Text`` (a string, with the binding it came from), ``Seq``/``Map`` (literal containers),
``Const`` (numbers, booleans, None, bytes), ``LocalPath`` (a path built at run time, never a Hub
id), ``ModuleRef``/``ClassRef``/``Instance`` (a module, class or object of the repository),
``Loaded`` (what a recognised loader call returns), ``File`` (a file of the repository read at
run time, ``python_files``) and ``Unknown`` (not knowable statically);
with the small helpers every part of the evaluator applies to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import libcst as cst

from scanner.find.extractors.python.scope import ModuleInfo, Scope

MAX_ITEMS = 64  # values kept per expression: a guard reports many, but not a combinatorial blowup


@dataclass(frozen=True, slots=True)
class Origin:
    """The binding a value came from: ``name`` bound at ``target`` in module ``path``."""

    name: str
    path: str
    target: cst.CSTNode


@dataclass(frozen=True, slots=True)
class Text:
    """A string value; ``path`` when it was built as a file-system path; ``site`` is the
    outermost call-site argument that passed it for a parameter (the place naming the model)."""

    value: str
    origin: Origin | None = None
    path: bool = False
    site: Origin | None = None


@dataclass(frozen=True, slots=True)
class Seq:
    """A literal list/tuple/set: each element with its possible values."""

    elements: tuple[tuple[Item, ...], ...]
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Map:
    """A literal dict: (possible keys, possible values) per entry."""

    entries: tuple[tuple[tuple[Item, ...], tuple[Item, ...]], ...]
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Const:
    """A number, bool, None or bytes literal."""

    value: object
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class LocalPath:
    """A path built at run time (``Path(__file__).parent / "x"``): local, not a model id."""

    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class ModuleRef:
    """A module of the repository, bound by ``import config``."""

    module: ModuleInfo
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class defined in a module of the repository."""

    scope: Scope
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Instance:
    """An object of a repository class made by ``call`` (evaluated in ``scope``)."""

    klass: Scope
    call: cst.Call
    scope: Scope
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Loaded:
    """An object a recognised loader call returns (``pipeline(model=model)``): reported there."""

    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known statically; ``site`` is the call-site argument it comes
    from when a caller passes it for a parameter (reported there, not at the use)."""

    reason: str
    origin: Origin | None = None
    site: Origin | None = None


@dataclass(frozen=True, slots=True)
class File:
    """A file of the repository a module reads at run time: its path and text."""

    rel: str
    text: str
    origin: Origin | None = None

    def lines(self) -> Items:
        """Its non-blank lines that are not ``#`` comments, stripped, each a Text."""
        return tuple(
            Text(line.strip(), self.origin)
            for line in self.text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        )


Item = (
    Text | Seq | Map | Const | LocalPath | ModuleRef | ClassRef | Instance | Loaded | File | Unknown
)
Items = tuple[Item, ...]


def unknown(reason: str) -> Items:
    """A single ``Unknown`` item for ``reason``."""
    return (Unknown(reason),)


def with_origin(items: Iterable[Item], origin: Origin) -> Items:
    """Items, each keeping its own origin or else taking ``origin``."""
    return tuple(
        item if item.origin is not None else replace(item, origin=origin) for item in items
    )


def dedupe(items: Iterable[Item]) -> Items:
    """Items without repeats (the first of equal texts, constants or reasons), at most MAX_ITEMS."""
    out: dict[object, Item] = {}
    for item in items:
        key: tuple[object, ...] = (
            type(item),
            item.value if isinstance(item, (Text, Const)) else id(item),
        )
        if isinstance(item, Text) and item.site is not None:
            key = (Text, item.value, id(item.site.target))
        if isinstance(item, Unknown):
            key = (Unknown, item.reason, id(item.site.target) if item.site else None)
        out.setdefault(key, item)
        if len(out) >= MAX_ITEMS:
            break
    return tuple(out.values())


def as_unknown(item: Item, reason: str) -> Item:
    """An unknown (or local path) as is; any other item as ``Unknown(reason)`` of its origin."""
    return item if isinstance(item, (Unknown, LocalPath)) else Unknown(reason, item.origin)


def unknown_part(item: Unknown) -> Unknown:
    """An unknown part (attribute, element) of an unknown value: reported where it is used,
    not at the call site that passed the whole value (``main(args)`` ... ``args.model``)."""
    return item if item.site is None else replace(item, site=None)


def is_undefined(items: Items) -> bool:
    """True when the only item says the name is not defined."""
    return len(items) == 1 and isinstance(items[0], Unknown) and "not defined" in items[0].reason
