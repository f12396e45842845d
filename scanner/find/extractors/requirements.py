"""Dependencies that are models: spaCy pipeline packages and packages whose license governs weights.

Reads ``requirements*.txt`` / ``*.in`` (pip's line format, following ``-r`` / ``-c`` includes),
``pyproject.toml`` ([project], PEP 735 dependency groups, Poetry, PDM, uv), ``setup.cfg`` and conda
``environment.yml`` (conda specs and its ``pip:`` list). Requirements are parsed with ``packaging``;
a line it rejects becomes a FileError and the scan goes on. What a package name means is decided
in ``packages`` (shared with configs and notebooks).
"""

from __future__ import annotations

import configparser
import posixpath
import re
from bisect import bisect_right
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import yaml
from packaging.requirements import InvalidRequirement

from scanner import tomlsafe
from scanner.context import RepoContext
from scanner.find.extractors import configs
from scanner.find.extractors.configs import locate_toml_strings
from scanner.find.extractors.packages import (
    CONDA_SPACY_PREFIX,
    SPACY_PACKAGE,
    WEIGHT_PACKAGES,
    PackageModel,
    by_name,
    requirement_model,
)
from scanner.types import Extraction, FileError, ModelRef, RefKind, SourceKind

__all__ = ["SPACY_PACKAGE", "WEIGHT_PACKAGES"]  # re-exported: defined in ``packages``

MAX_INCLUDE_DEPTH = 8
"""How deep ``-r`` includes are followed (pip has no limit; cycles are cut anyway)."""

# ``(?<!\s)``: a whitespace run is tried once, from its start (no quadratic backtracking)
_COMMENT = re.compile(r"(?:^|(?<!\s)\s+)#.*$")
_OPTION = re.compile(r"(?<!\s)\s+--?[A-Za-z]")
_DRIVE = re.compile(r"^[A-Za-z]:/")
_EDITABLE = re.compile(r"^(?:-e|--editable)(?:\s+|=)(?P<target>\S.*)$")
_INCLUDE = re.compile(r"^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(?P<file>\S+)")
_EXTRACTOR_ID = {RefKind.SPACY: "req.spacy", RefKind.PACKAGE: "req.package"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One requirement as written, with where it starts (1-based line and column)."""

    text: str
    line: int
    column: int


def model_refs(entry: Entry, path: str, source: SourceKind) -> tuple[ModelRef, ...]:
    """The model references in one requirement; raises InvalidRequirement if it is malformed."""
    model = requirement_model(entry.text)
    return (_ref(entry, path, source, model),) if model is not None else ()


def _ref(entry: Entry, path: str, source: SourceKind, model: PackageModel) -> ModelRef:
    extractor = _EXTRACTOR_ID[model.kind]
    return ModelRef(path, entry.line, entry.column, model.kind, model.name, extractor, source)


def _scan(entries: Iterator[Entry], path: str, source: SourceKind) -> Extraction:
    refs: list[ModelRef] = []
    errors: list[FileError] = []
    for entry in entries:
        try:
            refs.extend(model_refs(entry, path, source))
        except InvalidRequirement as err:
            reason = str(err).splitlines()[0]
            errors.append(
                FileError(path, f"invalid requirement {entry.text!r}: {reason}", entry.line)
            )
    return Extraction(refs=tuple(refs), errors=tuple(errors))


# --- requirements.txt -------------------------------------------------------------------------


def extract_requirements(path: str, text: str, ctx: RepoContext) -> Extraction:
    """spaCy model and weight-fetching packages in a pip requirements file and its includes.

    A ``-r`` / ``-c`` include is read from the including file's folder; its findings carry the
    included file's own path (the driver merges duplicates when that file is scanned itself).
    Each included file is read and scanned at most once per top-level file, however often it is
    included; an include that leaves the repository or goes deeper than ``MAX_INCLUDE_DEPTH``
    is not followed and is reported on the including line.
    """
    walk = IncludeWalk(ctx, path)
    walk.follow(path, include_lines(text), 0)
    own = _scan(requirement_lines(text), path, SourceKind.REQUIREMENTS)
    return _joined([own, *walk.run()], walk.errors)


def _joined(parts: list[Extraction], errors: list[FileError]) -> Extraction:
    """The parts' findings as one Extraction, with the walk's own errors last."""
    return Extraction(
        refs=tuple(ref for part in parts for ref in part.refs),
        errors=(*(error for part in parts for error in part.errors), *errors),
    )


@dataclass(slots=True)
class IncludeWalk:
    """The ``-r`` / ``-c`` files reachable from one top-level file, each read at most once.

    Files are keyed by their real path (symlinks resolved), so a file included many times, under
    several names or in a cycle is read once; the walk is breadth-first, so every file is reached
    at its smallest include depth first and findings come out in that order.
    """

    ctx: RepoContext
    top: str
    seen: set[str] = field(default_factory=set)
    queue: deque[tuple[str, str, int]] = field(default_factory=deque)
    errors: list[FileError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seen.add(self._key(self.top) or self.top)

    def follow(self, path: str, found: Iterable[tuple[int, str]], depth: int) -> None:
        """Queue the files that ``path`` (at include ``depth``) names on its include lines."""
        for line, include in found:
            target, problem = include_target(path, include)
            key = self._key(target) if problem is None else None
            if problem is None and key is None:
                problem = "it is outside the repository (a symlink that leaves it, or a loop)"
            if problem is not None:
                message = f"include {include!r} not followed: {problem}"
                self.errors.append(FileError(path, message, line))
            elif key not in self.seen:
                self._enqueue(path, line, include, target, depth + 1)
                self.seen.add(str(key))

    def _enqueue(self, path: str, line: int, include: str, target: str, depth: int) -> None:
        """Read ``target`` for the queue, unless it is too deep; report what cannot be read."""
        if depth > MAX_INCLUDE_DEPTH:
            message = (
                f"include {include!r} not followed: over the {MAX_INCLUDE_DEPTH} level "
                "include depth limit"
            )
            self.errors.append(FileError(path, message, line))
            return
        body = self.ctx.read_text(target)
        if body is not None:
            self.queue.append((target, body, depth))
        elif self.ctx.exists(target) and not self.ctx.is_dir(target):
            message = f"include {include!r} not read: too large, not a regular file or not UTF-8"
            self.errors.append(FileError(path, message, line))

    def run(self) -> list[Extraction]:
        """Scan every queued file once, following its own includes; one Extraction per file."""
        parts: list[Extraction] = []
        while self.queue:
            path, body, depth = self.queue.popleft()
            parts.append(_scan(requirement_lines(body), path, SourceKind.REQUIREMENTS))
            self.follow(path, include_lines(body), depth)
        return parts

    def _key(self, rel: str) -> str | None:
        """The real path of ``rel`` under the root, or None when it resolves outside the root."""
        root = self.ctx.root
        try:
            real, base = (root / rel).resolve(), root.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            return None
        return str(real) if real == base or real.is_relative_to(base) else None


def include_target(path: str, include: str) -> tuple[str, str | None]:
    """The repo-relative file an include of ``path`` names, or why it is never read."""
    name = include.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return name, "it is an absolute path (only files inside the repository are read)"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(path), name))
    if target == ".." or target.startswith("../"):
        return target, "it points outside the repository"
    return target, None


def includes(text: str) -> list[str]:
    """Files named by ``-r`` / ``-c`` lines (local relative paths only; URLs are not fetched)."""
    return [name for _, name in include_lines(text)]


def include_lines(text: str) -> list[tuple[int, str]]:
    """``(1-based line, file)`` for each ``-r`` / ``-c`` line naming a local file."""
    found = []
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _INCLUDE.match(_COMMENT.sub("", raw).strip())
        if match and "://" not in match.group("file") and "$" not in match.group("file"):
            found.append((number, match.group("file")))
    return found


def requirement_lines(text: str) -> Iterator[Entry]:
    """Requirement entries of a pip requirements file (comments, options, ``\\`` joins handled)."""
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw if pending else _COMMENT.sub("", raw)
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        logical = _COMMENT.sub("", pending + line) if pending else line
        pending = ""
        entry = _requirement_part(logical)
        if entry:
            yield Entry(entry, start, logical.find(entry) + 1)
    if pending and _requirement_part(pending):
        yield Entry(_requirement_part(pending), start, 1)


def _requirement_part(line: str) -> str:
    """The requirement in a logical line, without per-requirement options (``--hash=...``)."""
    text = line.strip()
    editable = _EDITABLE.match(text)
    if editable:  # -e URL#egg=name: the URL names the package; -e . is the project itself
        target = editable.group("target").strip()
        return target if "://" in target or "+" in target.split("/", 1)[0] else ""
    if not text or text.startswith("-"):  # -r, -c, --index-url ...: not a requirement
        return ""
    option = _OPTION.search(text)
    return (text[: option.start()] if option else text).strip()


# --- pyproject.toml ---------------------------------------------------------------------------


def extract_pyproject(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model packages among pyproject.toml dependencies (PEP 621, PEP 735, Poetry, PDM, uv).

    A TOML error (syntax, nesting, huge numbers) is reported by ``configs.extract_toml``, which
    reads the same file.
    """
    try:
        data = tomlsafe.loads(text)
    except tomlsafe.TomlError:
        return Extraction()
    pep508 = list(_pep508_strings(data))
    located = locate_toml_strings(text, pep508)
    entries = [Entry(v, line, col) for (_, v), (line, col) in zip(pep508, located, strict=True)]
    entries.extend(_poetry_entries(data, text))
    return _scan(iter(entries), path, SourceKind.PYPROJECT)


def _pep508_strings(data: dict[str, object]) -> Iterator[tuple[str, str]]:
    """``(array key, requirement)`` for every PEP 508 string in the dependency arrays."""
    project = _table(data, "project")
    tool = _table(data, "tool")
    yield from _strings("dependencies", project.get("dependencies"))
    for name, group in _table(project, "optional-dependencies").items():
        yield from _strings(name, group)
    for name, group in _table(data, "dependency-groups").items():
        yield from _strings(name, group)  # {include-group = ...} entries are tables: skipped
    for name, group in _table(_table(tool, "pdm"), "dev-dependencies").items():
        yield from _strings(name, group)
    yield from _strings("dev-dependencies", _table(tool, "uv").get("dev-dependencies"))


def _poetry_entries(data: dict[str, object], text: str) -> Iterator[Entry]:
    """Poetry dependency tables name packages by key: ``en-core-web-sm = {url = "..."}``."""
    poetry = _table(_table(data, "tool"), "poetry")
    tables = [
        ("tool.poetry.dependencies", poetry.get("dependencies")),
        ("tool.poetry.dev-dependencies", poetry.get("dev-dependencies")),
    ]
    tables += [
        (f"tool.poetry.group.{name}.dependencies", _table(group, "dependencies"))
        for name, group in _table(poetry, "group").items()
    ]
    index = _TomlLines(text.splitlines())
    for header, table in tables:
        start = index.header(header) or 0
        for name in _table_keys(table):
            if name.lower() == "python":
                continue
            line = index.key(name, start) or index.key(name, 0) or 1
            text_line = index.lines[line - 1] if index.lines else ""
            yield Entry(name, line, len(text_line) - len(text_line.lstrip()) + 1)


_HEADER_LINE = re.compile(r"^\s*\[\s*([^\[\]]*?)\s*\]")
_KEY_LINE = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=]+))\s*=""")


class _TomlLines:
    """Where table headers and keys start lines, indexed once (a lookup never rescans the text)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.headers: dict[str, int] = {}
        self.keys: dict[str, list[int]] = {}
        for number, line in enumerate(lines, start=1):
            header = _HEADER_LINE.match(line)
            if header:
                self.headers.setdefault(header.group(1), number)
            key = _KEY_LINE.match(line)
            if key:
                name = next(group for group in key.groups() if group is not None)
                self.keys.setdefault(name, []).append(number)

    def header(self, name: str) -> int | None:
        """The 1-based line of the first ``[name]`` header, or None."""
        return self.headers.get(name)

    def key(self, name: str, start: int) -> int | None:
        """The 1-based line of the first ``name = `` line after index ``start``, or None."""
        numbers = self.keys.get(name, [])
        at = bisect_right(numbers, start)
        return numbers[at] if at < len(numbers) else None


def _table(data: object, key: str) -> dict[str, object]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _table_keys(value: object) -> list[str]:
    return [str(key) for key in value] if isinstance(value, dict) else []


def _strings(key: str, value: object) -> Iterator[tuple[str, str]]:
    if isinstance(value, list):
        yield from ((key, item) for item in value if isinstance(item, str))


# --- setup.cfg --------------------------------------------------------------------------------


def extract_setup_cfg(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model packages in setup.cfg ``install_requires`` and ``[options.extras_require]``."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as err:
        line = getattr(err, "lineno", None)
        if line is None and isinstance(err, configparser.ParsingError) and err.errors:
            line = err.errors[0][0]
        message = str(err).splitlines()[0]
        return Extraction(errors=(FileError(path, f"invalid setup.cfg: {message}", line),))
    values: list[tuple[str, str]] = []
    if parser.has_option("options", "install_requires"):
        values.append(("options", parser.get("options", "install_requires")))
    if parser.has_section("options.extras_require"):
        values += [("options.extras_require", v) for _, v in parser.items("options.extras_require")]
    return _scan(_setup_cfg_entries(text, values), path, SourceKind.SETUP_CFG)


def _setup_cfg_entries(text: str, values: list[tuple[str, str]]) -> Iterator[Entry]:
    """Each requirement of each value, located by searching forward from its section header."""
    lines = text.splitlines()
    for section, value in values:
        header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
        cursor = next((i for i, t in enumerate(lines) if header.match(t)), 0)
        for item in value.splitlines():
            requirement = _COMMENT.sub("", item).strip()
            if not requirement:
                continue
            found = next((i for i in range(cursor, len(lines)) if requirement in lines[i]), cursor)
            cursor = found
            column = lines[found].find(requirement) + 1 if found < len(lines) else 1
            yield Entry(requirement, found + 1, max(column, 1))


# --- conda environment.yml --------------------------------------------------------------------

_CONDA_NAME = re.compile(r"^\s*(?:[\w./:-]+::)?(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)")


def extract_conda(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model packages in a conda environment file: ``dependencies`` and its ``pip:`` list.

    A file named like one that has no top-level ``dependencies`` list is read as a YAML config.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = err.problem or err.context
        return Extraction(errors=(FileError(path, f"invalid YAML: {problem}", line),))
    except (yaml.YAMLError, RecursionError) as err:
        return Extraction(errors=(FileError(path, f"invalid YAML: {err}", None),))
    if not _mapping_value(root, "dependencies"):
        return configs.extract_yaml(path, text, ctx)
    conda: list[ModelRef] = []
    pip: list[Entry] = []
    for node in _mapping_value(root, "dependencies"):
        if isinstance(node, yaml.ScalarNode):
            conda.extend(_conda_ref(path, _entry(node)))
        for item in _mapping_value(node, "pip"):
            if isinstance(item, yaml.ScalarNode):
                pip.append(_entry(item))
    found = _scan(_pip_entries(pip), path, SourceKind.CONDA)
    walk = IncludeWalk(ctx, path)
    walk.follow(path, ((entry.line, name) for entry in pip for name in includes(entry.text)), 0)
    included = walk.run()
    return Extraction(
        refs=(*conda, *found.refs, *(ref for part in included for ref in part.refs)),
        errors=(*found.errors, *(error for part in included for error in part.errors),
                *walk.errors),
    )  # fmt: skip


def _mapping_value(node: yaml.Node | None, key: str) -> list[yaml.Node]:
    """The items of the sequence under ``key`` of a mapping node (empty for any other shape)."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for name, value in node.value:
        if isinstance(name, yaml.ScalarNode) and name.value == key:
            return list(value.value) if isinstance(value, yaml.SequenceNode) else []
    return []


def _entry(node: yaml.ScalarNode) -> Entry:
    column = node.start_mark.column + 1 + (1 if node.style in ("'", '"') else 0)
    return Entry(str(node.value), node.start_mark.line + 1, column)


def _conda_ref(path: str, entry: Entry) -> tuple[ModelRef, ...]:
    match = _CONDA_NAME.match(entry.text)
    if match is None:
        return ()
    name = match.group("name").lower()
    model = by_name(name.removeprefix(CONDA_SPACY_PREFIX))
    if model is None or (name.startswith(CONDA_SPACY_PREFIX) and model.kind is not RefKind.SPACY):
        return ()
    return (_ref(entry, path, SourceKind.CONDA, model),)


def _pip_entries(entries: list[Entry]) -> Iterator[Entry]:
    for entry in entries:
        text = _requirement_part(entry.text)
        if text:
            yield Entry(text, entry.line, entry.column + entry.text.find(text))
