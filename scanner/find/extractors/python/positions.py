"""1-based line/column of chosen libcst nodes, at a fraction of PositionProvider's cost.

libcst's PositionProvider records a range for every node (measured: about twice the parse time).
Here one code generation pass counts characters and records only the start offset of the nodes
asked for; offsets become line/column through the module's own text (libcst round-trips it
exactly). The start of an expression is its first character (for a string: the opening quote).
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile("\n")
_NOTHING: AbstractContextManager[None] = nullcontext()
EMPTY: Mapping[int, int] = MappingProxyType({})
_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_SPACING = frozenset({"lpar", "rpar", "comma", "semicolon", "leading_lines", "header", "footer",
                      "lines_after_decorators", "newline", "trailing_whitespace"})  # fmt: skip
_SPACE_NODES = (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.Newline,
                cst.TrailingWhitespace, cst.Comma, cst.LeftParen, cst.RightParen)  # fmt: skip


@dataclass(slots=True)
class _OffsetState(CodegenState):
    """A codegen state that only counts characters and notes where target nodes start."""

    offset: int = 0
    targets: frozenset[int] = frozenset()
    found: dict[int, int] = field(default_factory=dict)
    stop: bool = True  # stop as soon as every target is found

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
            if self.stop and len(self.found) == len(self.targets):
                raise _AllFound


class _AllFound(Exception):
    """Stops code generation once every target's offset is known."""


def positions(
    tree: cst.Module, text: str, nodes: Iterable[cst.CSTNode], lines: Mapping[int, int] = EMPTY
) -> dict[int, tuple[int, int]]:
    """Map ``id(node)`` to its 1-based (line, column) for each of ``nodes`` in ``tree``.

    ``lines``: the line the code of each statement starts on, by ``id`` (``statement_lines``);
    then only the innermost statements that hold a node are generated, from where they start
    in ``text``, each node checked against the text found there (else the whole module is)."""
    targets = frozenset(id(node) for node in nodes)
    if not targets:
        return {}
    starts = [0, *(match.end() for match in _NEWLINE.finditer(text))]
    bom = 1 if text.startswith("\ufeff") else 0  # libcst drops a byte order mark
    found: dict[int, int] | None = None
    if lines:
        found = _Partial(tree, text, starts, bom, lines).run(targets)
    if found is None:
        state = _state(tree, targets)
        with suppress(_AllFound):
            tree._codegen(state)
        found = state.found
    out: dict[int, tuple[int, int]] = {}
    for key, at in found.items():
        offset = at + bom
        line = bisect.bisect_right(starts, offset)
        out[key] = (line, offset - starts[line - 1] + 1)
    return out


def _state(
    tree: cst.Module, targets: frozenset[int], offset: int = 0, stop: bool = True
) -> _OffsetState:
    return _OffsetState(default_indent=tree.default_indent, default_newline=tree.default_newline,
                        offset=offset, targets=targets, stop=stop)  # fmt: skip


class _Mismatch(Exception):
    """A statement's code did not land where its line said: the whole module is generated."""


@dataclass(frozen=True, slots=True)
class _Place:
    """A statement ``positions`` may generate alone: its block's indentation, the next one."""

    statement: cst.CSTNode
    indents: tuple[str, ...]
    following: cst.CSTNode | None


@dataclass(slots=True)
class _Partial:
    """Offsets from the statements that hold the targets, generated from their own start."""

    tree: cst.Module
    text: str
    starts: list[int]
    bom: int
    lines: Mapping[int, int]
    nodes: dict[int, cst.CSTNode] = field(default_factory=dict)
    found: dict[int, int] = field(default_factory=dict)

    def run(self, targets: frozenset[int]) -> dict[int, int] | None:
        try:
            for place, held in self.places(targets).values():
                self.generate(place, frozenset(held))
        except _Mismatch:
            return None
        return self.found if len(self.found) == len(targets) else None

    def places(self, targets: frozenset[int]) -> dict[int, tuple[_Place, set[int]]]:
        """The innermost statement with a known line around each target (one walk, stopped
        once every target is seen), by ``id``, with the targets it holds."""
        out: dict[int, tuple[_Place, set[int]]] = {}
        left = set(targets)
        stack: list[tuple[cst.CSTNode, _Place]] = []
        self.push_block(stack, self.tree.body, ())
        while stack and left:
            node, place = stack.pop()
            if id(node) in left:
                left.discard(id(node))
                self.nodes[id(node)] = node
                out.setdefault(id(place.statement), (place, set()))[1].add(id(node))
            inner = _inner_block(node) if node is place.statement else None
            if inner is not None and inner.body and id(inner.body[0]) in self.lines:
                fields = [name for name in _fields(type(node)) if name != "body"]
                indent = inner.indent if inner.indent is not None else self.tree.default_indent
                self.push_block(stack, inner.body, (*place.indents, indent))
            else:
                fields = list(_fields(type(node)))
            for name in fields:
                value = getattr(node, name)
                of: type = value.__class__
                if of is tuple or of is list:
                    stack.extend((c, place) for c in value if _is_node(c.__class__))
                elif _is_node(of):
                    stack.append((value, place))
        return out

    @staticmethod
    def push_block(stack: list[tuple[cst.CSTNode, _Place]], body: Sequence[cst.CSTNode],
                   indents: tuple[str, ...]) -> None:  # fmt: skip
        """Each statement of a block, as the place of what it holds."""
        for index, statement in enumerate(body):
            following = body[index + 1] if index + 1 < len(body) else None
            stack.append((statement, _Place(statement, indents, following)))

    def generate(self, place: _Place, held: frozenset[int]) -> None:
        """Generate one statement from its start and check every target against the text."""
        state = _state(self.tree, held, self.offset(place.statement), stop=False)
        state.indent_tokens = list(place.indents)
        place.statement._codegen(state)  # to its end: checked against the next one's start
        following = place.following
        if following is not None and state.offset != self.offset(following):
            raise _Mismatch
        for key, at in state.found.items():  # the node's first line (the rest is indented)
            code = self.tree.code_for_node(self.nodes[key]).split("\n", 1)[0]
            if not self.text.startswith(code, at + self.bom):
                raise _Mismatch
        self.found.update(state.found)

    def offset(self, statement: cst.CSTNode) -> int:
        line = self.lines.get(id(statement), 0)
        if not 0 < line <= len(self.starts):
            raise _Mismatch
        return self.starts[line - 1] - self.bom


def _inner_block(statement: cst.CSTNode) -> cst.IndentedBlock | None:
    """The indented body of a class or function (the blocks ``positions`` descends into)."""
    if isinstance(statement, (cst.ClassDef, cst.FunctionDef)) and isinstance(
        statement.body, cst.IndentedBlock
    ):
        return statement.body
    return None


@cache
def _fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that may hold a node other than whitespace."""
    return tuple(
        f.name
        for f in dataclasses.fields(kind)
        if not f.name.startswith("whitespace") and f.name not in _SPACING
    )


@cache
def _is_node(kind: type) -> bool:
    """True for node types that may be a target (not whitespace or punctuation)."""
    return issubclass(kind, cst.CSTNode) and not issubclass(kind, _SPACE_NODES)


def statement_lines(tree: cst.Module, parsed: ast.Module) -> dict[int, int]:
    """The line the code of each statement of ``tree`` starts on (its leading blank and
    comment lines included), by ``id``, for the module's statements and those of the classes
    and functions in it, from ``parsed``, the ``ast`` tree of the same lines; a block whose
    statements do not pair up is left out."""
    out: dict[int, int] = {}
    pending: list[tuple[Sequence[cst.BaseStatement], list[ast.stmt]]] = [(tree.body, parsed.body)]
    while pending:
        body, nodes = pending.pop()
        paired = _pair(body, nodes)
        for statement, first in paired:
            line, lead = first.lineno, len(getattr(statement, "leading_lines", ()))
            decorators = getattr(statement, "decorators", ())
            decorated = getattr(first, "decorator_list", ())
            if decorators and decorated:  # the code starts at the first ``@``
                line, lead = decorated[0].lineno, lead + len(decorators[0].leading_lines)
            out[id(statement)] = line - lead
            inner = _inner_block(statement)
            if inner is not None and isinstance(first, _DEFINITIONS):
                pending.append((inner.body, first.body))
    return out


def _pair(
    body: Sequence[cst.BaseStatement], nodes: list[ast.stmt]
) -> list[tuple[cst.BaseStatement, ast.stmt]]:
    """Each libcst statement with its first ``ast`` statement (one libcst line ``a; b`` is
    two); [] when the two do not pair up."""
    out: list[tuple[cst.BaseStatement, ast.stmt]] = []
    at = 0
    for statement in body:
        size = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        if at + size > len(nodes):
            return []
        out.append((statement, nodes[at]))
        at += size
    return out if at == len(nodes) else []
