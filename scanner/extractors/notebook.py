"""Jupyter notebooks: code cells read as plain JSON and scanned by the Python extractor.

All code cells become one synthetic module, in order, so a constant set in one cell resolves in a
later one. IPython syntax (``%magic``, ``%%cell magic``, ``!shell``, ``x = !cmd``, ``obj?``, with
their ``\\`` continuation lines) is blanked to ``pass`` with the same indentation, so every line
keeps its number; results are mapped back to (cell, line in cell). A cell that still does not
parse is scanned on its own, so the Python extractor's own handling of broken code applies to it
without hiding the other cells. Only code cells are read: outputs (images, logs) never are.

Shell lines and shell cells are read for ``pip install`` / ``spacy download`` commands. A
``%%writefile NAME`` cell holds another file: its body is scanned as that file's kind (Python,
YAML, JSON, TOML, requirements, by NAME) on its own, never as part of the notebook's module.
"""

from __future__ import annotations

import ast
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

from scanner.context import RepoContext
from scanner.discover import classify
from scanner.extractors import configs, python, requirements
from scanner.extractors.packages import command_models
from scanner.types import Extraction, FileError, ModelRef, SourceKind, UnresolvedRef

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python",
                                "python3", "memit", "mprun"})  # fmt: skip
"""Cell magics whose body is Python; any other cell magic (``%%bash``, ``%%writefile``) is not."""

SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system", "shell"})
"""Cell magics whose body is shell commands (read for ``pip install`` / ``spacy download``)."""

WRITEFILE_MAGICS = frozenset({"writefile", "file"})
"""Cell magics whose body is the text of another file, named by the magic's last argument."""

_FILE_EXTRACTORS: dict[SourceKind, Callable[[str, str, RepoContext], Extraction]] = {
    SourceKind.PYTHON: python.extract,
    SourceKind.YAML: configs.extract_yaml,
    SourceKind.JSON: configs.extract_json,
    SourceKind.TOML: configs.extract_toml,
    SourceKind.PYPROJECT: requirements.extract_pyproject,
    SourceKind.REQUIREMENTS: requirements.extract_requirements,
    SourceKind.CONDA: requirements.extract_conda,
}
"""How a ``%%writefile`` body is read, by the kind its file name has."""

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
        results.append(Extraction(refs=tuple(shell_refs(path, cell))))
        written = written_file(cell.source)
        if written is not None:
            results.append(_scan_written(path, cell, *written, ctx))
            continue
        lines = python_lines(cell.source)
        if parses("\n".join(lines)):
            module.extend(lines)
            where.extend((cell.index, n) for n in range(1, len(lines) + 1))
        else:  # scanned after the cells before it (their imports), keeping only its own lines
            alone = python.extract(path, "\n".join([*module, *lines]) + "\n", ctx)
            results.append(remap(_after(alone, len(module)), path, _in_cell(cell.index)))
    if module:
        whole = python.extract(path, "\n".join(module) + "\n", ctx)
        results.append(remap(whole, path, lambda line: where[min(max(line, 1), len(where)) - 1]))
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


def cell_magic(source: str) -> tuple[int, str, list[str]] | None:
    """``(line index, name, arguments)`` of the ``%%magic`` opening a cell, or None."""
    lines = source.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].lstrip().startswith("%%"):
        return None
    words = lines[first].lstrip()[2:].split()
    return (first, words[0], words[1:]) if words else (first, "", [])


def python_lines(source: str) -> list[str]:
    """The cell's lines with IPython syntax replaced by ``pass`` (same count, same indentation)."""
    lines = source.splitlines() or [""]
    magic = cell_magic(source)
    if magic is not None:
        first, name, _ = magic
        keep = name in PYTHON_CELL_MAGICS
        lines = [line if keep and i > first else "" for i, line in enumerate(lines)]
    if parses("\n".join(lines)):
        return lines
    return _blank_ipython(lines)


def _blank_ipython(lines: list[str]) -> list[str]:
    """Magic, shell and help lines become ``pass``; their ``\\`` continuation lines become empty."""
    out: list[str] = []
    continued = False
    for line in lines:
        if continued:
            out.append("")
        elif is_ipython_line(line):
            stripped = line.lstrip()
            out.append(f"{line[: len(line) - len(stripped)]}pass")
        else:
            out.append(line)
            continue
        continued = line.rstrip().endswith("\\")
    return out


def is_ipython_line(line: str) -> bool:
    """True for a line magic, shell escape, ``x = !cmd`` or ``obj?`` line."""
    stripped = line.lstrip()
    return stripped.startswith(("%", "!")) or bool(_HELP.match(line) or _SHELL_ASSIGN.match(line))


def shell_lines(source: str) -> list[str]:
    """The cell's lines that are shell or magic commands (others empty; line count kept)."""
    lines = source.splitlines()
    magic = cell_magic(source)
    if magic is not None and magic[1] in SHELL_CELL_MAGICS:
        return ["" if i <= magic[0] else line for i, line in enumerate(lines)]
    if magic is not None and magic[1] not in PYTHON_CELL_MAGICS:
        return []
    out: list[str] = []
    continued = False
    for line in lines:
        keep = continued or is_ipython_line(line)
        out.append(line if keep else "")
        continued = keep and line.rstrip().endswith("\\")
    return out


def shell_refs(path: str, cell: Cell) -> Iterator[ModelRef]:
    """Models that a cell's ``!pip install`` / ``%pip install`` / ``spacy download`` lines name."""
    if "install" not in cell.source and "download" not in cell.source:
        return
    text = "\n".join(shell_lines(cell.source))
    starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]
    for found in command_models(text):
        line = bisect_right(starts, found.offset)
        column = found.offset - starts[line - 1] + 1
        yield ModelRef(path, line, column, found.model.kind, found.model.name, found.extractor,
                       SourceKind.NOTEBOOK, cell=cell.index)  # fmt: skip


def written_file(source: str) -> tuple[str, int] | None:
    """``(file name, body's first line index)`` for a ``%%writefile NAME`` cell, else None."""
    magic = cell_magic(source)
    if magic is None or magic[1] not in WRITEFILE_MAGICS or not magic[2]:
        return None
    return magic[2][-1].strip("'\""), magic[0] + 1


def _scan_written(
    path: str, cell: Cell, name: str, body_start: int, ctx: RepoContext
) -> Extraction:
    """A ``%%writefile`` body scanned as the kind of file it writes (nothing for other kinds)."""
    kind = classify(name)
    extractor = _FILE_EXTRACTORS.get(kind) if kind is not None else None
    if extractor is None:
        return Extraction()
    body = "\n".join(cell.source.splitlines()[body_start:]) + "\n"
    result = extractor(path, body, ctx)
    return remap(result, path, lambda line: (cell.index, line + body_start))


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
