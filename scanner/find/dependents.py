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
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from pathlib import PurePosixPath

MAX_DEPTH = 3
"""Import levels followed: the evaluator follows a value through at most this many modules."""

PYTHON_SUFFIXES = (".py", ".pyw")
NOTEBOOK_SUFFIX = ".ipynb"


class ImportGraph:
    """The repository's Python modules and notebooks with their text, and the imports between
    them (read on demand, once per file)."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts  # repo-relative path -> text, for .py modules and notebooks
        self._imports: dict[str, frozenset[str]] = {}

    @cached_property
    def by_name(self) -> dict[str, frozenset[str]]:
        """Every dotted name a module may be imported as -> the modules it may name."""
        names: dict[str, set[str]] = {}
        for path in self.texts:
            if not path.endswith(NOTEBOOK_SUFFIX):
                for name in _dotted_names(path):
                    names.setdefault(name, set()).add(path)
        return {name: frozenset(paths) for name, paths in names.items()}

    def imports(self, path: str) -> frozenset[str]:
        """The repository modules ``path`` imports."""
        if path not in self._imports:
            found = self._resolve(path, _imported(path, self.texts.get(path, "")))
            self._imports[path] = frozenset(found)
        return self._imports[path]

    def _resolve(self, path: str, names: Iterable[tuple[int, str, tuple[str, ...]]]) -> set[str]:
        found: set[str] = set()
        for level, module, members in names:
            base = _absolute(path, level, module)
            if base is None:
                continue
            for name in (base, *(f"{base}.{m}" if base else m for m in members)):
                found |= self.by_name.get(name, frozenset())
        found.discard(path)
        return found

    def importers(self, module: str) -> set[str]:
        """The files that import ``module``: those whose text names it, parsed."""
        last = _dotted_names(module)[0].rpartition(".")[2]
        if not last:
            return set()
        word = re.compile(rf"\b{re.escape(last)}\b")
        return {
            path
            for path, text in self.texts.items()
            if path != module and word.search(text) and module in self.imports(path)
        }


def dependents(graph: ImportGraph, changed: Iterable[str], depth: int = MAX_DEPTH) -> set[str]:
    """The files whose findings may change with ``changed``: those importing them, transitively
    up to ``depth`` levels (``changed`` itself not included)."""
    seen = set(changed)
    frontier = {path for path in seen if path in graph.texts}
    out: set[str] = set()
    for _ in range(depth):
        frontier = {user for module in frontier for user in graph.importers(module)} - seen
        if not frontier:
            break
        seen |= frontier
        out |= frontier
    return out


def providers(graph: ImportGraph, files: Iterable[str], depth: int = MAX_DEPTH) -> set[str]:
    """The modules ``files`` import, transitively up to ``depth`` levels (``files`` excluded):
    what must be read to find the references named in ``files``."""
    seen = {path for path in files}
    frontier = {path for path in seen if path in graph.texts}
    out: set[str] = set()
    for _ in range(depth):
        frontier = {used for path in frontier for used in graph.imports(path)} - seen
        if not frontier:
            break
        seen |= frontier
        out |= frontier
    return out


def is_code(path: str) -> bool:
    """True for the files the graph holds: Python modules and notebooks."""
    return path.endswith((*PYTHON_SUFFIXES, NOTEBOOK_SUFFIX))


# -- module names ---------------------------------------------------------------------------


def _dotted_names(path: str) -> list[str]:
    """The names ``path`` may be imported as, longest first: ``src/pkg/config.py`` ->
    ``src.pkg.config``, ``pkg.config``, ``config``; a package's ``__init__.py`` is the package."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return [".".join(parts[i:]) for i in range(len(parts))] or [""]


def _absolute(path: str, level: int, module: str) -> str | None:
    """The dotted name an import in ``path`` means (relative imports made absolute against the
    file's own folder, named from the repository root)."""
    if level == 0:
        return module
    package = list(PurePosixPath(path).parent.parts)
    if level - 1 > len(package):
        return None
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


# -- reading imports ------------------------------------------------------------------------

_FROM = re.compile(r"^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?([\w\s,*]+)", re.MULTILINE)
_AS = r"[\w.]+(?:\s+as\s+\w+)?"
_IMPORT = re.compile(rf"^\s*import\s+({_AS}(?:\s*,\s*{_AS})*)", re.MULTILINE)


def _imported(path: str, text: str) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """(level, module, imported names) for each import statement of a module or notebook."""
    code = _notebook_code(text) if path.endswith(NOTEBOOK_SUFFIX) else text
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        yield from _imported_by_text(code)
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node.level, node.module or "", tuple(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name, ()


def _imported_by_text(code: str) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """Imports of a module that does not parse, read line by line."""
    for match in _FROM.finditer(code):
        names = tuple(n.strip().split()[0] for n in match.group(3).split(",") if n.strip())
        yield len(match.group(1)), match.group(2), names
    for match in _IMPORT.finditer(code):
        for item in match.group(1).split(","):
            yield 0, item.split()[0], ()


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
