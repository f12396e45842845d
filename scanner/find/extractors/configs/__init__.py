"""YAML, JSON and TOML configs: values of keys that name models (``base_model``, ``_name_or_path``).

Each format is read into one small positional tree (``Scalar`` / ``Mapping`` / ``Sequence``) and a
single walker applies the ``MODEL_KEYS`` table, so the three formats agree on what a model key is.
YAML is only composed with ``SafeLoader`` (nodes, never objects); JSON and TOML are validated by the
standard library (TOML through ``tomlsafe``) and their value positions located in the text.

A file that cannot be parsed within bounds (over ``MAX_CONFIG_BYTES``, nested too deeply, TOML
numbers too long) is scanned by a linear-time line scanner for the same keys and reported as a
FileError; YAML aliases are never expanded (each shared node is read once).

This entry module holds the gates every format passes first (lock files, this tool's own
reports, the size limit) and hands the rest to one module per concern:

* ``keys``: the key tables (which keys name models, datasets, spaCy pipelines; which outputs).
* ``values``: what a value under a model key names (``classify``).
* ``tree``: the positional tree and the walker (``model_values``); ``refs``: hits -> ModelRefs.
* ``yaml_file``, ``json_file`` (with JSONC), ``toml_file`` (with ``locate_toml_strings``).
* ``lines``: the line scanner for configs that are not parsed.

The gate names (``MAX_CONFIG_BYTES``, ``oversized``...) are defined here, so patching
``configs.MAX_CONFIG_BYTES`` changes the limit every format applies.
"""

from __future__ import annotations

import posixpath
import re

from scanner.context import RepoContext
from scanner.find.extractors.configs.json_file import read_json
from scanner.find.extractors.configs.keys import MODEL_KEYS, OUTPUT_KEYS, key_spec, normalise_key
from scanner.find.extractors.configs.lines import line_refs, line_scan
from scanner.find.extractors.configs.toml_file import locate_toml_strings, read_toml
from scanner.find.extractors.configs.yaml_file import read_yaml
from scanner.types import Extraction, SourceKind

__all__ = [
    "MAX_CONFIG_BYTES",
    "MODEL_KEYS",
    "OUTPUT_KEYS",
    "extract_ini",
    "extract_json",
    "extract_toml",
    "extract_yaml",
    "key_spec",
    "locate_toml_strings",
    "normalise_key",
]
"""What other modules use: the three extractors, TOML positions (pyproject), the key tables."""

MAX_CONFIG_BYTES = 1_000_000
"""Configs larger than this are data (tokenizer vocabularies, datasets), not configuration."""

LOCK_FILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "conda-lock.yml"}
)
"""Lock files that do not end in ``.lock`` (``yarn.lock``, ``poetry.lock``, ``uv.lock``...)."""

OWN_OUTPUT_MARK = re.compile(r'"(?:name|tool)"\s*:\s*"model-license-guard"')
"""How this tool's JSON, SARIF, CycloneDX reports and baselines name their producer."""


def extract_yaml(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a YAML file (every document); aliases are read, never expanded."""
    if ignored(path):
        return Extraction()
    if oversized(text):
        return line_scan(path, text, ctx, SourceKind.YAML, over_limit(text))
    return read_yaml(path, text, ctx)


def extract_json(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a JSON file (e.g. a Hugging Face ``config.json``'s ``_name_or_path``)."""
    if ignored(path) or own_output(text):
        return Extraction()
    if oversized(text):
        return line_scan(path, text, ctx, SourceKind.JSON, over_limit(text))
    return read_json(path, text, ctx)


def extract_toml(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a TOML file (``pyproject.toml`` tool sections, app configs)."""
    if ignored(path):
        return Extraction()
    if oversized(text):
        return line_scan(path, text, ctx, SourceKind.TOML, over_limit(text))
    return read_toml(path, text, ctx)


def extract_ini(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in an INI file (``setup.cfg`` tool sections: ``embedding_model = x``):
    its ``key = value`` lines, read by the line scanner (INI has no nesting to parse)."""
    if oversized(text):
        return line_scan(path, text, ctx, SourceKind.SETUP_CFG, over_limit(text))
    return Extraction(refs=line_refs(path, text, ctx, SourceKind.SETUP_CFG))


def own_output(text: str) -> bool:
    """True for a report or baseline this tool wrote: it lists findings, not dependencies."""
    return OWN_OUTPUT_MARK.search(text, 0, 4096) is not None


def ignored(path: str) -> bool:
    """True for lock files: they pin what the manifests already declare."""
    name = posixpath.basename(path).lower()
    return name in LOCK_FILES or name.endswith(".lock")


def oversized(text: str) -> bool:
    """True for a config too large to parse (``MAX_CONFIG_BYTES``): it is scanned line by line."""
    return len(text) > MAX_CONFIG_BYTES or len(text.encode("utf-8")) > MAX_CONFIG_BYTES


def skipped(path: str, text: str) -> bool:
    """True for lock files and files too large to parse (those are still scanned line by line)."""
    return ignored(path) or oversized(text)


def over_limit(text: str) -> str:
    """The reason an oversized config is scanned line by line."""
    size = len(text.encode("utf-8")) / 1_000_000
    limit = MAX_CONFIG_BYTES // 1_000_000 or 1
    return f"not parsed: {size:.1f} MB is over the {limit} MB config limit"
