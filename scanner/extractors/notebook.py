"""Jupyter notebooks: code cells read as plain JSON and scanned by the Python extractor.

All code cells become one synthetic module, in order, so a constant set in one cell resolves in a
later one. IPython syntax (``%magic``, ``%%cell magic``, ``!shell``, ``x = !cmd``, ``obj?``) is
blanked to ``pass`` with the same indentation, so every line keeps its number; results are mapped
back to (cell, line in cell). A cell that still does not parse is scanned on its own, so the
Python extractor's own handling of broken code applies to it without hiding the other cells.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

from scanner.context import RepoContext
from scanner.extractors import python
from scanner.types import Extraction, FileError, ModelRef, SourceKind, UnresolvedRef

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python",
                                "python3", "memit", "mprun"})  # fmt: skip
"""Cell magics whose body is Python; any other cell magic (``%%bash``, ``%%writefile``) is not."""

_SHELL_ASSIGN = re.compile(r"^(\s*)[\w.,\s\[\]()*]+=\s*[!%]")
_HELP = re.compile(r"^\s*(?:\?{1,2}[\w.]*|[\w.\[\]()]+\?{1,2})\s*$")
_PARSE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT

Where = Callable[[int], tuple[int, int]]
"""Maps a line of the scanned text to (1-based cell, 1-based line in that cell)."""

_Ref = TypeVar("_Ref", ModelRef, UnresolvedRef)


@dataclass(frozen=True, slots=True)
class Cell:
    """A code cell: its 1-based position among all cells and its source."""

    index: int
    source: str


def extract(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a notebook's code cells, with cell and line-in-cell positions."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        return _error(path, f"invalid notebook JSON: {err.msg}", err.lineno)
    if not isinstance(document, dict):
        return _error(path, "not a notebook: the top level is not a JSON object", None)
    if not is_python(document):
        return Extraction()
    cells = list(code_cells(document))
    module: list[str] = []
    where: list[tuple[int, int]] = []  # synthetic line - 1 -> (cell, line in cell)
    results: list[Extraction] = []
    for cell in cells:
        lines = python_lines(cell.source)
        if parses("\n".join(lines)):
            module.extend(lines)
            where.extend((cell.index, n) for n in range(1, len(lines) + 1))
        else:  # scanned after the cells before it (their imports), keeping only its own lines
            alone = python.extract(path, "\n".join([*module, *lines]) + "\n", ctx)
            results.append(remap(_after(alone, len(module)), path, _in_cell(cell.index)))
    if module:
        whole = python.extract(path, "\n".join(module) + "\n", ctx)
        results.insert(0, remap(whole, path, lambda line: where[min(max(line, 1), len(where)) - 1]))
    return Extraction(
        refs=tuple(sorted((r for result in results for r in result.refs), key=_position)),
        unresolved=tuple(
            sorted((u for result in results for u in result.unresolved), key=_position)
        ),
        errors=tuple(error for result in results for error in result.errors),
    )


def _position(ref: ModelRef | UnresolvedRef) -> tuple[int, int, int]:
    return (ref.cell or 0, ref.line, ref.column)


def is_python(document: dict[str, object]) -> bool:
    """False for notebooks whose kernel declares another language (R, Julia...)."""
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for section, key in (("language_info", "name"), ("kernelspec", "language")):
        info = metadata.get(section)
        if isinstance(info, dict) and isinstance(info.get(key), str):
            return str(info[key]).lower() in ("python", "python3", "ipython", "ipython3")
    return True


def code_cells(document: dict[str, object]) -> Iterator[Cell]:
    """Code cells of an nbformat 4 (``cells``) or 3 (``worksheets``) notebook, in order."""
    cells = document.get("cells")
    if not isinstance(cells, list):
        worksheets = document.get("worksheets")
        sheets = worksheets if isinstance(worksheets, list) else []
        cells = [c for s in sheets if isinstance(s, dict) for c in s.get("cells") or []]
    for index, cell in enumerate(cells, start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", cell.get("input", ""))
            if isinstance(source, list):
                source = "".join(str(part) for part in source)
            if isinstance(source, str):
                yield Cell(index, source)


def python_lines(source: str) -> list[str]:
    """The cell's lines with IPython syntax replaced by ``pass`` (same count, same indentation)."""
    lines = source.splitlines() or [""]
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = lines[first].lstrip()[2:].split(maxsplit=1)
        keep = bool(magic) and magic[0] in PYTHON_CELL_MAGICS
        lines = [line if keep and i > first else "" for i, line in enumerate(lines)]
    if parses("\n".join(lines)):
        return lines
    return [_python_line(line) for line in lines]


def _python_line(line: str) -> str:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith(("%", "!")) or _HELP.match(line) or _SHELL_ASSIGN.match(line):
        return f"{indent}pass"
    return line


def parses(source: str) -> bool:
    """True when ``source`` is valid Python (top-level ``await`` allowed, as in IPython)."""
    try:
        compile(source, "<cell>", "exec", flags=_PARSE_FLAGS, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def remap(result: Extraction, path: str, where: Where) -> Extraction:
    """``result`` with lines mapped to (cell, line in cell) and the notebook as source."""
    return Extraction(
        refs=tuple(_moved(ref, where) for ref in result.refs),
        unresolved=tuple(_moved(ref, where) for ref in result.unresolved),
        errors=tuple(_moved_error(error, path, where) for error in result.errors),
    )


def _after(result: Extraction, offset: int) -> Extraction:
    """The part of ``result`` below line ``offset``, with lines counted from there."""
    return Extraction(
        refs=tuple(replace(r, line=r.line - offset) for r in result.refs if r.line > offset),
        unresolved=tuple(
            replace(u, line=u.line - offset) for u in result.unresolved if u.line > offset
        ),
        errors=tuple(
            e if e.line is None else replace(e, line=max(e.line - offset, 1)) for e in result.errors
        ),
    )


def _in_cell(cell: int) -> Where:
    return lambda line: (cell, line)


def _moved(ref: _Ref, where: Where) -> _Ref:
    cell, line = where(ref.line)
    moved = replace(ref, line=line, cell=cell, source=SourceKind.NOTEBOOK)
    if isinstance(moved, ModelRef) and moved.via is not None:
        moved = replace(moved, via=_moved_via(moved.via, moved.path, where))
    return moved


def _moved_via(via: str, path: str, where: Where) -> str:
    """``MODEL at nb.ipynb:7`` (a line of the scanned text) -> ``MODEL at nb.ipynb:cell 2:3``."""
    match = re.fullmatch(rf"(.* at ){re.escape(path)}:(\d+)", via)
    if match is None:  # the value came from another file: its position is already right
        return via
    cell, line = where(int(match.group(2)))
    return f"{match.group(1)}{path}:cell {cell}:{line}"


def _moved_error(error: FileError, path: str, where: Where) -> FileError:
    if error.line is None:
        return replace(error, path=path)
    cell, line = where(error.line)
    return replace(error, path=path, message=f"cell {cell}: {error.message}", line=line)


def _error(path: str, message: str, line: int | None) -> Extraction:
    return Extraction(errors=(FileError(path, message, line),))
