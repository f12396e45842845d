"""Files of the repository read at run time: the ids a script loads from ``models.txt``.

``open("data/models.txt")`` (or ``Path("x").read_text()``) of a file the repository holds is a
``File`` item: iterating it gives its lines (blank lines and ``#`` comments skipped), ``read()``
its text, ``readlines()`` its lines; ``json.load``/``yaml.safe_load``/``tomllib.load`` of it (or
of its text) give its data as literal containers (``Seq``/``Map``/``Text``), read by the
configuration readers' safe parsers (YAML aliases shared, never expanded). A path is looked up
from the repository root, then from the folder of the module that opens it. A file that is not
in the repository is an ``Unknown`` naming it, so the reference is reported as unresolved.
"""

from __future__ import annotations

import json
import posixpath

import yaml

from scanner import tomlsafe
from scanner.context import RepoContext
from scanner.find.extractors.configs.json_file import _JsonReader
from scanner.find.extractors.configs.toml_file import _from_toml
from scanner.find.extractors.configs.tree import Mapping, Node, Scalar, Sequence
from scanner.find.extractors.configs.yaml_file import _YamlTree
from scanner.find.extractors.python.items import (
    Const,
    File,
    Item,
    Items,
    LocalPath,
    Map,
    Origin,
    Seq,
    Text,
    Unknown,
)

DATA_LOADERS: dict[str, str] = {
    "json.load": "json", "json.loads": "json", "yaml.safe_load": "yaml", "yaml.load": "yaml",
    "yaml.full_load": "yaml", "yaml.unsafe_load": "yaml", "tomllib.load": "toml",
    "tomllib.loads": "toml", "tomli.load": "toml", "tomli.loads": "toml", "toml.load": "toml",
    "toml.loads": "toml",
}  # fmt: skip
"""Calls that parse a file (or its text) into data, and the format they read."""

OPENERS = frozenset({"open", "io.open", "codecs.open"})
"""Calls that open the file their first argument names."""

_FORMATS = {".json": "json", ".jsonl": "lines", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}


def open_files(ctx: RepoContext, module: str, names: Items, origin: Origin) -> Items:
    """The files a path value names, or an Unknown naming a path not in the repository."""
    out: list[Item] = []
    for name in names:
        match name:
            case Text(value=value):
                rel = _located(ctx, module, value)
                text = ctx.read_text(rel) if rel is not None else None
                if rel is None or text is None:
                    why = f"ids are read at run time from {value}, not a file of the repository"
                    out.append(Unknown(why))
                else:
                    where = Origin(f"{rel} (read at run time)", origin.path, origin.target)
                    out.append(File(rel, text, where))
            case LocalPath():
                out.append(Unknown("ids are read at run time from a path built at run time"))
            case _:
                out.append(Unknown("ids are read at run time from a file not known statically"))
    return tuple(out)


def _located(ctx: RepoContext, module: str, value: str) -> str | None:
    """The repository path of ``value``: from the root, else from the module's folder."""
    text = value.strip().replace("\\", "/")
    if not text or text.startswith(("/", "~", "$")) or ":" in text:
        return None
    for candidate in (text, posixpath.join(posixpath.dirname(module), text)):
        rel = posixpath.normpath(candidate)
        if not rel.startswith("..") and ctx.exists(rel) and not ctx.is_dir(rel):
            return rel
    return None


def parse(source: Item, loader: str) -> Items:
    """The data a loader (``json.load`` ...) reads from a file or a text; Unknown if invalid."""
    match source:
        case File(rel=rel, text=text, origin=origin):
            fmt = DATA_LOADERS.get(loader) or _FORMATS.get(posixpath.splitext(rel)[1], "json")
            return _parsed(text, fmt, origin, rel)
        case Text(value=text, origin=origin):
            return _parsed(text, DATA_LOADERS.get(loader, "json"), origin, "a string")
        case Unknown():
            return (source,)
    return (Unknown("parsed value is not a file of the repository"),)


def _parsed(text: str, fmt: str, origin: Origin | None, what: str) -> Items:
    try:
        tree = _tree(text, fmt)
    except (ValueError, yaml.YAMLError, RecursionError):
        return (Unknown(f"{what} is not valid {fmt.upper()}"),)
    return tuple(_items(root, origin) for root in tree if root is not None)


def _tree(text: str, fmt: str) -> list[Node | None]:
    match fmt:
        case "yaml":
            tree = _YamlTree()
            return [tree.convert(node) for node in yaml.compose_all(text, Loader=yaml.SafeLoader)]
        case "toml":
            return [_from_toml(tomlsafe.loads(text))]
    json.loads(text)  # raises on invalid JSON; the reader below keeps positions, not values
    return [_JsonReader(text).document()]


def _items(node: Node, origin: Origin | None) -> Item:
    """A configuration tree node as the evaluator's literal items."""
    match node:
        case Scalar(value=None):
            return Const(None, origin)
        case Scalar(value=str() as value):
            return Text(value, origin)
        case Sequence(items=items):
            return Seq(tuple((_items(n, origin),) for n in items), origin)
        case Mapping(items=items):
            return Map(tuple(((Text(k, origin),), (_items(v, origin),)) for k, v in items), origin)
    return Const(None, origin)
