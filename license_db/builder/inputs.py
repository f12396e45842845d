"""Where the build reads from, and the readers: the facts folder, curated.toml, the extension files.

The extension beside ``curated.toml`` (``extra_models.csv``, ``extra_model_conflicts.csv``,
``extra_licenses.toml``) adds models and licenses to the facts, each with its source.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from license_db.builder.report import BuildReport

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
DEFAULT_FACTS = REPO_ROOT.parent / "shared" / "license-facts"
CURATED = DATA_DIR / "curated.toml"
EXTRA_MODELS = DATA_DIR / "extra_models.csv"
EXTRA_CONFLICTS = DATA_DIR / "extra_model_conflicts.csv"
EXTRA_LICENSES = DATA_DIR / "extra_licenses.toml"


def read_optional(path: Path) -> str | None:
    """The file's text, or None when it does not exist."""
    return path.read_text(encoding="utf-8") if path.exists() else None


def read_csv(path: Path) -> list[dict[str, str]]:
    """The CSV file's rows as dicts keyed by its header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_optional_csv(path: Path) -> list[dict[str, str]]:
    """The CSV file's rows, or no rows when it does not exist."""
    return read_csv(path) if path.exists() else []


def read_curated() -> dict[str, Any]:
    """curated.toml: family rules, derivative markers, Ollama names, packages, API groups."""
    curated: dict[str, Any] = tomllib.loads(CURATED.read_text(encoding="utf-8"))
    return curated


def read_licenses(facts: Path, report: BuildReport) -> dict[str, Any]:
    """licenses.toml plus extra_licenses.toml; a license defined in both is an error."""
    licenses = tomllib.loads((facts / "licenses.toml").read_text(encoding="utf-8"))
    extra = tomllib.loads(read_optional(EXTRA_LICENSES) or "")
    for key in sorted(extra.keys() & licenses.keys()):
        report.errors.append(f"extra_licenses.toml: {key!r} is already in licenses.toml")
    for key, raw in extra.items():
        if not raw.get("source"):
            report.errors.append(f"extra_licenses.toml: {key!r} has no source")
    return {**extra, **licenses}


def source_corpus(facts: Path) -> str:
    """The text every curated rule's source must occur in: the licenses and models files."""
    parts = [(facts / n).read_text(encoding="utf-8") for n in ("licenses.toml", "models.csv")]
    parts += [read_optional(p) or "" for p in (EXTRA_LICENSES, EXTRA_MODELS)]
    return "\n".join(parts)
