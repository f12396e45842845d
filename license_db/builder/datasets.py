"""Dataset-to-license rows: extra_datasets.csv -> datasets.json.

Each row is a Hub dataset id, its license (a database license id or expression; ``unknown`` where
the facts do not settle it, never a permissive guess), the source that states it and a note on
the terms beyond the license (crawl terms, generated data, gating).
"""

from __future__ import annotations

from typing import Any

from license_db.builder.inputs import DATA_DIR, read_optional_csv
from license_db.builder.report import BuildReport

EXTRA_DATASETS = DATA_DIR / "extra_datasets.csv"
DATASET_COLUMNS = ("dataset_id", "license", "source", "notes")


def dataset_records(rows: list[dict[str, str]], report: BuildReport) -> list[dict[str, Any]]:
    """Validated rows (every column, a URL in the source, no id twice), sorted by id."""
    seen: set[str] = set()
    records: list[dict[str, Any]] = []
    for line, row in enumerate(rows, start=2):
        where = f"extra_datasets.csv:{line}"
        missing = [c for c in DATASET_COLUMNS if not (row.get(c) or "").strip()]
        if missing:
            report.errors.append(f"{where}: missing {', '.join(missing)}")
            continue
        if "http" not in row["source"]:
            report.errors.append(f"{where}: the source names no URL")
            continue
        key = row["dataset_id"].lower()
        if key in seen:
            report.errors.append(f"{where}: {row['dataset_id']} is listed twice")
            continue
        seen.add(key)
        records.append({c: row[c].strip() for c in DATASET_COLUMNS})
    records.sort(key=lambda r: (r["dataset_id"].lower(), r["dataset_id"]))
    return records


def read_datasets(report: BuildReport) -> list[dict[str, Any]]:
    """The bundled dataset table's records."""
    return dataset_records(read_optional_csv(EXTRA_DATASETS), report)
