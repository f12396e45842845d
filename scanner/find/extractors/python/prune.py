"""Give libcst only the code that matters: irrelevant statements blanked, positions kept.

Every module is read by ``ast.parse`` first (``guard``); that tree says where each function and
method body, and each statement in it (``statements``), starts and ends. A body nothing needs is
replaced line for line: its first line becomes ``pass`` at the body's indentation, the other
lines become empty, and the imports it held are written back on their own lines (a module's
imports qualify calls anywhere in it). In a body that is kept, each statement nothing needs is
blanked the same way (a block left empty gets ``pass``). Every other line is left byte for byte,
so each kept node has the line and column it has in the file, and the text libcst parses is a
fraction of the file.

What is kept is decided up front, statement by statement, as a closure over what the evaluator
can reach from a kept statement: the relevant statements (``relevance``) of a module being
scanned and the option declarations of every module; the headers of the compound statements
around a kept one; in its body, every statement binding a word it reads (assignment, ``for`` and
``with`` targets, walrus, ``except ... as``, augmented assignment, imports, nested definitions);
the statements that call a function with a kept statement, when it takes arguments (a caller
may pass the model); the statements that store an attribute ``self.X`` a kept statement reads;
the imports, ``global`` declarations, saves and folder keywords of a body with a kept statement
(a loader call reading a folder its function wrote is local); and, in every module, the
statements that call or store a word lookups asked for (``needed``). What was blanked is
remembered (``Pruned.calls``, ``Pruned.stores``): a lookup that would still reach blanked code
raises ``NeedWords``, and the extraction starts over with the word kept (rare: the closure
foresees the common paths). ``MLG_FULL_PARSE=1`` turns pruning off (the comparison in
``bench/compare_findings.py``).
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from scanner.find.extractors.python.local import is_folder_name
from scanner.find.extractors.python.relevance import (
    CONTEXT_CALLS,
    MODEL_LITERAL,
    Relevance,
    called,
    option_words,
    words,
)
from scanner.find.extractors.python.statements import (
    DECLARING,
    SELF_ATTR,
    SELF_STORE,
    Unit,
    blank,
    blank_comments,
    blank_strings,
    first_line,
    units,
    view,
)

FULL_PARSE_ENV = "MLG_FULL_PARSE"
KEEP_ALL = "*"
"""A needed word that keeps every body (no word is spelled so)."""
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_KEYWORD = re.compile(r"[(,]\s*([A-Za-z_]\w*)\s*=(?!=)")


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
    tree: ast.Module | None = None  # the ``ast`` view of ``text`` when statements were blanked


def full_parse() -> bool:
    """True when pruning is turned off (``MLG_FULL_PARSE=1``)."""
    return os.environ.get(FULL_PARSE_ENV, "") not in ("", "0")


@dataclass(eq=False, slots=True)
class _Body:
    """One function body that may be blanked: its lines (0-based, inclusive) and its words;
    its statements (``units``) once the closure reaches it."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    names: tuple[str, ...]  # what callers call it by, when it takes arguments (else empty)
    first: int
    last: int
    text: str
    calls: frozenset[str]  # words followed by ``(``
    stores: frozenset[str] = field(default_factory=frozenset)  # ``self.X = ...``
    units: list[Unit] | None = None  # its statements, split when the closure reaches it
    every: list[Unit] = field(default_factory=list)  # the units of every block
    by_bind: dict[str, list[Unit]] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)  # words its kept units read
    active: bool = False  # a unit of it is kept

    def split(self, lines: list[str]) -> None:
        """Split the body into its units and index them by the names they bind."""
        self.units = units(self.node.body, lines)
        pending = list(self.units)
        while pending:
            unit = pending.pop()
            self.every.append(unit)
            pending.extend(inner for block in unit.blocks for inner in block)
            for name in unit.binds:
                self.by_bind.setdefault(name, []).append(unit)
        self.every.reverse()

    def release(self) -> None:
        """Break the units' parent-child cycles once the closure is done: reference counting
        then frees them and the ``ast`` nodes they hold (the loader freezes what is alive after
        a parse, and a frozen cycle would keep the module's ``ast`` for the rest of the scan)."""
        for unit in self.every:
            unit.blocks.clear()

    def calling(self, words: Iterable[str]) -> Iterator[Unit]:
        """The units that may call one of ``words``."""
        found = [word for word in words if word in self.calls]
        for unit in self.every if found else ():
            if any(word in unit.text for word in found) and not unit.calls.isdisjoint(found):
                yield unit

    def storing(self, attr: str) -> Iterator[Unit]:
        """The units that may store ``self.attr``."""
        for unit in self.every if attr in self.stores else ():
            if attr in unit.text and attr in SELF_STORE.findall(unit.text):
                yield unit


def prune(
    text: str, tree: ast.Module, needed: frozenset[str] = frozenset(), scanning: bool = True
) -> Pruned:
    """``text`` with every statement the extractor cannot reach blanked out, lines and columns
    kept.

    ``needed``: words whose callers and stores lookups asked for (``KEEP_ALL``: every body).
    ``scanning`` False: the module is read only for lookups from other modules: only needed
    statements (and option declarations) are kept, none for relevance."""
    if full_parse():
        return Pruned(text)
    lines = _LINES.findall(text)
    bodies = list(_bodies(tree.body, lines, ()))
    callables = frozenset(name for body in bodies for name in body.names)
    if KEEP_ALL in needed:
        return Pruned(text, callables=callables)
    relevance = Relevance.of(text, _imported(tree.body)) if scanning else None
    closure = _Closure(bodies, lines)
    try:
        closure.run(relevance, needed)
        return closure.pruned(text, tree, callables)
    finally:
        for body in bodies:
            body.release()


@dataclass(slots=True)
class _Closure:
    """What a module keeps: relevant statements, and what kept statements may look up, unit by
    unit until nothing more is reached (the bindings of each word a kept unit reads, in its
    body; the statements calling a function with a kept unit; the stores of each ``self.X`` a
    kept unit reads; the headers around a kept unit)."""

    bodies: list[_Body]
    lines: list[str]
    calls: set[str] = field(default_factory=set)  # words whose callers are kept
    stores: set[str] = field(default_factory=set)  # attributes whose ``self.X =`` are kept
    queue: list[tuple[Unit, _Body]] = field(default_factory=list)
    relevance: Relevance | None = None  # of a module being scanned
    by_call: dict[str, list[_Body]] = field(default_factory=dict)
    by_store: dict[str, list[_Body]] = field(default_factory=dict)

    def run(self, relevance: Relevance | None, needed: frozenset[str]) -> None:
        """Keep the relevant units and the option declarations, the callers and stores of the
        ``needed`` words, and everything they reach."""
        self.relevance = relevance
        for body in self.bodies:
            for word in body.calls:
                self.by_call.setdefault(word, []).append(body)
            for attr in body.stores:
                self.by_store.setdefault(attr, []).append(body)
            self.seed(body, relevance)
        for word in needed:
            self.want(word, self.calls, self.by_call)
            self.want(word, self.stores, self.by_store)
        while self.queue:
            self.keep(*self.queue.pop())

    def seed(self, body: _Body, relevance: Relevance | None) -> None:
        """Queue the units of a body that declare options or, in a module being scanned, may
        hold a relevant call (``relevance``: its callable's words in the body) or a model-like
        literal."""
        hot = set(option_words() & body.calls)
        literal = False
        if relevance is not None:
            found = words(body.text)
            if relevance.always:
                hot.update(body.calls)
            hot.update(relevance.triggers(found, body.calls))
            literal = MODEL_LITERAL.search(body.text) is not None
        if not hot and not literal:
            return
        self.split(body)
        self.queue.extend((unit, body) for unit in body.calling(hot))
        if literal or (relevance is not None and relevance.always):
            self.queue.extend(
                (unit, body)
                for unit in body.every
                if relevance is not None and (relevance.always or MODEL_LITERAL.search(unit.text))
            )

    def split(self, body: _Body) -> None:
        """Split a body the closure reaches, and queue its units already asked for."""
        if body.units is not None:
            return
        body.split(self.lines)
        self.queue.extend((unit, body) for unit in body.calling(body.calls & self.calls))
        for attr in body.stores & self.stores:
            self.queue.extend((unit, body) for unit in body.storing(attr))

    def want(self, word: str, wanted: set[str], bodies: dict[str, list[_Body]]) -> None:
        """Keep the units that call (``wanted`` is ``calls``) or store ``word``."""
        if word in wanted:
            return
        wanted.add(word)
        for body in bodies.get(word, ()):
            if body.units is None:
                self.split(body)
                continue
            found = body.calling((word,)) if wanted is self.calls else body.storing(word)
            self.queue.extend((unit, body) for unit in found)

    def keep(self, unit: Unit, body: _Body) -> None:
        """Keep ``unit``, its headers, and queue what it may look up."""
        if unit.kept:
            return
        unit.kept = True
        if not body.active:
            self.activate(body)
        if unit.parent is not None:
            self.queue.append((unit.parent, body))
        for word in unit.reads - body.read:
            body.read.add(word)
            self.queue.extend((bound, body) for bound in body.by_bind.get(word, ()))
        if "self" in unit.text or "cls" in unit.text:
            for attr in SELF_ATTR.findall(unit.text):
                self.want(attr, self.stores, self.by_store)
        for node in unit.nodes:  # a nested definition: its callers may pass the model
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                self.want(node.name, self.calls, self.by_call)

    def activate(self, body: _Body) -> None:
        """A body with a kept unit: its callers may pass what it reads, its imports and
        declarations qualify its names, its saves make a loaded folder local."""
        body.active = True
        for name in body.names:
            self.want(name, self.calls, self.by_call)
        if DECLARING.search(body.text):
            self.queue.extend((unit, body) for unit in body.every if unit.declares)
        self.queue.extend((unit, body) for unit in body.calling(CONTEXT_CALLS))
        folders = {k for k in _KEYWORD.findall(body.text) if is_folder_name(k)}
        for unit in body.every if folders else ():
            if any(k in unit.text for k in folders) and folders & set(_KEYWORD.findall(unit.text)):
                self.queue.append((unit, body))

    def header_matters(self, header: str, calls: frozenset[str]) -> bool:
        """True when the decorators and signature ``header`` of a blanked body, calling
        ``calls``, must stay: a model-like literal, a call whose callers are kept, a save, an
        option declaration, or (a module being scanned) a relevant call."""
        if MODEL_LITERAL.search(header) or not calls.isdisjoint(self.calls | CONTEXT_CALLS):
            return True
        if self.relevance is None:
            return not calls.isdisjoint(option_words())
        return self.relevance.relevant(header, words(header), calls)

    def pruned(self, text: str, tree: ast.Module, callables: frozenset[str]) -> Pruned:
        """The text with what was not kept blanked; what blanked code calls and stores."""
        kept: dict[int, list[ast.stmt]] = {}
        calls: set[str] = set()
        stores: set[str] = set()
        changed = False
        for body in self.bodies:
            if not body.active:
                _blank(self.lines, body)
                calls |= body.calls | _blank_header(self.lines, body, self.header_matters)
                stores |= body.stores
                changed = True
                continue
            assert body.units is not None
            dropped = "".join(unit.text for unit in body.every if not unit.kept)
            if not dropped:
                continue
            blank(self.lines, body.units)
            kept[id(body.node)] = [node for unit in body.units if unit.kept for node in unit.nodes]
            calls |= called(dropped)
            stores.update(SELF_STORE.findall(dropped))
            changed = True
        changed |= blank_strings(self.lines, _LINES.findall(text), tree)
        if not blank_comments(self.lines, tree) and not changed:
            return Pruned(text, callables=callables)
        shown = ast.Module(body=view(tree.body, kept), type_ignores=[]) if kept else None
        return Pruned("".join(self.lines), frozenset(calls), frozenset(stores), callables, shown)


def _blank_header(
    lines: list[str], body: _Body, keep: Callable[[str, frozenset[str]], bool]
) -> frozenset[str]:
    """Cut the decorators and signature of a blanked body's definition to ``def name():``
    (line for line; its name stays bound) unless ``keep`` says their text or the words they
    call matter; the words the cut code called (none when it is kept)."""
    node = body.node
    start = first_line(node)
    signature = "".join(lines[node.lineno - 1 : body.first])
    decorators = "".join(lines[start : node.lineno - 1])
    calls = called(decorators) | called(signature[signature.find("(") + 1 :])  # not its name
    if keep(decorators + signature, calls):
        return frozenset()
    indent = signature[: len(signature) - len(signature.lstrip(" \t\f"))]
    keyword = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    for index in range(start, body.first):
        line = lines[index]
        ending = line[len(line.rstrip("\r\n")) :]
        cut = f"{indent}{keyword} {node.name}():" if index == node.lineno - 1 else ""
        lines[index] = cut + ending
    return calls


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
    start, last = first_line(node.body[0]), (node.end_lineno or node.lineno) - 1
    if last >= len(lines) or lines[start].encode("utf-8")[: node.body[0].col_offset].strip():
        return None
    source = "".join(lines[start : last + 1])
    names: tuple[str, ...] = (node.name,)
    if node.name == "__init__" and klass:
        names = (*klass, node.name)
    if not _takes_arguments(node, bool(klass)):
        names = ()
    stores = frozenset(SELF_STORE.findall(source)) if klass else frozenset()
    return _Body(node, names, start, last, source, called(source), stores)


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
