"""Which files' findings depend on which: the import graph of the repository's Python modules.

A finding is reported where a model is named, but it is found by reading other modules too: a
constant imported from ``config.py``, a loader function in ``lib.py`` that a caller passes the
model to. So a change to one file can change the findings of another:

* ``dependents(changed)``: the files that import a changed module (a constant's new value, a
  loader that reads its argument differently), transitively up to ``MAX_DEPTH`` imports away;
* ``providers(files)``: the modules those files import (where a caller's argument is read by a
  loader, where a subclass's method lives), which must be extracted to find the files' findings.

Imports are read with ``ast`` (cheap; libcst is for the extractors), and only in modules whose
text mentions a changed module's name. A module name resolves to every repository file whose
path ends with it (``pkg.config`` -> ``src/pkg/config.py``): more files are re-checked than
strictly needed, never fewer. Notebooks import modules too; no module imports a notebook.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import PurePosixPath

from scanner.find.lexemes import COMMENT, STRINGS

MAX_DEPTH = 2
"""Import levels followed (a package ``__init__`` passed through is not a level): a value reaches
a loader through a constant imported once, or a caller of a caller (``MAX_CALLERS``)."""

PYTHON_SUFFIXES = (".py", ".pyw")
NOTEBOOK_SUFFIX = ".ipynb"
MAX_GRAPH_CHARS = 1_500_000  # larger files are not parsed by the extractor either
_WORD = re.compile(r"[A-Za-z_]\w*")
Binding = tuple[int, str, "str | None", str]
"""(level, module, name taken from it or None for the module itself, name bound)."""


@dataclass(frozen=True, slots=True)
class Edge:
    """One name an import binds: ``name`` taken from module ``target`` (None: the module
    itself), bound as ``bound`` (``*`` for a star import)."""

    target: str
    name: str | None
    bound: str


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    """What the graph needs of one module or notebook, a function of its path and text alone
    (so it can be kept by content hash, ``scanner.find.module_index``): the names its import
    statements bind, and which of the modules' last names those imports can name its text has
    as words (``ImportGraph.importers`` screens by them). ``readable`` is False for a module too
    large for the graph (it is no module of it)."""

    imports: tuple[Binding, ...] = ()
    stems: frozenset[str] = frozenset()
    readable: bool = True


def module_facts(path: str, text: str) -> ModuleFacts:
    """The facts of module (or notebook) ``path`` with ``text``."""
    if len(text) > MAX_GRAPH_CHARS:
        return ModuleFacts(readable=False)
    imports = tuple(_imported(path, text))
    named = {name for _, _, name, _ in imports if name is not None and name != "*"}
    for level, module, _, _ in imports:
        base = _absolute(path, level, module)
        if base is not None:
            named.add(base.rpartition(".")[2])
    return ModuleFacts(imports, frozenset(named.intersection(_WORD.findall(text))))


class ImportGraph:
    """The repository's Python modules and notebooks and the imports between them (resolved on
    demand, once per file), from their ``ModuleFacts``: ``stems`` of every module (its keys are
    the graph's modules), ``imports`` and ``defined`` (its top-level names, ``top_level_names``)
    asked of the few modules a question reaches."""

    def __init__(
        self,
        stems: Mapping[str, frozenset[str]],
        imports: Callable[[str], tuple[Binding, ...]],
        defined: Callable[[str], frozenset[str] | None],
    ) -> None:
        self.stems = stems
        self._imports_of = imports
        self._defined_of = defined
        self._edges: dict[str, tuple[Edge, ...]] = {}
        self._defined: dict[str, frozenset[str] | None] = {}

    @classmethod
    def from_texts(cls, texts: Mapping[str, str]) -> ImportGraph:
        """The graph of modules given by their text (repo-relative path -> text)."""
        facts = {path: module_facts(path, text) for path, text in texts.items()}
        stems = {path: found.stems for path, found in facts.items() if found.readable}
        return cls(stems, lambda rel: facts[rel].imports, lambda rel: top_level_names(texts[rel]))

    def __contains__(self, path: str) -> bool:
        return path in self.stems

    @cached_property
    def by_name(self) -> dict[str, frozenset[str]]:
        """Every dotted name a module may be imported as -> the modules it may name."""
        names: dict[str, set[str]] = {}
        for path in self.modules:
            for name in _dotted_names(path):
                names.setdefault(name, set()).add(path)
        return {name: frozenset(paths) for name, paths in names.items()}

    def edges(self, path: str) -> tuple[Edge, ...]:
        """The names ``path`` imports from modules of the repository."""
        if path not in self._edges:
            edges = self._resolve(path, self._imports_of(path) if path in self.stems else ())
            self._edges[path] = tuple(dict.fromkeys(e for e in edges if e.target != path))
        return self._edges[path]

    def _resolve(self, path: str, bindings: Iterable[Binding]) -> Iterator[Edge]:
        for level, module, name, bound in bindings:
            base = _absolute(path, level, module)
            if base is None:
                continue
            for target in self._modules(path, base):
                yield Edge(target, None if name == "*" else name, bound)
            if name is not None and name != "*":  # ``from pkg import module``
                for target in self._modules(path, f"{base}.{name}" if base else name):
                    yield Edge(target, None, bound)

    def _modules(self, importer: str, dotted: str) -> Iterable[str]:
        """The modules an import of ``dotted`` in ``importer`` may load: the one at that path
        under the importer's nearest folder that has it (a script's sibling ``utils.py``, the
        repository root), else those at the shortest paths (``src/`` layouts)."""
        found = self.by_name.get(dotted, frozenset())
        if len(found) <= 1:
            return found
        tail = dotted.replace(".", "/")
        folders = importer.split("/")[:-1]
        for end in range(len(folders), -1, -1):  # the importer's folder, its parents, the root
            prefix = "".join(f"{part}/" for part in folders[:end])
            near = {f"{prefix}{tail}.py", f"{prefix}{tail}/__init__.py"} & found
            if near:
                return near
        shortest = min(f.count("/") for f in found)
        return {f for f in found if f.count("/") == shortest}

    def defined(self, path: str) -> frozenset[str] | None:
        """The names a module defines at its top level (None when it does not parse)."""
        if path not in self._defined:
            self._defined[path] = self._defined_of(path) if path in self.stems else frozenset()
        return self._defined[path]

    def importers(self, module: str) -> set[str]:
        """The files that import ``module``: those whose text has its last name, parsed."""
        last = _dotted_names(module)[0].rpartition(".")[2]
        users = self._mentions.get(last, ())
        return {u for u in users if u != module and any(e.target == module for e in self.edges(u))}

    @cached_property
    def _mentions(self) -> dict[str, set[str]]:
        """Each module's last name -> the files whose text has it as a word."""
        stems = {_dotted_names(path)[0].rpartition(".")[2] for path in self.modules}
        found: dict[str, set[str]] = {}
        for path, mentioned in self.stems.items():
            for word in stems.intersection(mentioned):
                found.setdefault(word, set()).add(path)
        return found

    @cached_property
    def modules(self) -> frozenset[str]:
        """The modules (not notebooks) of the graph."""
        return frozenset(p for p in self.stems if not p.endswith(NOTEBOOK_SUFFIX))


@dataclass(frozen=True, slots=True)
class _Taint:
    """The names of a module whose value may depend on a change: those it imports from a
    changed module (``via``) and those module ``own`` defines itself (None: any name; read
    only when an importer asks for a name not in ``via``: most dependents have no importer)."""

    via: frozenset[str] = frozenset()
    own: str | None = None

    def covers(self, name: str | None, graph: ImportGraph) -> bool:
        if name is None or self.own is None or "*" in self.via or name in self.via:
            return True
        defined = graph.defined(self.own)
        return defined is None or name in defined


def dependents(graph: ImportGraph, changed: Iterable[str], depth: int = MAX_DEPTH) -> set[str]:
    """The files whose findings may change with ``changed``: those importing a changed module,
    and transitively (up to ``depth`` levels) those importing a name that may depend on it (a
    package ``__init__`` re-exporting one name does not make all its importers dependents, and
    passing through one does not count as a level)."""
    seen = set(changed)
    frontier = {path: _Taint() for path in seen if path in graph}
    level = dict.fromkeys(frontier, 0)
    out: set[str] = set()
    while frontier:
        via: dict[str, set[str]] = {}
        for module, taint in frontier.items():
            for user in graph.importers(module) - seen:
                edges = graph.edges(user)
                hits = [e for e in edges if e.target == module and taint.covers(e.name, graph)]
                step = 0 if PurePosixPath(user).stem == "__init__" else 1
                if hits and level[module] + step <= depth:
                    via.setdefault(user, set()).update(e.bound for e in hits)
                    level[user] = min(level.get(user, depth), level[module] + step)
        frontier = {user: _Taint(frozenset(names), user) for user, names in via.items()}
        seen |= frontier.keys()
        out |= frontier.keys()
    return out


def providers(graph: ImportGraph, files: Iterable[str], depth: int = MAX_DEPTH) -> set[str]:
    """The modules ``files`` import (``files`` excluded): what must be read to find the
    references named in ``files``. A name imported through re-exports (a package ``__init__``)
    leads to the module defining it; a defining module's own imports count, up to ``depth``."""
    given = set(files)
    queue = [(e.target, e.name, depth) for f in given if f in graph for e in graph.edges(f)]
    done: dict[tuple[str, str | None], int] = {}  # the largest budget each was followed with
    out: set[str] = set()
    while queue:
        module, name, budget = queue.pop()
        if done.get((module, name), 0) >= budget or module in given:
            continue  # followed before at least as far (the answer is the same in any order)
        done[(module, name)] = budget
        out.add(module)
        edges = graph.edges(module)
        named = [e for e in edges if name is not None and e.bound in (name, "*")]
        queue += [(e.target, e.name if e.bound != "*" else name, budget) for e in named]
        if budget > 1 and (name is None or not any(e.bound == name for e in named)):
            queue += [(e.target, e.name, budget - 1) for e in edges]  # defined here
    return out


def is_code(path: str) -> bool:
    """True for the files the graph holds: Python modules and notebooks."""
    return path.endswith((*PYTHON_SUFFIXES, NOTEBOOK_SUFFIX))


# -- module names ---------------------------------------------------------------------------


@lru_cache(maxsize=16_384)
def _dotted_names(path: str) -> tuple[str, ...]:
    """The names ``path`` may be imported as, longest first: ``src/pkg/config.py`` ->
    ``src.pkg.config``, ``pkg.config``, ``config``; a package's ``__init__.py`` is the package.
    (``path`` is a repository path as git lists it: no empty, ``.`` or ``..`` part.)"""
    parts = path.split("/")
    dot = parts[-1].rfind(".")
    if 0 < dot < len(parts[-1]) - 1:  # the suffix, as ``PurePosixPath.with_suffix("")`` drops it
        parts[-1] = parts[-1][:dot]
    if parts[-1] == "__init__":
        parts.pop()
    return tuple(".".join(parts[i:]) for i in range(len(parts))) or ("",)


def _absolute(path: str, level: int, module: str) -> str | None:
    """The dotted name an import in ``path`` means (relative imports made absolute against the
    file's own folder, named from the repository root)."""
    if level == 0:
        return module
    package = path.split("/")[:-1]
    if level - 1 > len(package):
        return None
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


# -- reading imports ------------------------------------------------------------------------

_FROM = re.compile(r"^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?([\w\s,*]+)", re.MULTILINE)
_AS = r"[\w.]+(?:\s+as\s+\w+)?"
_IMPORT = re.compile(rf"^\s*import\s+({_AS}(?:\s*,\s*{_AS})*)", re.MULTILINE)


def _imported(path: str, text: str) -> Iterator[Binding]:
    """Every name an import statement of a module or notebook binds."""
    code = _notebook_code(text) if path.endswith(NOTEBOOK_SUFFIX) else text
    statements = _import_statements(code)
    if statements is None:
        try:
            statements = list(_statements(ast.parse(code).body))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            yield from _imported_by_text(code)
            return
    for node in statements:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                yield node.level, node.module or "", alias.name, alias.asname or alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name, None, alias.asname or alias.name.partition(".")[0]


def _import_statements(code: str) -> list[ast.stmt] | None:
    """The import statements of ``code``, each found outside strings and comments, parsed
    together as one module of those lines (a module's bulk is never parsed); None when they do
    not parse so, i.e. when one does not parse alone (``import x; f(``): then the whole module
    is parsed."""
    found: list[str] = []
    position = 0
    while (match := _IMPORT_STATEMENT.search(code, position)) is not None:
        position = match.end()
        if match.group("keyword") is None:
            continue  # a comment or a string
        start = match.start("keyword")
        position = _statement_end(code, start)  # ``import a; import b``: one statement line
        found.append(code[start:position])
    try:
        return ast.parse("\n".join(found)).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_IMPORT_STATEMENT = re.compile(
    rf"{COMMENT}|{STRINGS}|(?:^|[;:])[ \t]*(?P<keyword>(?:from[ \t]+\.*[\w.]*[ \t]+)?import\b)",
    re.MULTILINE,
)


def _statement_end(code: str, start: int) -> int:
    """Where the import statement at ``start`` ends: its line, continued by a backslash or by
    the parenthesis it opens."""
    end = code.find("\n", start)
    end = len(code) if end < 0 else end
    opened = code.find("(", start, end)
    if opened >= 0 and code.find(")", opened, end) < 0:
        closed = code.find(")", opened)
        return len(code) if closed < 0 else closed + 1
    while end < len(code) and code[start:end].endswith("\\"):
        following = code.find("\n", end + 1)
        end = len(code) if following < 0 else following
    return end


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement in ``body`` and in the blocks nested in it (an import is a statement:
    expressions, a module's bulk, are never walked)."""
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        yield node
        blocks = [getattr(node, field, ()) for field in _BLOCKS]
        blocks += [h.body for h in getattr(node, "handlers", ())]
        blocks += [c.body for c in getattr(node, "cases", ())]
        stack.extend(reversed([s for block in blocks for s in block]))


_BLOCKS = ("body", "orelse", "finalbody")


def _imported_by_text(code: str) -> Iterator[Binding]:
    """The imports of a module that does not parse, read line by line."""
    for match in _FROM.finditer(code):
        for item in match.group(3).split(","):
            words = item.split()
            if words:
                yield len(match.group(1)), match.group(2), words[0], words[-1]
    for match in _IMPORT.finditer(code):
        for item in match.group(1).split(","):
            words = item.split()
            bound = words[-1] if len(words) == 3 else words[0].partition(".")[0]
            yield 0, words[0], None, bound


def top_level_names(text: str) -> frozenset[str] | None:
    """Names bound at a module's top level other than by import (None: it does not parse)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names: set[str] = set()
    body = list(tree.body)
    while body:
        node = body.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            body += [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            body += [n for h in getattr(node, "handlers", []) for n in h.body]
    return frozenset(names)


def _notebook_code(text: str) -> str:
    """The code cells of a notebook as one module (IPython magics and shell lines dropped)."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return text
    lines: list[str] = []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        body = "".join(source) if isinstance(source, list) else str(source)
        lines.extend(line for line in body.splitlines() if not line.lstrip().startswith(("%", "!")))
    return "\n".join(lines)
