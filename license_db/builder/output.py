"""Output text: the sorted JSON of each bundled data file, and the manifest with their digests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from license_db import DB_VERSION
from license_db.builder.report import BuildReport
from license_db.schema import SCHEMA_VERSION

OUTPUTS = (
    "licenses.json",
    "models.json",
    "aliases.json",
    "api_models.json",
    "rules.json",
    "datasets.json",
)


def pretty_json(data: object) -> str:
    """Indented JSON with sorted keys and a final newline."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def json_lines(records: Iterable[Mapping[str, Any]]) -> str:
    """A JSON list with one record per line (keys sorted), so diffs show one row per change."""
    body = ",\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)
    return "[\n" + body + "\n]\n"


def api_json(records: list[dict[str, Any]], sources: Mapping[str, str]) -> str:
    """api_models.json: the records one per line, then the source table."""
    head = json.dumps(sources, indent=1, sort_keys=True, ensure_ascii=False)
    models = json_lines(records).rstrip("\n")
    return '{\n"models": ' + models + ',\n"sources": ' + head + "\n}\n"


def manifest_json(files: Mapping[str, str], built: str, report: BuildReport) -> str:
    """manifest.json: versions, build date, the files' sha256 digests and the report's notes."""
    digests = {n: hashlib.sha256(t.encode()).hexdigest() for n, t in sorted(files.items())}
    manifest = {
        "db_version": DB_VERSION,
        "schema_version": SCHEMA_VERSION,
        "built": built,
        "facts": "../shared/license-facts",
        "files": digests,
        "unmapped": report.notes,
    }
    return pretty_json(manifest)
