"""Hosted API names: LiteLLM price-map rows -> api_models.json records and API licenses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from license_db.builder.report import BuildReport
from license_db.schema import Commercial

API_COMMON_MISSING = (
    "attribution",
    "license_copy_required",
    "mau_limit",
    "naming_rule",
    "output_training_restriction",
    "revenue_limit_usd",
    "use_restrictions",
    "use_restrictions_flow_down",
)
_SNAPSHOT = re.compile(r"/blob/(?P<commit>[0-9a-f]{40})/.*snapshot (?P<date>\d{4}-\d{2}-\d{2})")


def provider_key(provider: str, groups: Mapping[str, str]) -> str:
    """LiteLLM provider -> the organisation key whose terms apply."""
    if provider.startswith("vertex_ai"):
        return "vertex_ai"
    return groups.get(provider, provider)


def api_license_id(key: str, verified: Mapping[str, str]) -> str:
    """The license id of a provider key (``proprietary-api-<provider>`` unless verified)."""
    return verified.get(key, "proprietary-api-" + key.replace("_", "-"))


def api_license_record(key: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """A generated proprietary-API license for a provider the facts have no terms for."""
    sources = sorted({row["source"] for row in rows})
    return {
        "id": api_license_id(key, {}),
        "name": f"{key} hosted API terms (not verified)",
        "family": "proprietary-api",
        "category": "proprietary-api",
        "commercial": Commercial.CONDITIONAL.value,
        "commercial_note": "through the provider's paid API, under its terms (terms not verified)",
        "sources": sources,
        "modification": False,
        "distribution": False,
        "proprietary_api": True,
        "notes": (
            f"Generated from {len(rows)} LiteLLM price-map rows of provider {key!r}: a hosted API "
            "with no weights distributed; prompts and data are sent to the provider. "
            "The provider's terms were not read."
        ),
        "missing": list(API_COMMON_MISSING),
    }


def api_models(
    rows: list[dict[str, str]], api_cfg: Mapping[str, Any], report: BuildReport
) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, list[dict[str, str]]]]:
    """API model records, their source table, and the rows per generated provider license."""
    local = set(api_cfg["local_runtimes"])
    hosted = [row for row in rows if row["provider"] not in local]
    seen: set[tuple[str, str]] = set()
    records, sources, per_provider = _listed_records(hosted, api_cfg, seen, report)
    records += _bare_name_records(
        bare_name_rows(rows, api_cfg.get("bare_names", ())), api_cfg, seen
    )
    skipped = len(rows) - len(hosted)
    report.notes.append(f"{skipped} API rows of local runtimes {sorted(local)} not treated as APIs")
    records.sort(key=lambda r: (r["name"].lower(), r["name"], r["provider"]))
    return records, dict(sorted(sources.items())), per_provider


def _listed_records(
    rows: list[dict[str, str]],
    api_cfg: Mapping[str, Any],
    seen: set[tuple[str, str]],
    report: BuildReport,
) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, list[dict[str, str]]]]:
    """Records of the price-map names as listed; a name repeating in another case is noted."""
    verified = api_cfg["licenses"]
    records: list[dict[str, Any]] = []
    sources: dict[str, str] = {}
    per_provider: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        key = provider_key(row["provider"], api_cfg["groups"])
        if (row["model_name"].lower(), key) in seen:
            report.notes.append(f"API name {row['model_name']!r} ({key}) repeats in another case")
            continue
        seen.add((row["model_name"].lower(), key))
        if key not in verified:
            per_provider.setdefault(key, []).append(row)
        record = _api_record(row, key, verified)
        sources[record["source"]] = row["source"]
        records.append(record)
    return records, sources, per_provider


def _bare_name_records(
    rows: list[dict[str, str]], api_cfg: Mapping[str, Any], seen: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Records of the bare names not already listed under the same provider."""
    records = []
    for row in rows:
        key = provider_key(row["provider"], api_cfg["groups"])
        if (row["model_name"].lower(), key) in seen:
            continue
        seen.add((row["model_name"].lower(), key))
        records.append(_api_record(row, key, api_cfg["licenses"]))
    return records


def _api_record(row: Mapping[str, str], key: str, verified: Mapping[str, str]) -> dict[str, Any]:
    """One api_models.json record of a price-map row under provider ``key``."""
    return {
        "name": row["model_name"],
        "provider": key,
        "mode": row["mode"] or None,
        "license": api_license_id(key, verified),
        "source": _source_key(row["source"]),
    }


def bare_name_rows(rows: list[dict[str, str]], providers: Iterable[str]) -> list[dict[str, str]]:
    """Rows ``"<provider>/<name>"`` of ``providers`` re-keyed to the bare name their SDK takes."""
    wanted = set(providers)
    bare = []
    for row in rows:
        prefix, sep, name = row["model_name"].partition("/")
        if sep and name and "/" not in name and prefix == row["provider"] in wanted:
            bare.append({**row, "model_name": name})
    return bare


def _source_key(source: str) -> str:
    """A LiteLLM snapshot URL -> ``litellm@<date>``; any other source as it is."""
    found = _SNAPSHOT.search(source)
    return f"litellm@{found['date']}" if found else source
