"""Model-to-license rows: models.csv + extra_models.csv -> models.json and aliases.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from license_db.builder.inputs import EXTRA_CONFLICTS, EXTRA_MODELS, read_csv, read_optional_csv
from license_db.builder.report import BuildReport

EXTRA_COLUMNS = ("model_id", "license", "source", "tier")
TIERS = frozenset({1, 2, 3, 4, 5})


def model_kind(model_id: str, source: str) -> str:
    """huggingface, spacy or ultralytics, from the id's shape and its source."""
    if "explosion/spacy-models" in source and "/" not in model_id:
        return "spacy"
    if model_id.endswith(".pt") and "ultralytics" in source:
        return "ultralytics"
    return "huggingface"


def model_records(facts: Path, report: BuildReport) -> list[dict[str, Any]]:
    """models.csv plus extra_models.csv, with tiers and conflicts, sorted case-insensitively."""
    tiers = {r["model_id"]: int(r["tier"]) for r in read_csv(facts / "model_evidence_tiers.csv")}
    conflicts = {
        r["model_id"]: r["all_claims"]
        for path in (facts / "model_license_conflicts.csv", EXTRA_CONFLICTS)
        for r in read_optional_csv(path)
    }
    rows: list[dict[str, Any]] = [
        {**r, "tier": tiers.get(r["model_id"])} for r in read_csv(facts / "models.csv")
    ]
    rows += extra_model_rows(read_optional_csv(EXTRA_MODELS), rows, report)
    records = []
    for row in rows:
        mid = row["model_id"]
        record: dict[str, Any] = {
            "model_id": mid,
            "license": row["license"],
            "source": row["source"],
            "tier": row["tier"],
            "kind": model_kind(mid, row["source"]),
        }
        if mid in conflicts:
            record["conflict"] = conflicts[mid]
        records.append(record)
    records.sort(key=lambda r: (r["model_id"].lower(), r["model_id"]))
    return records


def extra_model_rows(
    rows: list[dict[str, str]], facts: list[dict[str, Any]], report: BuildReport
) -> list[dict[str, Any]]:
    """Validated extra_models.csv rows: a source, a tier 1-5, an id the facts do not hold."""
    seen = {r["model_id"].lower(): "models.csv" for r in facts}
    kept: list[dict[str, Any]] = []
    for line, row in enumerate(rows, start=2):
        where = f"extra_models.csv:{line}"
        if tuple(row) != EXTRA_COLUMNS:
            report.errors.append(f"{where}: columns must be {', '.join(EXTRA_COLUMNS)}")
            return []
        mid, tier = row["model_id"].strip(), row["tier"].strip()
        if not mid or not row["source"].strip() or not tier.isdigit() or int(tier) not in TIERS:
            report.errors.append(f"{where}: needs a model id, a source and a tier 1-5")
            continue
        if mid.lower() in seen:
            report.errors.append(f"{where}: {mid} is already in {seen[mid.lower()]}")
            continue
        seen[mid.lower()] = where
        kept.append({**row, "model_id": mid, "tier": int(tier)})
    return kept


def split_aliases(
    records: list[dict[str, Any]], report: BuildReport
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Bare legacy Hub ids listed next to exactly one namespaced form become aliases of it."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        if "/" in rec["model_id"]:
            by_name.setdefault(rec["model_id"].split("/", 1)[1].lower(), []).append(rec)
    kept, aliases = [], []
    for rec in records:
        targets = by_name.get(rec["model_id"].lower(), [])
        if rec["kind"] != "huggingface" or "/" in rec["model_id"] or len(targets) != 1:
            kept.append(rec)
            continue
        target = targets[0]
        if target["license"] != rec["license"]:
            report.notes.append(f"{rec['model_id']}: license differs from {target['model_id']}")
            kept.append(rec)
            continue
        aliases.append(
            {
                "alias": rec["model_id"],
                "target": target["model_id"],
                "source": rec["source"],
                "tier": rec["tier"],
            }
        )
    return kept, aliases
