"""The part of a module a lookup from another module can have read: its slice for some names.

A file's extraction follows names into the modules it imports from (``from peft import
LoraConfig``), and the callers of its functions into the modules that call them. Recorded as a
dependency on the whole module (``codehash``), one statement appended to a package's
``__init__.py`` re-extracts every file that imported anything from it. A lookup reads less: it
enters the module by a few names (``RepoContext.noted_entry``: each name looked up there, each
function whose calls were searched, each command-line option read) and from there follows what
the statements it reads mention.

So the slice of a module for a set of entry names is a closure over its top-level statements:
a statement is in it when it mentions (binds, reads, calls, imports, names as a parameter,
keyword, attribute or identifier-like string) a name of the set, and then every name it mentions
joins the set. Some statements are always in it: every statement holding an import (a call's
meaning depends on the module's imports), and every statement with a dynamic construct
(``exec``, ``globals()``, a module ``__getattr__``, ``sys.modules``: what they bind cannot be
read off the text), with all they mention. Each statement in the slice counts with its
position and the whole text of its lines (decorators and comments inside it included), so a
finding located in it, or quoting it, is never stale. The mention scan over-approximates
everything the extractor's syntactic lookups can read (bindings are flow-insensitive, so a name
bound under a condition is read wherever it is bound: each such statement mentions it).

A module is sliced by ``ast`` (cheap); a text ``ast`` or the extractor's guard refuses has no
slice (``None``): whoever depends on it then depends on its whole code, as before.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from scanner.find.astnodes import descendants
from scanner.find.textmemo import TextMemo

MAX_STRING = 200  # longer strings are text, not a name (a docstring, a template)
ALWAYS = frozenset({"__all__"})
"""Names every slice starts from (what a star import of the module exports)."""

DYNAMIC = frozenset({
    "exec", "eval", "globals", "locals", "vars", "__getattr__", "__dict__", "__import__",
    "setattr", "delattr", "modules", "import_module",
})  # fmt: skip
"""Names whose use binds or reads module names out of sight of the text (``sys.modules``,
``importlib.import_module``): a statement that mentions one is in every slice."""


@dataclass(frozen=True, slots=True)
class Statement:
    """A top-level statement: the names it mentions, whether every slice holds it, and the
    hash of its position and its lines' text."""

    mentions: frozenset[str]
    always: bool
    imports: bool
    digest: bytes
    calls: bool = True  # holds a call (decorators, defaults and bodies included)
    lines: tuple[int, int] = (0, 0)  # its first line (decorators included) and its last
    string: bool = False  # a string expression (the first statement of a module: its docstring)


@dataclass(frozen=True, slots=True)
class Table:
    """A module's top-level statements, and for each name the statements that mention it."""

    statements: tuple[Statement, ...]
    by_name: dict[str, tuple[int, ...]]
    always: frozenset[int]  # the dynamic statements
    imports: frozenset[int]  # the statements holding an import
    digests: dict[frozenset[str], str] = field(default_factory=dict)  # by entry names, made


def slice_digest(text: str, names: Iterable[str]) -> str | None:
    """The hash of the slice of module ``text`` for entry ``names``; None when it has none."""
    table = statements(text)
    if table is None:
        return None
    key = frozenset(names)
    found = table.digests.get(key)
    if found is None:
        hasher = hashlib.sha256(b"slice 1\0")
        for index in sorted(closure(table, key)):
            hasher.update(table.statements[index].digest)
        found = table.digests[key] = hasher.hexdigest()[:40]
    return found


def closure(table: Table, names: frozenset[str]) -> set[int]:
    """The indexes of the statements in the slice for ``names``: the closure over mentions
    from ``names`` and the dynamic statements, and every statement holding an import (for the
    module's imports alone: its names join only when it mentions a wanted one)."""
    statements = table.statements
    chosen = set(table.always)
    seen: set[str] = set()
    wanted = [*names, *ALWAYS]
    for index in chosen:
        wanted.extend(statements[index].mentions)
    while wanted:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        for index in table.by_name.get(name, ()):
            if index not in chosen:
                chosen.add(index)
                wanted.extend(statements[index].mentions - seen)
    return chosen | table.imports


MAX_TABLED_CHARS = 2_000_000
"""Characters of module text whose statement tables a process keeps (a table takes about 2.6
bytes per character of its module: about 5 MB). A worker records the modules its files read
for lookups after every file, mostly the same ones: on peft one process built 293 tables for
141 modules with the 32 texts a cache by text could afford, 147 with this cap."""
_TABLES: TextMemo[Table | None] = TextMemo(MAX_TABLED_CHARS)


def statements(text: str) -> Table | None:
    """The statement table of module ``text``; None when the extractor would not parse it
    (``guard.checked``: invalid, or refused as hostile). Kept by the text's hash."""
    return _TABLES.get(text, _checked_table)


def note_tree(text: str, tree: ast.Module) -> None:
    """Make the table of ``text`` from ``tree``, its ``ast`` tree that ``guard.checked``
    passed, unless kept: a module read for lookups is parsed by the extractor, then recorded
    through its table (one ``ast`` parse and guard walk serve both)."""
    _TABLES.get(text, lambda _: make_table(text, tree))


def _checked_table(text: str) -> Table | None:
    tree = _guard().checked(text)
    return make_table(text, tree) if isinstance(tree, ast.Module) else None


def make_table(text: str, tree: ast.Module) -> Table:
    """The statement table of module ``text`` from ``tree``, its ``ast`` tree."""
    lines = _LINE.findall(text)
    table: list[Statement] = []
    by_name: dict[str, list[int]] = {}
    for index, node in enumerate(tree.body):
        mentions, kinds = _scan(node)
        imports = ast.Import in kinds or ast.ImportFrom in kinds
        always = not mentions.isdisjoint(DYNAMIC)
        digest = _statement_digest(node, lines)
        span = (_first_line(node), node.end_lineno or node.lineno)
        string = isinstance(node, ast.Expr) and _is_text(node.value)
        table.append(Statement(mentions, always, imports, digest, ast.Call in kinds, span, string))
        for name in mentions:
            by_name.setdefault(name, []).append(index)
    return Table(
        tuple(table),
        {name: tuple(found) for name, found in by_name.items()},
        frozenset(i for i, statement in enumerate(table) if statement.always),
        frozenset(i for i, statement in enumerate(table) if statement.imports),
    )


GUARD = "scanner.find.extractors.python.guard"
ALONE = "scanner.find._guard_alone"  # the guard's file loaded on its own (``_guard``)


def _guard() -> ModuleType:
    """The extractor's parser guard (which modules libcst is given): the imported module, else
    its file loaded alone, once. Importing it through its package imports every extractor, 0.3 s
    or more of a hook run whose files all come from the cache; the file needs only the standard
    library (it is not registered under its own name: a later import of the package must not
    find a module whose parents were never imported)."""
    module = sys.modules.get(GUARD) or sys.modules.get(ALONE)
    if module is None:
        path = Path(__file__).parent / "extractors" / "python" / "guard.py"
        spec = importlib.util.spec_from_file_location(ALONE, path)
        if spec is None or spec.loader is None:  # never expected: the package's own file
            return importlib.import_module(GUARD)
        module = sys.modules[ALONE] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # (its records look their module up while made)
    return module


MAX_TAILS = 8  # the longest run of statements appended that ``inert_tails`` offers


def inert_tails(text: str) -> list[tuple[str, frozenset[str]]]:
    """Each text module ``text`` may have been before statements were appended at its end that
    no extraction of it can read, with what those statements mention (the shortest run first;
    none when it has no table).

    Such statements hold no call (the extractor finds models in calls, and options, uses and
    callers through calls), no import, no dynamic construct, start on a line of their own after
    every other statement, and mention no name any other statement mentions: nothing in the
    module reads them, nor shifts (they come last). A lookup from another module may still read
    a name they bind: whoever uses the prefix's extraction checks their mentions against the
    names the extraction looked up in its own module (``RepoContext.noted_entry``)."""
    table = statements(text)
    body = () if table is None else table.statements
    lines = _LINE.findall(text) if body else []
    found: list[tuple[str, frozenset[str]]] = []
    tail: frozenset[str] = frozenset()
    for start in range(len(body) - 1, max(len(body) - MAX_TAILS, 0) - 1, -1):
        if not inert(body[start]):
            break
        tail |= body[start].mentions
        before = frozenset().union(*(s.mentions for s in body[:start]))
        alone = start == 0 or body[start - 1].lines[1] < body[start].lines[0]
        if before.isdisjoint(tail) and alone:  # it mentions nothing the statements before do
            found.append(("".join(lines[: body[start].lines[0] - 1]), tail))
    return found


def inert(statement: Statement) -> bool:
    """True when no extraction can read ``statement`` by itself: it holds no call (models,
    options, uses and callers are all found through calls), no import, no dynamic construct
    (whether anything else reads it depends on its mentions: ``inert_tails``, ``shift``)."""
    return not (statement.calls or statement.imports or statement.always)


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
"""A line as Python counts them (``str.splitlines`` also ends one at a form feed and more)."""


def _first_line(node: ast.stmt) -> int:
    """The first line of a statement, its decorators included."""
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])


def _statement_digest(node: ast.stmt, lines: list[str]) -> bytes:
    """The hash of a statement's position and the whole text of its lines."""
    first = _first_line(node)
    last = node.end_lineno or node.lineno
    where = f"{first}:{node.lineno}:{node.col_offset}:{last}:{node.end_col_offset}\0"
    return hashlib.sha256(where.encode() + "".join(lines[first - 1 : last]).encode(
        "utf-8", "surrogatepass")).digest()  # fmt: skip


_PLAIN = frozenset({
    ast.Load, ast.Store, ast.Del, ast.Call, ast.Expr, ast.Assign, ast.AugAssign, ast.Tuple,
    ast.List, ast.Set, ast.Dict, ast.Subscript, ast.Slice, ast.Starred, ast.BinOp, ast.BoolOp,
    ast.UnaryOp, ast.Compare, ast.IfExp, ast.If, ast.For, ast.While, ast.With, ast.withitem,
    ast.Return, ast.Raise, ast.Assert, ast.Pass, ast.JoinedStr, ast.FormattedValue, ast.arguments,
    ast.comprehension, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda,
    ast.Try, ast.Await, ast.Yield, ast.YieldFrom,
    *(kind for base in (ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
      for kind in base.__subclasses__()),
})  # fmt: skip
"""Node types with no name of their own (their children are walked): skipped quickly."""


def _scan(node: ast.stmt) -> tuple[frozenset[str], set[type]]:
    """What a statement mentions (``_mentions``) and the node types in it, in one walk."""
    names: set[str] = set()
    kinds: set[type] = set()
    for child in descendants(node):
        kind = type(child)
        kinds.add(kind)
        if kind is ast.Name:
            names.add(child.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            names.add(child.attr)  # type: ignore[attr-defined]
        elif kind is ast.Constant:
            value = child.value  # type: ignore[attr-defined]
            if type(value) is str and len(value) <= MAX_STRING:
                names.update(_identifiers(value))
        elif kind not in _PLAIN:
            names.update(_mentions(child))
    return frozenset(names), kinds


def _mentions(child: ast.AST) -> Iterable[str]:
    """Every name one node binds, reads or spells (over-approximated: any identifier in it)."""
    match child:
        case ast.Name(id=name) | ast.Attribute(attr=name):
            yield name
        case ast.FunctionDef(name=name) | ast.AsyncFunctionDef(name=name):
            yield name
        case ast.ClassDef(name=name) | ast.arg(arg=name):
            yield name
        case ast.keyword(arg=str() as name):
            yield name
        case ast.alias(name=dotted, asname=alias):
            yield from dotted.split(".")
            if alias:
                yield alias
        case ast.ImportFrom(module=str() as module):
            yield from module.split(".")
        case ast.Global(names=names) | ast.Nonlocal(names=names):
            yield from names
        case ast.ExceptHandler(name=str() as name):
            yield name
        case ast.Constant(value=str() as value) if len(value) <= MAX_STRING:
            yield from _identifiers(value)
        case _:
            yield from _pattern_names(child)


def _pattern_names(node: ast.AST) -> Iterable[str]:
    """Names bound by match patterns and type parameters (3.12)."""
    for attribute in ("name", "rest"):
        value = getattr(node, attribute, None)
        if isinstance(value, str) and not isinstance(node, ast.stmt):
            yield value
    for value in getattr(node, "kwd_attrs", ()) or ():
        yield value


def _identifiers(value: str) -> Iterable[str]:
    """The names a string may stand for: itself, and an option flag's attribute name."""
    if value.isidentifier():
        yield value
    flag = value.lstrip("-").replace("-", "_")
    if flag != value and flag.isidentifier():
        yield flag
