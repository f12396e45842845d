"""Give libcst only the code that matters: irrelevant function bodies blanked, positions kept.

Every module is read by ``ast.parse`` first (``guard``); that tree says where each function and
method body starts and ends. A body nothing needs is replaced line for line: its first line
becomes ``pass`` at the body's indentation, the other lines become empty, and the imports it
held are written back on their own lines (a module's imports qualify calls anywhere in it).
Every other line is left byte for byte, so each kept node has the line and column it has in the
file, and the text libcst parses is a fraction of the file.

Which bodies are kept is decided up front, as a closure over what the evaluator can reach from
a kept body: the relevant bodies (``relevance``) of a module being scanned; the bodies that call
a kept function taking arguments (a caller may pass the model); the bodies that store an
attribute ``self.X`` a kept body reads; and, in every module, the bodies that call or store a
word lookups asked for (``needed``). What was blanked is remembered (``Pruned.calls``,
``Pruned.stores``): a lookup that would still reach blanked code raises ``NeedWords``, and the
extraction starts over with the word kept (rare: the closure foresees the common paths).
``MLG_FULL_PARSE=1`` turns pruning off (the comparison in ``bench/compare_findings.py``).
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from scanner.find.extractors.python.relevance import Relevance, called, option_words, words

FULL_PARSE_ENV = "MLG_FULL_PARSE"
KEEP_ALL = "*"
"""A needed word that keeps every body (no word is spelled so)."""
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SELF_ATTR = re.compile(r"\b(?:self|cls)\s*\.\s*([A-Za-z_]\w*)")
_SELF_STORE = re.compile(r"\b(?:self|cls)\s*\.\s*([A-Za-z_]\w*)\s*(?::[^=\n]+)?(?:,|\)|\]|=(?!=))")
"""``self.X =`` (also annotated, or inside a tuple target): a superset of the stores."""


class NeedWords(Exception):
    """A lookup needs blanked code: module ``path`` must keep the bodies that call or store
    ``word``."""

    def __init__(self, path: str, word: str) -> None:
        super().__init__(f"{path}: {word}")
        self.path = path
        self.word = word


@dataclass(frozen=True, slots=True)
class Pruned:
    """The text libcst is given, and what the blanked bodies call and store on ``self``."""

    text: str
    calls: frozenset[str] = frozenset()
    stores: frozenset[str] = frozenset()
    callables: frozenset[str] = frozenset()  # the names callers call its functions by


def full_parse() -> bool:
    """True when pruning is turned off (``MLG_FULL_PARSE=1``)."""
    return os.environ.get(FULL_PARSE_ENV, "") not in ("", "0")


@dataclass(slots=True)
class _Body:
    """One function body that may be blanked: its lines (0-based, inclusive) and its words."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    names: tuple[str, ...]  # what callers call it by, when it takes arguments (else empty)
    first: int
    last: int
    text: str
    calls: frozenset[str]  # words followed by ``(``
    stores: frozenset[str] = field(default_factory=frozenset)  # ``self.X = ...``
    reads: frozenset[str] = field(default_factory=frozenset)  # every ``self.X``


def prune(
    text: str, tree: ast.Module, needed: frozenset[str] = frozenset(), scanning: bool = True
) -> Pruned:
    """``text`` with every body the extractor cannot reach blanked out, lines and columns kept.

    ``needed``: words whose callers and stores lookups asked for (``KEEP_ALL``: every body).
    ``scanning`` False: the module is read only for lookups from other modules: only needed
    bodies (and option declarations) are kept, none for relevance."""
    if full_parse():
        return Pruned(text)
    lines = _LINES.findall(text)
    pending = list(_bodies(tree.body, lines, ()))
    callables = frozenset(name for body in pending for name in body.names)
    if KEEP_ALL in needed:
        return Pruned(text, callables=callables)
    relevance = Relevance.of(text, _imported(tree.body)) if scanning else None
    options = option_words()
    calls, stores = set(needed), set(needed)
    first = True
    while pending:  # the closure: what a kept body may look up is kept too
        kept = [
            b
            for b in pending
            if not calls.isdisjoint(b.calls)
            or not stores.isdisjoint(b.stores)
            or (first and not options.isdisjoint(b.calls))
            or (
                first
                and relevance is not None
                and relevance.relevant(b.text, words(b.text), b.calls)
            )
        ]
        if not kept:
            break
        first = False
        for body in kept:
            calls.update(body.names)
            stores.update(body.reads)
        done = {id(body) for body in kept}
        pending = [b for b in pending if id(b) not in done]
    if not pending:
        return Pruned(text, callables=callables)
    for body in pending:
        _blank(lines, body)
    dropped_calls = frozenset().union(*(b.calls for b in pending))
    dropped_stores = frozenset().union(*(b.stores for b in pending))
    return Pruned("".join(lines), dropped_calls, dropped_stores, callables)


def _imported(statements: list[ast.stmt]) -> frozenset[str]:
    """The words of the imports at module level (also inside its ``if`` and ``try`` blocks)."""
    found: set[str] = set()
    for node in statements:
        if isinstance(node, ast.ImportFrom):
            found.update((node.module or "").split("."))
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                found.update(alias.name.split("."))
                found.add(alias.asname or "")
        elif not isinstance(node, (ast.ClassDef, *_FUNCTIONS)):
            for block in _blocks(node):
                found |= _imported(block)
    found.discard("")
    return frozenset(found)


def _bodies(
    statements: list[ast.stmt], lines: list[str], klass: tuple[str, ...]
) -> Iterator[_Body]:
    """The bodies of the functions at module level and in classes, also inside the blocks of
    ``if``, ``try``, ``with``, loops and ``match`` there (``if TYPE_CHECKING:``)."""
    for node in statements:
        if isinstance(node, ast.ClassDef):
            yield from _bodies(node.body, lines, (node.name,))
        elif isinstance(node, _FUNCTIONS):
            body = _body(node, lines, klass)
            if body is not None:
                yield body
        else:
            for block in _blocks(node):
                yield from _bodies(block, lines, klass)


def _blocks(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists of a compound statement that is not a definition."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(node, name, None)
        if isinstance(block, list):
            yield block
    for handler in getattr(node, "handlers", ()):
        yield handler.body
    for case in getattr(node, "cases", ()):
        yield case.body


def _body(
    node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], klass: tuple[str, ...]
) -> _Body | None:
    """The body of ``node`` when it starts on a line of its own (else None: kept as is)."""
    start, last = node.body[0].lineno - 1, (node.end_lineno or node.lineno) - 1
    if last >= len(lines) or lines[start].encode("utf-8")[: node.body[0].col_offset].strip():
        return None
    source = "".join(lines[start : last + 1])
    names: tuple[str, ...] = (node.name,)
    if node.name == "__init__" and klass:
        names = (*klass, node.name)
    if not _takes_arguments(node, bool(klass)):
        names = ()
    reads = frozenset(_SELF_ATTR.findall(source)) if klass else frozenset()
    stores = frozenset(_SELF_STORE.findall(source)) if reads else frozenset()
    return _Body(node, names, start, last, source, called(source), stores, reads)


def _takes_arguments(node: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> bool:
    """True when a call may pass ``node`` an argument (``self``/``cls`` of a method aside)."""
    args = node.args
    count = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
    count += (args.vararg is not None) + (args.kwarg is not None)
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
    return count > (1 if method and not static else 0)


def _blank(lines: list[str], body: _Body) -> None:
    """Replace the body's lines: ``pass`` (or its imports) on the first, the rest empty."""
    first = lines[body.first]
    indent = first[: len(first) - len(first.lstrip(" \t\f"))]
    written: dict[int, list[str]] = {}
    if "import" in body.text:
        for node in ast.walk(body.node):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                written.setdefault(node.lineno - 1, []).append(ast.unparse(node))
    written.setdefault(body.first, ["pass"])
    for index in range(body.first, body.last + 1):
        line = lines[index]
        ending = line[len(line.rstrip("\r\n")) :]
        statements = written.get(index)
        lines[index] = (indent + "; ".join(statements) if statements else "") + ending
