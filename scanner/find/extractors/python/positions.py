"""1-based line/column of chosen libcst nodes, at a fraction of PositionProvider's cost.

libcst's PositionProvider records a range for every node (measured: about twice the parse time).
Here one code generation pass counts characters and records only the start offset of the nodes
asked for; offsets become line/column through the module's own text (libcst round-trips it
exactly). The start of an expression is its first character (for a string: the opening quote).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile("\n")
_NOTHING: AbstractContextManager[None] = nullcontext()


@dataclass(slots=True)
class _OffsetState(CodegenState):
    """A codegen state that only counts characters and notes where target nodes start."""

    offset: int = 0
    targets: frozenset[int] = frozenset()
    found: dict[int, int] = field(default_factory=dict)

    def add_token(self, value: str) -> None:
        self.offset += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.offset += len(token)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> AbstractContextManager[None]:
        return _NOTHING  # libcst's own is a generator per node: a third of the pass

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.targets:
            self.found.setdefault(id(node), self.offset)
            if len(self.found) == len(self.targets):
                raise _AllFound


class _AllFound(Exception):
    """Stops code generation once every target's offset is known."""


def positions(
    tree: cst.Module, text: str, nodes: Iterable[cst.CSTNode]
) -> dict[int, tuple[int, int]]:
    """Map ``id(node)`` to its 1-based (line, column) for each of ``nodes`` in ``tree``."""
    targets = frozenset(id(node) for node in nodes)
    if not targets:
        return {}
    state = _OffsetState(
        default_indent=tree.default_indent, default_newline=tree.default_newline, targets=targets
    )
    with suppress(_AllFound):
        tree._codegen(state)
    starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
    bom = 1 if text.startswith("\ufeff") else 0  # libcst drops a byte order mark
    out: dict[int, tuple[int, int]] = {}
    for key, found in state.found.items():
        offset = found + bom
        line = bisect.bisect_right(starts, offset)
        out[key] = (line, offset - starts[line - 1] + 1)
    return out
