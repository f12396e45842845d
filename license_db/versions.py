"""Database versions other than the loaded one: a built data folder, or a facts folder built now.

``db diff OLD NEW`` compares two versions; each side is one of

* ``bundled``: the data package this program ships (``license_db/data``);
* a built data folder (``manifest.json`` with ``licenses.json``, ``models.json``, ...), or a
  folder holding one as ``data/`` or ``license_db/data/`` (an installed package, a checkout);
* a license-facts folder (``licenses.toml`` and ``models.csv``): built in memory with this
  program's curated rules and extension files, exactly as ``python -m license_db.build`` would.

Reading a version never writes anything and never imports the builder unless a facts folder is
given. The change log of the data package is read here too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from license_db.frozen import Record
from license_db.loader import read_bundle, read_json
from license_db.records import Bundle

BUNDLED = "bundled"
_DATA_FOLDERS = (".", "data", "license_db/data")
_FACTS_FILES = ("licenses.toml", "models.csv")


class VersionError(Exception):
    """A database version that cannot be read: the message says which and why."""


class ChangelogEntry(Record):
    """One release of the data: its version and what changed, in plain words."""

    version: str
    changes: tuple[str, ...]


def open_version(spec: str) -> Bundle:
    """The database ``spec`` names: ``bundled``, a built data folder or a facts folder."""
    if spec == BUNDLED:
        return read_bundle()
    path = Path(spec)
    if not path.is_dir():
        raise VersionError(f"{spec}: not 'bundled' and not a folder")
    for sub in _DATA_FOLDERS:
        folder = path / sub
        if (folder / "manifest.json").is_file():
            return _read_folder(folder)
    if all((path / name).is_file() for name in _FACTS_FILES):
        return _build_facts(path)
    raise VersionError(
        f"{spec}: neither a built database (manifest.json, or data/manifest.json) "
        "nor a license-facts folder (licenses.toml and models.csv)"
    )


def _read_folder(folder: Path) -> Bundle:
    """A built data folder, parsed like the bundled data."""

    def read(name: str) -> Any:
        """One data file of ``folder``, parsed."""
        return json.loads((folder / name).read_text(encoding="utf-8"))

    return _parsed(str(folder), read)


def _build_facts(facts: Path) -> Bundle:
    """A facts folder built in memory; the build's errors make it unreadable."""
    from license_db.builder.pipeline import build  # the builder only when facts are given

    try:
        files, report = build(facts)
    except (OSError, KeyError, ValueError) as exc:
        raise VersionError(f"{facts}: cannot build: {exc}") from exc
    if report.errors:
        shown = "; ".join(report.errors[:5])
        more = f" (and {len(report.errors) - 5} more)" if len(report.errors) > 5 else ""
        raise VersionError(f"{facts}: the build failed: {shown}{more}")
    return _parsed(str(facts), _files_reader(files))


def _files_reader(files: Mapping[str, str]) -> Callable[[str], Any]:
    """A reader over the build's output texts."""

    def read(name: str) -> Any:
        """One built file, parsed."""
        return json.loads(files[name])

    return read


def _parsed(where: str, read: Callable[[str], Any]) -> Bundle:
    """The bundle ``read`` yields; a missing or malformed file names the folder."""
    try:
        return read_bundle(read)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise VersionError(f"{where}: not a readable database: {exc!r}") from exc


def changelog() -> tuple[ChangelogEntry, ...]:
    """The data package's change log, newest release first."""
    return tuple(
        ChangelogEntry(entry["version"], tuple(entry["changes"]))
        for entry in read_json("changelog.json")
    )
