"""YAML: safe composition into the positional tree, aliases shared and bounded, never expanded.

Files are only composed with ``SafeLoader`` (nodes, never objects). An aliased node is converted
once and shared; the size an alias-expanding loader would build is counted (capped at
``MAX_YAML_EXPANSION``) so an alias bomb is reported, and a node inside itself is cut and reported.
"""

from __future__ import annotations

import yaml

from scanner.context import RepoContext
from scanner.find.extractors.configs.lines import line_scan
from scanner.find.extractors.configs.refs import error, extraction
from scanner.find.extractors.configs.tree import Mapping, Node, Scalar, Sequence, model_values
from scanner.types import Extraction, FileError, SourceKind

MAX_YAML_EXPANSION = 1_000_000
"""Nodes a YAML file's aliases may expand to before it is reported as an alias bomb."""

_CORE_TAG = "tag:yaml.org,2002:"


def read_yaml(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a YAML text (every document) small enough to parse.

    Aliases are never expanded: an aliased node is one shared node, read once (per kind of key
    above it); a file whose aliases would expand past ``MAX_YAML_EXPANSION`` nodes, or that
    refers to itself, is read that way and reported.
    """
    tree = _YamlTree()
    try:
        roots = [tree.convert(node) for node in yaml.compose_all(text, Loader=yaml.SafeLoader)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        return error(path, f"invalid YAML: {err.problem or err.context}", line)
    except yaml.YAMLError as err:
        return error(path, f"invalid YAML: {err}", None)
    except RecursionError:
        return line_scan(path, text, ctx, SourceKind.YAML, "not parsed: YAML nested too deeply")
    hits = [hit for root in roots if root is not None for hit in model_values(root)]
    found = extraction(path, hits, ctx, SourceKind.YAML, "yaml.model_key", text)
    return Extraction(refs=found.refs, errors=tuple(FileError(path, p) for p in tree.problems()))


class _YamlTree:
    """Composed YAML nodes -> the positional tree, each node converted once (aliases shared).

    ``expanded`` counts the nodes an alias-expanding loader would build (capped), so an alias
    bomb is reported without ever being expanded; a node inside itself is cut, and reported.
    """

    def __init__(self) -> None:
        self.memo: dict[int, tuple[Node, int]] = {}
        self.active: set[int] = set()
        self.expanded = 0
        self.cycles = 0

    def convert(self, node: yaml.Node) -> Node:
        """The tree for one document's root node (nodes of earlier documents may be gone)."""
        self.memo = {}
        result, size = self._node(node)
        self.expanded = min(self.expanded + size, MAX_YAML_EXPANSION + 1)
        return result

    def problems(self) -> list[str]:
        """What to report about the file's aliases (nothing for ordinary anchors)."""
        found = []
        if self.expanded > MAX_YAML_EXPANSION:
            found.append(
                f"YAML aliases expand to over {MAX_YAML_EXPANSION:,} nodes (an alias bomb?): "
                "not expanded, each aliased node read once"
            )
        if self.cycles:
            found.append("YAML alias inside its own anchor (a recursive node): the cycle is cut")
        return found

    def _node(self, node: yaml.Node) -> tuple[Node, int]:
        """The converted node and its expanded size, converting each composed node once."""
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        if key in self.active:  # `&a [*a]`: the node contains itself
            self.cycles += 1
            return Scalar(None, node.start_mark.line + 1, node.start_mark.column + 1), 1
        self.active.add(key)
        result = self._build(node)
        self.active.discard(key)
        self.memo[key] = result
        return result

    def _build(self, node: yaml.Node) -> tuple[Node, int]:
        """Convert one node whose children may already be converted (shared through aliases)."""
        if isinstance(node, yaml.MappingNode):
            pairs = [
                (k.value, self._node(v)) for k, v in node.value if isinstance(k, yaml.ScalarNode)
            ]
            size = 1 + sum(size for _, (_, size) in pairs)
            return Mapping(tuple((k, child) for k, (child, _) in pairs)), _capped(size)
        if isinstance(node, yaml.SequenceNode):
            items = [self._node(item) for item in node.value]
            size = 1 + sum(size for _, size in items)
            return Sequence(tuple(child for child, _ in items)), _capped(size)
        # a string, or a string under an application tag (`!Ref name`): read as text
        is_str = node.tag == _CORE_TAG + "str" or not node.tag.startswith(_CORE_TAG)
        mark = node.start_mark
        return Scalar(str(node.value) if is_str else None, mark.line + 1, mark.column + 1), 1


def _capped(size: int) -> int:
    """``size`` capped just over the limit (an exponential count never becomes a huge int)."""
    return min(size, MAX_YAML_EXPANSION + 1)
