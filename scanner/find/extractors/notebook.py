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

What libcst parses is bounded, as for a Python file (libcst takes most of the time and memory):
a cell over ``MAX_CELL_BYTES``, and the cells past ``MAX_CODE_BYTES`` of code in all (the module
plus the rescans of broken cells), are scanned by the fallback tokenizer in pieces and reported.
JSON that is nested too deeply or has cells of the wrong shape is a FileError, never an exception.
"""

from __future__ import annotations

import ast
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TypeVar

from scanner.context import RepoContext
from scanner.find.discover import classify
from scanner.find.extractors import configs, python, requirements
from scanner.find.extractors.packages import command_models
from scanner.find.extractors.python.patterns import CALL_PATTERNS, may_contain_call
from scanner.types import Extraction, FileError, ModelRef, SourceKind, UnresolvedRef, Use

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python",
                                "python3", "memit", "mprun"})  # fmt: skip
"""Cell magics whose body is Python; any other cell magic (``%%bash``, ``%%writefile``) is not."""

SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system", "shell"})
"""Cell magics whose body is shell commands (read for ``pip install`` / ``spacy download``)."""

WRITEFILE_MAGICS = frozenset({"writefile", "file"})
"""Cell magics whose body is the text of another file, named by the magic's last argument."""

MAX_CELL_BYTES = 1_500_000
"""A code cell (or ``%%writefile`` Python body) above this is not parsed, as a Python file above
``scan.MAX_PARSE_BYTES`` is not: the fallback tokenizer scans it and a FileError says so."""

MAX_CODE_BYTES = 1_500_000
"""At most this much code is parsed per notebook: the cells parsed as one module, and apart from
it the text rescanned for cells that do not parse; later cells go to the fallback tokenizer."""

FALLBACK_CHUNK = 100_000
"""Deferred code is given to the fallback tokenizer in pieces of about this many characters."""

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
    document = load(path, text)
    if isinstance(document, Extraction):
        return document
    if not is_python(document):
        return Extraction()
    cells, problems = read_cells(document)
    plan = _Plan()
    for cell in cells:
        _add_cell(plan, path, cell, ctx)
    results = [*plan.results, _module_scan(plan, path, ctx), _fallback_scan(plan, path, ctx)]
    return Extraction(
        refs=tuple(sorted((r for result in results for r in result.refs), key=_position)),
        unresolved=tuple(
            sorted((u for result in results for u in result.unresolved), key=_position)
        ),
        errors=(
            *(FileError(path, problem) for problem in problems),
            *(error for result in results for error in result.errors),
        ),
        uses=tuple(u for result in results for u in result.uses),
    )


def load(path: str, text: str) -> dict[str, object] | Extraction:
    """The notebook's top-level JSON object, or an Extraction holding the one error."""
    try:
        document = _json(text)
    except json.JSONDecodeError as err:
        return _error(path, f"invalid notebook JSON: {err.msg}", err.lineno)
    except RecursionError:
        return _error(path, "not valid JSON: nested too deeply", None)
    if not isinstance(document, dict):
        return _error(path, "not a notebook: the top level is not a JSON object", None)
    return document


def _json(text: str) -> object:
    """``json.loads``; a number too long for ``int`` (an output, an id) is read as 0, not fatal."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return json.loads(text, parse_int=lambda digits: int(digits) if len(digits) < 4000 else 0)


@dataclass(slots=True)
class _Plan:
    """How the code cells are scanned, filled in cell order.

    ``module`` is the synthetic module libcst parses (at most ``MAX_CODE_BYTES``); ``deferred``
    cells (over a size limit or the budget) are scanned together by the fallback tokenizer.
    """

    module: list[str] = field(default_factory=list)
    where: list[tuple[int, int]] = field(default_factory=list)  # module line - 1 -> position
    size: int = 0  # characters in ``module``
    rescanned: int = 0  # characters rescanned for cells that do not parse
    deferred: list[tuple[Cell, list[str]]] = field(default_factory=list)
    over_budget: list[int] = field(default_factory=list)  # cells deferred for the budget
    results: list[Extraction] = field(default_factory=list)


def _add_cell(plan: _Plan, path: str, cell: Cell, ctx: RepoContext) -> None:
    """Scan ``cell`` now (shell lines, a written file, a broken cell) or add it to the plan."""
    plan.results.append(Extraction(refs=tuple(shell_refs(path, cell))))
    written = written_file(cell.source)
    if written is not None:
        plan.results.append(_scan_written(path, cell, *written, ctx))
        return
    if len(cell.source) > MAX_CELL_BYTES:
        plan.results.append(_error(path, f"cell {cell.index}: {_too_large(cell.source)}", None))
        plan.deferred.append((cell, ipython_blanked(cell.source)))
        return
    lines = python_lines(cell.source)
    joined = "\n".join(lines)
    cost, valid = plan.size + len(joined) + 1, parses(joined)
    if valid and cost <= MAX_CODE_BYTES:
        plan.module.extend(lines)
        plan.where.extend((cell.index, n) for n in range(1, len(lines) + 1))
        plan.size = cost
    elif valid or plan.rescanned + cost > MAX_CODE_BYTES:
        plan.over_budget.append(cell.index)
        plan.deferred.append((cell, lines))
    else:  # scanned after the cells before it (their imports), keeping only its own lines
        plan.rescanned += cost
        alone = python.extract(path, "\n".join([*plan.module, *lines]) + "\n", ctx)
        plan.results.append(remap(_after(alone, len(plan.module)), path, _in_cell(cell.index)))


def _too_large(source: str) -> str:
    """Why a cell (or written Python file) this large is not parsed."""
    limit = f"{MAX_CELL_BYTES // 1_000_000 or 1} MB"
    return (
        f"not parsed: {len(source) / 1_000_000:.1f} MB is over the {limit} parse limit "
        "(generated?); scanned with the fallback tokenizer"
    )


def _module_scan(plan: _Plan, path: str, ctx: RepoContext) -> Extraction:
    """The cells that parse, scanned by the Python extractor as one module."""
    if not plan.module:
        return Extraction()
    whole = python.extract(path, "\n".join(plan.module) + "\n", ctx)
    return remap(whole, path, _lines_to(plan.where))


def _fallback_scan(plan: _Plan, path: str, ctx: RepoContext) -> Extraction:
    """Deferred cells scanned together by the fallback tokenizer, after the module's imports."""
    errors: tuple[FileError, ...] = ()
    if plan.over_budget:
        cells, limit = plan.over_budget, f"{MAX_CODE_BYTES // 1_000_000 or 1} MB"
        message = (
            f"{len(cells)} code cell(s) from cell {cells[0]} on not parsed: the notebook's code "
            f"is over the {limit} parse limit; scanned with the fallback tokenizer"
        )
        errors = (FileError(path, message),)
    if not plan.deferred:
        return Extraction(errors=errors)
    lines = [line for _, cell_lines in plan.deferred for line in cell_lines]
    where = [(cell.index, n) for cell, cell_lines in plan.deferred
             for n in range(1, len(cell_lines) + 1)]  # fmt: skip
    refs = chunked_fallback(path, lines, import_header([*plan.module, *lines]), ctx)
    return Extraction(refs=remap(Extraction(refs=refs), path, _lines_to(where)).refs, errors=errors)


def chunked_fallback(
    path: str, lines: list[str], header: list[str], ctx: RepoContext
) -> tuple[ModelRef, ...]:
    """The fallback tokenizer over ``lines`` in pieces of about ``FALLBACK_CHUNK`` characters.

    Each piece is cut before an unindented line and scanned after ``header`` (the imports), so
    memory and the tokenizer's per-call work stay bounded by the piece, not the whole text.
    """
    refs: list[ModelRef] = []
    for first, piece in chunks(lines, FALLBACK_CHUNK):
        text = "\n".join([*header, *piece]) + "\n"
        if may_contain_call(text):
            shift = first - len(header)
            found = python.fallback(path, text, ctx)
            refs.extend(replace(r, line=r.line + shift) for r in found if r.line > len(header))
    return tuple(refs)


def chunks(lines: list[str], size: int) -> Iterator[tuple[int, list[str]]]:
    """``(0-based first line, lines)`` pieces of about ``size`` characters, in order."""
    start = count = 0
    for index, line in enumerate(lines):
        if count >= size and (count >= 4 * size or line[:1] not in _NOT_A_STATEMENT_START):
            yield start, lines[start:index]
            start, count = index, 0
        count += len(line) + 1
    if start < len(lines):
        yield start, lines[start:]


_NOT_A_STATEMENT_START = frozenset({"", " ", "\t", ")", "]", "}", "#", "@"})


def _lines_to(where: list[tuple[int, int]]) -> Where:
    """Maps a line of a synthetic text to the (cell, line in cell) ``where`` lists for it."""
    return lambda line: where[min(max(line, 1), len(where)) - 1]


_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\b|import\s+([\w.]+))")
_LIBRARY_ROOTS = tuple(
    sorted({lib.split(".")[0].rstrip("*") for row in CALL_PATTERNS for lib in row.libraries})
)


def import_header(lines: list[str]) -> list[str]:
    """``import NAME`` for each module the lines import that some loader row's library needs."""
    names = dict.fromkeys(m.group(1) or m.group(2) for line in lines if (m := _IMPORT.match(line)))
    wanted = (name for name in names if name.split(".")[0].startswith(_LIBRARY_ROOTS))
    return [f"import {name}" for name in wanted]


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
    yield from read_cells(document)[0]


def read_cells(document: dict[str, object]) -> tuple[list[Cell], list[str]]:
    """The code cells, and what had the wrong shape (skipped, never an exception)."""
    items, problems = _cell_items(document)
    cells: list[Cell] = []
    for index, cell in enumerate(items, start=1):
        if not isinstance(cell, dict):
            problems.append(f"cell {index}: not a JSON object: skipped")
            continue
        if cell.get("cell_type") != "code":
            continue
        source, problem = _source(cell.get("source", cell.get("input", "")))
        if problem is not None:
            problems.append(f"cell {index}: {problem}")
        if source is not None:
            cells.append(Cell(index, source))
    return cells, problems


def _cell_items(document: dict[str, object]) -> tuple[list[object], list[str]]:
    """The raw cells of nbformat 4 ``cells`` or of every nbformat 3 ``worksheets`` entry."""
    cells = document.get("cells")
    if cells is not None or "worksheets" not in document:
        if isinstance(cells, list) or cells is None:
            return cells or [], []
        return [], ['not a notebook: "cells" is not a list: no cell scanned']
    sheets = document["worksheets"]
    if not isinstance(sheets, list):
        return [], ['not a notebook: "worksheets" is not a list: no cell scanned']
    items: list[object] = []
    problems: list[str] = []
    for number, sheet in enumerate(sheets, start=1):
        cells = sheet.get("cells", []) if isinstance(sheet, dict) else None
        if isinstance(cells, list):
            items.extend(cells)
        else:
            problems.append(f'worksheet {number}: not an object with a "cells" list: skipped')
    return items, problems


def _source(value: object) -> tuple[str | None, str | None]:
    """A cell's source text (a string or a list of strings), and what was wrong with it."""
    if isinstance(value, str):
        return value, None
    if not isinstance(value, list):
        return None, f"source is a {type(value).__name__}, not a string or a list: skipped"
    parts = [part for part in value if isinstance(part, str)]
    problem = None if len(parts) == len(value) else "source parts that are not strings: skipped"
    return "".join(parts), problem


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
    lines = _magic_blanked(source)
    if parses("\n".join(lines)):
        return lines
    return _blank_ipython(lines)


def ipython_blanked(source: str) -> list[str]:
    """``python_lines`` without trying to parse (for cells too large to be parsed)."""
    return _blank_ipython(_magic_blanked(source))


def _magic_blanked(source: str) -> list[str]:
    """The cell's lines; a non-Python cell magic (``%%bash``) blanks the whole body."""
    lines = source.splitlines() or [""]
    magic = cell_magic(source)
    if magic is not None:
        first, name, _ = magic
        keep = name in PYTHON_CELL_MAGICS
        lines = [line if keep and i > first else "" for i, line in enumerate(lines)]
    return lines


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
    if kind is SourceKind.PYTHON and len(body) > MAX_CELL_BYTES:
        lines = body.splitlines()
        refs = chunked_fallback(path, lines, import_header(lines), ctx)
        error = FileError(path, f"cell {cell.index}: {_too_large(body)}")
        result = Extraction(refs=refs, errors=(error,))
    else:
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
        refs=tuple(_moved(ref, where) if ref.path == path else ref for ref in result.refs),
        unresolved=tuple(
            _moved(ref, where) if ref.path == path else ref for ref in result.unresolved
        ),
        errors=tuple(_moved_error(error, path, where) for error in result.errors),
        uses=tuple(_moved_use(use, where) for use in result.uses),
    )


def _after(result: Extraction, offset: int) -> Extraction:
    """The part of ``result`` below line ``offset``, with lines counted from there."""
    return Extraction(
        refs=tuple(_shifted(r, offset) for r in result.refs if r.line > offset),
        unresolved=tuple(
            replace(u, line=u.line - offset) for u in result.unresolved if u.line > offset
        ),
        errors=tuple(
            e if e.line is None else replace(e, line=max(e.line - offset, 1)) for e in result.errors
        ),
        uses=tuple(replace(u, line=u.line - offset) for u in result.uses if u.line > offset),
    )


def _in_cell(cell: int) -> Where:
    return lambda line: (cell, line)


def _moved(ref: _Ref, where: Where) -> _Ref:
    cell, line = where(ref.line)
    moved = replace(ref, line=line, cell=cell, source=SourceKind.NOTEBOOK)
    if isinstance(moved, ModelRef) and moved.via is not None:
        moved = replace(moved, via=_moved_via(moved.via, moved.path, where))
    if isinstance(moved, ModelRef) and moved.uses:
        moved = replace(moved, uses=tuple(_moved_use(use, where) for use in moved.uses))
    return moved


def _shifted(ref: ModelRef, offset: int) -> ModelRef:
    """A reference (and the places that use it) ``offset`` lines up."""
    uses = tuple(replace(u, line=u.line - offset) for u in ref.uses)
    return replace(ref, line=ref.line - offset, uses=uses)


def _moved_use(use: Use, where: Where) -> Use:
    """A training or distribution place moved to its (cell, line in cell)."""
    cell, line = where(use.line)
    return replace(use, line=line, cell=cell)


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
