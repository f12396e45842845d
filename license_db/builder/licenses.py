"""License terms records: each licenses.toml table -> a LicenseTerms-shaped dict."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from license_db.builder.license_tables import (
    DUTY_LIMITS,
    LIMIT_SCOPES,
    NOT_USE_TAGS,
    OUTPUT_TRAINING,
    REGIONAL,
    REVENUE_PERIODS,
)
from license_db.builder.report import BuildReport
from license_db.schema import Commercial, LimitEffect, LimitScope, OutputTraining, Period
from license_db.vocabulary import USE_CATEGORIES, USE_TAG_CATEGORIES

_TOML_ONLY_KEYS = frozenset({"source", "use_restrictions", "output_training_restriction"})
_BASIS_KEYS = ("mau_basis", "revenue_basis", "attribution", "notes")
_LICENSE_KEYS = [
    "name",
    "family",
    "category",
    "commercial",
    "spdx",
    "hub_id",
    "hub_license_name",
    "mau_limit",
    "mau_basis",
    "revenue_limit_usd",
    "revenue_basis",
    "modification",
    "distribution",
    "hosting_allowed",
    "hosted_service_counts_as_distribution",
    "attribution",
    "naming_rule",
    "license_copy_required",
    "notice_file_required",
    "share_alike",
    "use_restrictions_flow_down",
    "geographic_restriction",
    "aup_url",
    "notes",
    "primary_text_read",
]


def map_use_tags(tags: Iterable[str], report: BuildReport, license_id: str) -> tuple[str, ...]:
    """Vocabulary categories of ``tags`` (sorted, unique); unmapped tags become errors."""
    categories: set[str] = set()
    for tag in tags:
        if tag in USE_TAG_CATEGORIES:
            categories.update(USE_TAG_CATEGORIES[tag])
        elif tag not in NOT_USE_TAGS:
            report.errors.append(f"{license_id}: use-restriction tag {tag!r} is not mapped")
    unknown = categories - USE_CATEGORIES.keys()
    report.errors.extend(f"{license_id}: category {c!r} not in USE_CATEGORIES" for c in unknown)
    return tuple(sorted(categories))


def parse_commercial(text: str | None, missing: Iterable[str]) -> tuple[Commercial, str | None]:
    """``"no (model); outputs ..."`` -> (NO, the whole qualified text); absent -> UNKNOWN."""
    if text is None or "commercial" in missing:
        return Commercial.UNKNOWN, None
    head, _, rest = text.strip().partition(" ")
    return Commercial(head.lower()), (text.strip() if rest else None)


def output_training_effect(
    license_id: str, text: str | None, report: BuildReport
) -> OutputTraining | None:
    """The mapped effect of the facts' output-training text; None when the facts state none."""
    effect = OUTPUT_TRAINING.get(license_id)
    if text is None and effect is not None:
        report.errors.append(f"{license_id}: OUTPUT_TRAINING maps a term the facts do not state")
    elif text is not None and effect is None:
        report.errors.append(f"{license_id}: output-training text {text!r} is not mapped")
    return effect if text is not None else None


def limit_terms(license_id: str, raw: Mapping[str, Any], report: BuildReport) -> dict[str, Any]:
    """limits_apply_to and revenue_limit_period from the explicit tables, quotes checked."""
    has_limit = raw.get("mau_limit") is not None or raw.get("revenue_limit_usd") is not None
    scope = _quoted(license_id, LIMIT_SCOPES, raw, report)
    if has_limit and scope is None:
        report.errors.append(f"{license_id}: has a user or revenue limit but no LIMIT_SCOPES row")
    period = _quoted(license_id, REVENUE_PERIODS, raw, report)
    if raw.get("revenue_limit_usd") is not None and period is None:
        report.notes.append(f"{license_id}: the period of its revenue limit is not stated")
    return {
        "limits_apply_to": (scope or LimitScope.ANY).value,
        "revenue_limit_period": period.value if period else None,
    }


def _quoted(
    license_id: str,
    table: Mapping[str, tuple[LimitScope, str]] | Mapping[str, tuple[Period, str]],
    raw: Mapping[str, Any],
    report: BuildReport,
) -> Any:
    """The table's value for ``license_id`` when its quote occurs in the facts' text."""
    if license_id not in table:
        return None
    value, quote = table[license_id]
    if not any(quote in str(raw.get(k) or "") for k in _BASIS_KEYS):
        report.errors.append(f"{license_id}: {quote!r} is not in its basis, attribution or notes")
    if raw.get("mau_limit") is None and raw.get("revenue_limit_usd") is None:
        report.errors.append(f"{license_id}: mapped in a limit table but has no limit")
    return value


def license_record(key: str, raw: Mapping[str, Any], report: BuildReport) -> dict[str, Any]:
    """One licenses.toml table as a LicenseTerms-shaped dict."""
    missing = tuple(raw.get("missing", ()))
    not_applicable = set(raw.get("not_applicable", ()))
    naming = _absent_as_none(raw, "naming_rule", not_applicable)
    geographic = _absent_as_none(raw, "geographic_restriction", not_applicable)
    training = _output_training_fields(key, raw, report)
    return {
        **_identity_fields(key, raw),
        **_commercial_fields(raw, missing),
        **_limit_fields(key, raw, report),
        **_duty_fields(raw, naming),
        **_use_restriction_fields(key, raw, report),
        **training,
        **_regional_fields(key, geographic),
        "missing": list(missing),
        "not_applicable": sorted(not_applicable),
    }


def _identity_fields(key: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Id, names, family, identifiers, sources and notes of the license."""
    return {
        "id": key,
        "name": raw["name"],
        "family": raw["family"],
        "category": raw["category"],
        "sources": list(raw.get("source", ())),
        "spdx": raw.get("spdx"),
        "hub_id": raw.get("hub_id") or None,
        "hub_license_name": raw.get("hub_license_name"),
        "proprietary_api": raw["family"] == "proprietary-api",
        "aup_url": raw.get("aup_url"),
        "notes": raw.get("notes"),
        "primary_text_read": bool(raw.get("primary_text_read", False)),
    }


def _commercial_fields(raw: Mapping[str, Any], missing: Iterable[str]) -> dict[str, Any]:
    """Whether commercial use is allowed, with the facts' qualifying text."""
    commercial, note = parse_commercial(raw.get("commercial"), missing)
    return {"commercial": commercial.value, "commercial_note": note}


def _limit_fields(key: str, raw: Mapping[str, Any], report: BuildReport) -> dict[str, Any]:
    """MAU and revenue thresholds, what they govern and what crossing them means."""
    effect = LimitEffect.DUTY if key in DUTY_LIMITS else LimitEffect.NEEDS_LICENSE
    return {
        "mau_limit": raw.get("mau_limit"),
        "mau_basis": raw.get("mau_basis"),
        "revenue_limit_usd": raw.get("revenue_limit_usd"),
        "revenue_basis": raw.get("revenue_basis"),
        "limit_effect": effect.value,
        **limit_terms(key, raw, report),
    }


def _duty_fields(raw: Mapping[str, Any], naming: Any) -> dict[str, Any]:
    """Modification, distribution and hosting rights and the attribution / notice duties."""
    return {
        "modification": raw.get("modification"),
        "distribution": raw.get("distribution"),
        "hosting_allowed": raw.get("hosting_allowed"),
        "hosted_service_counts_as_distribution": raw.get(
            "hosted_service_counts_as_distribution", False
        ),
        "attribution": raw.get("attribution"),
        "naming_rule": naming,
        "license_copy_required": raw.get("license_copy_required"),
        "notice_file_required": raw.get("notice_file_required"),
        "share_alike": raw.get("share_alike"),
    }


def _use_restriction_fields(
    key: str, raw: Mapping[str, Any], report: BuildReport
) -> dict[str, Any]:
    """Use-restriction categories (mapped from the tags), the raw tags and their flow-down."""
    tags = raw.get("use_restrictions", ())
    return {
        "use_restrictions": list(map_use_tags(tags, report, key)),
        "use_restrictions_raw": list(tags),
        "use_restrictions_flow_down": raw.get("use_restrictions_flow_down"),
    }


def _output_training_fields(
    key: str, raw: Mapping[str, Any], report: BuildReport
) -> dict[str, Any]:
    """The output-training text and its hand-read effect."""
    training = raw.get("output_training_restriction")
    effect = output_training_effect(key, training, report)
    return {
        "output_training_restricted": (
            None if effect is None else effect is OutputTraining.FORBIDDEN
        ),
        "output_training": training,
        "output_training_effect": effect.value if effect else None,
    }


def _regional_fields(key: str, geographic: Any) -> dict[str, Any]:
    """The geographic clause and the regions (and models) whose grant it withholds."""
    regions, scope, covered = REGIONAL.get(key, ((), None, None))
    return {
        "geographic_restriction": geographic,
        "restricted_regions": list(regions),
        "restricted_regions_scope": scope,
        "restricted_regions_models": covered,
    }


def check_tables(licenses: Mapping[str, Any], report: BuildReport) -> None:
    """Every license id of the hand-read tables exists in the facts."""
    tables: dict[str, Iterable[str]] = {
        "OUTPUT_TRAINING": OUTPUT_TRAINING,
        "LIMIT_SCOPES": LIMIT_SCOPES,
        "REVENUE_PERIODS": REVENUE_PERIODS,
        "REGIONAL": REGIONAL,
        "DUTY_LIMITS": DUTY_LIMITS,
    }
    for name, keys in tables.items():
        report.errors.extend(f"{name}: no license {k!r}" for k in sorted(keys) if k not in licenses)


def _absent_as_none(raw: Mapping[str, Any], key: str, not_applicable: set[str]) -> Any:
    """A text field whose value is "none": verified absent, so None plus ``not_applicable``."""
    value = raw.get(key)
    if value == "none":
        not_applicable.add(key)
        return None
    return value


def unmapped_license_keys(licenses: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """licenses.toml keys the schema has no field for (reported, not an error)."""
    known = set(_LICENSE_KEYS) | _TOML_ONLY_KEYS | {"not_applicable", "missing"}
    return sorted({k for raw in licenses.values() for k in raw} - known)
