"""The positional tree the three formats are read into, and the one walker over it.

YAML, JSON and TOML each become ``Scalar`` / ``Mapping`` / ``Sequence`` nodes; ``model_values``
applies the key tables (``keys``) to any of them, so the formats agree on what a model key is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner.find.extractors.configs.keys import KeySpec, child_spec
from scanner.find.extractors.packages import SPACY_PIPELINE, command_models


@dataclass(frozen=True, slots=True)
class Scalar:
    """A leaf; ``value`` is None unless it is a string. ``line`` 0 means not located yet."""

    value: str | None
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Mapping:
    """A mapping with string keys, in document order."""

    items: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Sequence:
    """A list."""

    items: tuple[Node, ...]


Node = Scalar | Mapping | Sequence


@dataclass(frozen=True, slots=True)
class Hit:
    """A string value under a model key, or (``spec`` None) a command or spaCy name elsewhere."""

    key: str
    spec: KeySpec | None
    scalar: Scalar


def model_values(root: Node) -> Iterator[Hit]:
    """Every string under a model key, including lists and ``{name: ...}`` mappings below one.

    Strings under no model key are yielded too (``spec`` None) when they may name a model on
    their own: a shell command (``pip install``, ``spacy download``) or a strict spaCy name.
    """
    seen: set[tuple[int, KeySpec | None]] = set()
    stack: list[tuple[Node, str, KeySpec | None]] = [(root, "", None)]
    while stack:
        node, key, spec = stack.pop()
        if (id(node), spec) in seen:  # YAML aliases share nodes: each is visited once per spec
            continue
        seen.add((id(node), spec))
        match node:
            case Scalar(value=str() as value) if spec is not None or free_candidate(value):
                yield Hit(key, spec, node)
            case Sequence(items=items):
                stack.extend((item, key, spec) for item in reversed(items))
            case Mapping(items=items):
                stack.extend((child, k, child_spec(k, spec)) for k, child in reversed(items))


def free_candidate(value: str) -> bool:
    """True for a string that may name a model under any key: a command or a spaCy pipeline."""
    return bool(SPACY_PIPELINE.fullmatch(value.strip())) or bool(command_models(value))
