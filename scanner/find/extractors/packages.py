"""Packages that are models, wherever they are named: requirement strings, URLs, shell commands.

Shared by the requirements, conda, config and notebook extractors, so ``en_core_web_sm`` or
``ultralytics`` is recognised the same way in ``requirements.txt``, an ``environment.yml``, a CI
step's ``pip install`` and a notebook's ``!python -m spacy download``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from scanner.types import RefKind

SPACY_PACKAGE = re.compile(r"[a-z]{2,3}_(?:core|dep|ent|sent|trf|pytt|vectors)_[a-z0-9_]+")
"""A spaCy pipeline package name (``en_core_web_sm``, ``xx_ent_wiki_sm``)."""

SPACY_PIPELINE = re.compile(
    r"[a-z]{2,3}_(?:core|dep|ent|sent|trf|vectors)_[a-z]+_(?:sm|md|lg|trf|xl)"
)
"""The strict ``{lang}_{type}_{genre}_{size}`` form: distinctive enough to count under any key."""

WEIGHT_PACKAGES = frozenset({"ultralytics", "yolov5"})
"""Packages whose own license (AGPL-3.0) governs the weights they download by name."""

CONDA_SPACY_PREFIX = "spacy-model-"
"""conda-forge publishes spaCy pipelines as ``spacy-model-en_core_web_sm``."""

_ARCHIVE = re.compile(
    r"(?:^|/)(?P<name>[A-Za-z0-9][A-Za-z0-9_.]*?)-\d[\w.+!]*"
    r"(?:-[\w.]+)*(?:\.whl|\.tar\.gz|\.tgz|\.zip)$"
)
_EGG = re.compile(r"[#&]egg=(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)")
_VCS_REPO = re.compile(
    r"^(?:git|hg|svn|bzr)\+[^#?]*?/(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*?)(?:\.git)?/?(?:@[^#?/]*)?$"
)
_URL_OR_PATH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[a-z]+\+|\.{0,2}/|[\w.-]+/)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PackageModel:
    """A package that is a model (``SPACY``) or governs the weights it fetches (``PACKAGE``)."""

    kind: RefKind
    name: str


def by_name(name: str) -> PackageModel | None:
    """The model a distribution name stands for (pip spellings normalised), or None."""
    canonical = canonicalize_name(name)
    spacy = canonical.replace("-", "_")
    if SPACY_PACKAGE.fullmatch(spacy):
        return PackageModel(RefKind.SPACY, spacy)
    if canonical in WEIGHT_PACKAGES:
        return PackageModel(RefKind.PACKAGE, canonical)
    return None


def is_url_or_path(text: str) -> bool:
    """True for a requirement written as a bare URL, VCS URL or file path (no ``name @``)."""
    return bool(_URL_OR_PATH.match(text.strip()))


def url_name(url: str) -> str | None:
    """The distribution a URL or path installs: ``#egg=``, a wheel/sdist file name, a VCS repo."""
    text = url.strip()
    egg = _EGG.search(text)
    if egg:
        return egg.group("name")
    bare = re.split(r"[#?]", text, maxsplit=1)[0]
    archive = _ARCHIVE.search(bare)
    if archive:
        return archive.group("name")
    vcs = _VCS_REPO.match(bare)
    return vcs.group("name") if vcs else None


def requirement_model(text: str) -> PackageModel | None:
    """The model a requirement (PEP 508 or URL/path) names; raises InvalidRequirement."""
    if is_url_or_path(text):
        name = url_name(text)
        return by_name(name) if name else None
    return by_name(Requirement(text).name)


# --- shell commands ---------------------------------------------------------------------------

_INSTALL = re.compile(
    r"(?<![\w-])(?:pip3?(?:\.\d+)?\s+install|uv\s+add|poetry\s+add|pdm\s+add)(?![\w-])"
)
_SPACY_DOWNLOAD = re.compile(r"(?<![\w-])spacy\s+download\s+")
_COMMAND_START = re.compile(
    r"(?:^|[\n;&|(`])[ \t]*(?:[!%$>][ \t]*)?(?:sudo[ \t]+)?"
    r"(?:(?:python[\d.]*|py)[ \t]+-m[ \t]+)?(?:uv[ \t]+)?$"
)
"""What may stand before a command on its line: a prompt or magic sign, ``python -m``, ``uv``."""
_TOKEN = re.compile(r"\"[^\"\n]*\"|'[^'\n]*'|[^\s;&|()<>'\"]+")
_WORDS = re.compile(r"(?P<end>[;&|\n<>()]|(?<!\S)#)|\"[^\"\n]*\"|'[^'\n]*'|[^\s;&|()<>'\"]+")
"""Shell words; ``end`` is what ends a command (operators, redirects, a line end, a comment)."""
_VALUE_OPTIONS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
    "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--platform",
    "--python-version", "--implementation", "--abi", "--src", "--log", "--cache-dir",
    "--progress-bar", "-C", "--config-settings", "--global-option", "--trusted-host",
    "--upgrade-strategy", "--python", "-p", "--group", "-G", "--optional", "--extra",
    "--index", "--default-index",
})  # fmt: skip
"""Options of pip/uv/poetry install commands that take the next word as their value."""


_DOWNLOAD_ID = "cmd.spacy_download"
_INSTALL_ID = "cmd.pip_install"


@dataclass(frozen=True, slots=True)
class CommandModel:
    """A model named in a shell command, at ``offset`` (0-based) in the command text."""

    offset: int
    model: PackageModel
    extractor: str  # "cmd.pip_install" or "cmd.spacy_download"


def command_models(text: str) -> list[CommandModel]:
    """Models installed by ``pip install`` / ``uv add`` or fetched by ``spacy download`` in text.

    The command must stand where a command starts (line start, after ``&&`` / ``;``, a prompt or
    magic sign, ``python -m``): words in prose are not run. A ``\\`` line continuation joins
    lines; ``;``, ``&&``, ``|``, a redirect, a comment or a line end ends the command. Words
    with shell or template variables (``$X``, ``{x}``) are not known.
    """
    if "install" not in text and "download" not in text and " add" not in text:
        return []
    joined = re.sub(r"\\\r?\n", lambda m: " " * len(m.group()), text)
    found = [
        CommandModel(token.start(), PackageModel(RefKind.SPACY, token.group()), _DOWNLOAD_ID)
        for match in _SPACY_DOWNLOAD.finditer(joined)
        if _starts_command(joined, match.start())
        and (token := _TOKEN.match(joined, match.end()))
        and SPACY_PACKAGE.fullmatch(token.group())
    ]
    for match in _INSTALL.finditer(joined):
        if _starts_command(joined, match.start()):
            found.extend(_install_args(joined, match.end()))
    return sorted(found, key=lambda item: item.offset)


def _starts_command(text: str, at: int) -> bool:
    """True when the words before ``at`` on its line leave it in command position (not prose)."""
    line_start = text.rfind("\n", 0, at) + 1
    return bool(_COMMAND_START.search(text, line_start - 1 if line_start else 0, at))


def _install_args(text: str, start: int) -> Iterator[CommandModel]:
    skip_next = False
    for token in _WORDS.finditer(text, start):
        if token.group("end"):
            return
        word, offset = token.group(), token.start()
        if word[:1] in "\"'":
            word, offset = word[1:-1].strip(), offset + 1
        if skip_next or not word or "$" in word or "{" in word:
            skip_next = False
            continue
        if word.startswith("-"):
            skip_next = word in _VALUE_OPTIONS
            continue
        try:
            model = requirement_model(word)
        except InvalidRequirement:
            continue
        if model is not None:
            yield CommandModel(offset, model, _INSTALL_ID)
