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
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import yaml
from packaging.requirements import InvalidRequirement

from scanner.context import RepoContext
from scanner.extractors import configs
from scanner.extractors.configs import locate_toml_strings
from scanner.extractors.packages import (
    CONDA_SPACY_PREFIX,
    SPACY_PACKAGE,
    WEIGHT_PACKAGES,
    PackageModel,
    by_name,
    requirement_model,
)
from scanner.types import Extraction, FileError, ModelRef, RefKind, SourceKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["SPACY_PACKAGE", "WEIGHT_PACKAGES"]  # re-exported: defined in ``packages``

MAX_INCLUDE_DEPTH = 8
"""How deep ``-r`` includes are followed (pip has no limit; cycles are cut anyway)."""

_COMMENT = re.compile(r"(?:^|\s+)#.*$")
_OPTION = re.compile(r"\s+--?[A-Za-z]")
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
    """
    return _requirements(path, text, ctx, (path,))


def _requirements(path: str, text: str, ctx: RepoContext, chain: tuple[str, ...]) -> Extraction:
    parts = [_scan(requirement_lines(text), path, SourceKind.REQUIREMENTS)]
    if len(chain) <= MAX_INCLUDE_DEPTH:
        for include in includes(text):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), include))
            body = ctx.read_text(target) if target not in chain else None
            if body is not None:
                parts.append(_requirements(target, body, ctx, (*chain, target)))
    return Extraction(
        refs=tuple(ref for part in parts for ref in part.refs),
        errors=tuple(error for part in parts for error in part.errors),
    )


def includes(text: str) -> list[str]:
    """Files named by ``-r`` / ``-c`` lines (local relative paths only; URLs are not fetched)."""
    found = []
    for raw in text.splitlines():
        match = _INCLUDE.match(_COMMENT.sub("", raw).strip())
        if match and "://" not in match.group("file") and "$" not in match.group("file"):
            found.append(match.group("file"))
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

    A TOML syntax error is reported by ``configs.extract_toml``, which reads the same file.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
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
    lines = text.splitlines()
    for header, table in tables:
        start = _line_of(lines, rf"^\s*\[\s*{re.escape(header)}\s*\]", 0) or 0
        for name in _table_keys(table):
            if name.lower() == "python":
                continue
            key = rf"""^\s*(["']?){re.escape(name)}\1\s*="""
            line = _line_of(lines, key, start) or _line_of(lines, key, 0) or 1
            text_line = lines[line - 1] if lines else ""
            yield Entry(name, line, len(text_line) - len(text_line.lstrip()) + 1)


def _line_of(lines: list[str], pattern: str, start: int) -> int | None:
    """The 1-based number of the first line from index ``start`` that matches ``pattern``."""
    regex = re.compile(pattern)
    return next((i + 1 for i in range(start, len(lines)) if regex.match(lines[i])), None)


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
    included = [
        _requirements(target, body, ctx, (path, target))
        for target in _pip_includes(path, pip)
        if (body := ctx.read_text(target)) is not None
    ]
    return Extraction(
        refs=(*conda, *found.refs, *(ref for part in included for ref in part.refs)),
        errors=(*found.errors, *(error for part in included for error in part.errors)),
    )


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


def _pip_includes(path: str, entries: list[Entry]) -> list[str]:
    folder = posixpath.dirname(path)
    return [
        posixpath.normpath(posixpath.join(folder, include))
        for include in includes("\n".join(entry.text for entry in entries))
    ]
