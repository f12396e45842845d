"""Dependencies that are models: spaCy pipeline packages and packages whose license governs weights.

Reads ``requirements*.txt`` / ``*.in`` (pip's line format), ``pyproject.toml`` ([project], PEP 735
dependency groups, Poetry, PDM, uv) and ``setup.cfg``. Requirements are parsed with ``packaging``;
a line it rejects becomes a FileError and the scan goes on.
"""

from __future__ import annotations

import configparser
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from scanner.context import RepoContext
from scanner.extractors.configs import SPACY_PACKAGE, locate_toml_strings
from scanner.types import Extraction, FileError, ModelRef, RefKind, SourceKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

WEIGHT_PACKAGES = frozenset({"ultralytics", "yolov5"})
"""Packages whose own license (AGPL-3.0) governs the weights they download by name."""

_SPACY_WHEEL = re.compile(
    r"(?:^|[/=])(?P<name>[a-z]{2,3}_[a-z]+_[a-z0-9_]+)-\d[\w.+]*(?:-py3-none-any\.whl|\.tar\.gz|\.zip)"
)
_COMMENT = re.compile(r"(?:^|\s+)#.*$")
_OPTION = re.compile(r"\s+--?[A-Za-z]")
_URL_OR_PATH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|\.{0,2}/|[\w.-]+/)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One requirement as written, with where it starts (1-based line and column)."""

    text: str
    line: int
    column: int


def model_refs(entry: Entry, path: str, source: SourceKind) -> tuple[ModelRef, ...]:
    """The model references in one requirement; raises InvalidRequirement if it is malformed."""
    requirement = Requirement(entry.text)
    name = canonicalize_name(requirement.name)
    spacy = name.replace("-", "_")
    if SPACY_PACKAGE.fullmatch(spacy):
        return (_ref(entry, path, source, RefKind.SPACY, spacy, "req.spacy"),)
    if name in WEIGHT_PACKAGES:
        return (_ref(entry, path, source, RefKind.PACKAGE, name, "req.package"),)
    return ()


def _ref(
    entry: Entry, path: str, source: SourceKind, kind: RefKind, raw: str, extractor: str
) -> ModelRef:
    return ModelRef(path, entry.line, entry.column, kind, raw, extractor, source)


def _scan(entries: Iterator[Entry], path: str, source: SourceKind) -> Extraction:
    refs: list[ModelRef] = []
    errors: list[FileError] = []
    for entry in entries:
        if _URL_OR_PATH.match(entry.text):  # a bare URL or path: the wheel's file name tells
            wheel = _SPACY_WHEEL.search(entry.text)
            if wheel and SPACY_PACKAGE.fullmatch(wheel.group("name")):
                name = wheel.group("name")
                refs.append(_ref(entry, path, source, RefKind.SPACY, name, "req.spacy"))
            continue
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
    """spaCy model packages and weight-fetching packages in a pip requirements file."""
    return _scan(requirement_lines(text), path, SourceKind.REQUIREMENTS)


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
            column = len(logical) - len(logical.lstrip()) + 1
            yield Entry(entry, start, column)
    if pending and _requirement_part(pending):
        yield Entry(_requirement_part(pending), start, 1)


def _requirement_part(line: str) -> str:
    """The requirement in a logical line, without per-requirement options (``--hash=...``)."""
    text = line.strip()
    if not text or text.startswith("-"):  # -r, -c, -e, --index-url ...: not a requirement
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
