"""Regenerate the bundled database (license_db/data/*.json) from the license facts.

Never imported at scan time. Reads ``../shared/license-facts`` (relative to the repository root,
or the directory given on the command line), ``license_db/data/curated.toml`` (family rules,
derivative markers, Ollama names, packages, API provider groups) and the facts extension beside it
(``extra_models.csv``, ``extra_model_conflicts.csv``, ``extra_licenses.toml``: more models and
licenses, each with its source), validates everything, writes sorted JSON and prints what it could
not map. ``--check`` compares instead of writing.

    python -m license_db.build [FACTS_DIR] [--check]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from license_db import DB_VERSION  # bump it when the facts or curated rules change
from license_db.expression import LicenseExpressionError, ids, parse
from license_db.schema import (
    SCHEMA_VERSION,
    Commercial,
    LimitEffect,
    LimitScope,
    OutputTraining,
    Period,
)
from license_db.vocabulary import USE_CATEGORIES, USE_TAG_CATEGORIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FACTS = REPO_ROOT.parent / "shared" / "license-facts"
CURATED = DATA_DIR / "curated.toml"
EXTRA_MODELS = DATA_DIR / "extra_models.csv"
EXTRA_CONFLICTS = DATA_DIR / "extra_model_conflicts.csv"
EXTRA_LICENSES = DATA_DIR / "extra_licenses.toml"
EXTRA_COLUMNS = ("model_id", "license", "source", "tier")
TIERS = frozenset({1, 2, 3, 4, 5})
OUTPUTS = ("licenses.json", "models.json", "aliases.json", "api_models.json", "rules.json")

# Every use-restriction tag of licenses.toml must be in vocabulary.USE_TAG_CATEGORIES or here.
NOT_USE_TAGS: dict[str, str] = {
    "commercial-or-production-use": "commercial / hosting fields",
    "commercial-supply-incl-hosted-services": "commercial / hosting fields",
    "commercial-use": "commercial field",
    "commercial-use-of-model-or-outputs": "commercial field (note)",
    "commercial-use-of-outputs (per Cohere staff)": "commercial field (note)",
    "failure-to-disclose-known-dangers": "a disclosure duty, not a use",
    "internal-commercial-use": "commercial field",
    "offering-as-hosted-service-or-api": "hosting_allowed field",
    "production-use": "commercial / hosting fields",
    "removing-notices": "attribution / notice duties",
    "resale": "distribution field",
}
"""Tags that are not use categories: the policy reads them from other fields."""

OUTPUT_TRAINING: dict[str, OutputTraining] = {
    # "none" / "none stated" / "none in the license itself" / "none (outputs must not be used in
    # ways that breach the license)": the license sets no term on training with its outputs.
    **dict.fromkeys(
        (
            "agpl-3.0",
            "apache-2.0",
            "bigcode-openrail-m",
            "bigscience-bloom-rail-1.0",
            "bigscience-openrail-m",
            "bsd-3-clause",
            "cc-by-4.0",
            "cc-by-nc-4.0",
            "cc-by-nc-sa-3.0",
            "cc-by-nc-sa-4.0",
            "cc-by-sa-3.0",
            "cc-by-sa-4.0",
            "creativeml-openrail-m",
            "gpl-3.0",
            "mit",
            "openrail++",
        ),
        OutputTraining.NONE,
    ),
    # "none stated; NVIDIA claims no ownership of outputs"
    "nvidia-open-model-license": OutputTraining.NONE,
    # "no ban; outputs may be used to train other models, but such distributed models must carry
    # the Llama name prefix": allowed; the prefix is the naming_rule duty (OBL004).
    **dict.fromkeys(("llama3.1", "llama3.2", "llama3.3", "llama4"), OutputTraining.NONE),
    # "models trained on Gemma outputs (distillation/synthetic data) count as Model Derivatives and
    # stay under the Gemma terms; outputs themselves are not derivatives"
    "gemma": OutputTraining.DERIVATIVE,
    # "none stated; distillation into another model makes it a Derivative that inherits the
    # restrictions"
    "deepseek": OutputTraining.DERIVATIVE,
    # "yes: ... may not be used to improve any other LLM (... derivatives excepted)"
    **dict.fromkeys(
        ("databricks-open-model", "llama2", "llama3", "tongyi-qianwen", "tongyi-qianwen-research"),
        OutputTraining.FORBIDDEN,
    ),
    # "yes: materials, derivatives and outputs may not be used to create or improve any
    # foundational generative AI model" / "... to train/create/improve foundational, large language
    # or general-purpose AI models" / "... to train, fine-tune or distil a model that competes"
    **dict.fromkeys(
        ("flux-1-dev-non-commercial-license", "grok2-community", "stabilityai-ai-community"),
        OutputTraining.FORBIDDEN,
    ),
    # "yes: output may not be used to develop models that compete with ..." (API terms)
    **dict.fromkeys(
        ("proprietary-api-anthropic", "proprietary-api-google-gemini", "proprietary-api-openai"),
        OutputTraining.FORBIDDEN,
    ),
    # "outputs, like models and derivatives, may only be used for purposes the license authorises
    # (research)": training outside research is not authorised.
    "mrl": OutputTraining.FORBIDDEN,
}
"""License id -> what its ``output_training_restriction`` text means, read by hand from that text.

Every license whose facts state the term must be here (and no other): the build fails otherwise,
so a new license is read, never guessed from words.
"""

LIMIT_SCOPES: dict[str, tuple[LimitScope, str]] = {
    # Llama: the MAU test counts the licensee's users whatever the use (Llama 2 section 2).
    **{
        key: (LimitScope.ANY, "monthly active users of licensee + affiliates")
        for key in ("llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4")
    },
    "databricks-open-model": (LimitScope.ANY, "MAU of licensee + affiliates"),
    "qwen": (LimitScope.COMMERCIAL, "commercial use above 100M MAU needs a license"),
    "tongyi-qianwen": (
        LimitScope.COMMERCIAL,
        "commercial use by a product/service with more than 100M monthly active users",
    ),
    # Stability's own announcement of this license (stability.ai/news/license-update): "free for
    # research, non-commercial, and commercial use. You only need a paid Enterprise license if your
    # yearly revenues exceed USD$1M and you use Stability AI models in commercial products or
    # services"; "Non-commercial use remains free".
    "stabilityai-ai-community": (LimitScope.COMMERCIAL, "commercial users must register"),
    "lfm1.0": (
        LimitScope.COMMERCIAL,
        "the commercial-use right under this license ends and a paid Liquid AI license is "
        "needed; research and qualified non-profit use have no threshold",
    ),
    "falcon-llm-license-1.0": (LimitScope.COMMERCIAL, "attributable to commercial use"),
    "modified-mit-kimi": (
        LimitScope.COMMERCIAL,
        "commercial products above either threshold must prominently show",
    ),
}
"""License id -> the uses its MAU / revenue thresholds govern, with the facts' words that say so.

Every license with a threshold must be here; the quoted words must occur in its basis, attribution
or notes (the build checks both).
"""

REVENUE_PERIODS: dict[str, tuple[Period, str]] = {
    "stabilityai-ai-community": (Period.YEAR, "annual revenue of licensee + affiliates"),
    "lfm1.0": (Period.YEAR, "annual revenue of the company using the model"),
    "modified-mit-kimi": (Period.MONTH, "USD 20M MONTHLY revenue"),
    # falcon-llm-license-1.0: "royalty (default 10%) on revenue above USD 1M attributable to
    # commercial use" names no period: left unset, the policy check reads it both ways.
}
"""License id -> the period its revenue threshold counts, with the facts' words that say so."""

REGIONAL: dict[str, tuple[tuple[str, ...], str, str | None]] = {
    "llama3.2": (
        ("EU",),
        "multimodal (vision) models only; end users of products are unaffected",
        "multimodal",
    ),
    "llama4": (
        ("EU",),
        "multimodal models only; end users of products are unaffected",
        "multimodal",
    ),
}
"""Licenses whose geographic clause withholds the grant in a region (llama3.3: text-only).

The third item names the models the clause covers: ``"multimodal"`` for models the curated
``[[modality]]`` rules mark multimodal (geographic_restriction: "for the multimodal (vision)
models" / "for Llama 4 multimodal models"); None for every model of the license.
"""

DUTY_LIMITS: frozenset[str] = frozenset({"modified-mit-kimi"})
"""Licenses whose MAU/revenue thresholds trigger a duty (display "Kimi K2"), not a new license."""

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
_TOML_ONLY_KEYS = frozenset({"source", "use_restrictions", "output_training_restriction"})
_SNAPSHOT = re.compile(r"/blob/(?P<commit>[0-9a-f]{40})/.*snapshot (?P<date>\d{4}-\d{2}-\d{2})")


@dataclass
class BuildReport:
    """What the build could not map or found inconsistent; ``errors`` fail the build."""

    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable report lines."""
        return [f"error: {e}" for e in self.errors] + [f"note: {n}" for n in self.notes]


# -- licenses ---------------------------------------------------------------------------------


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


_BASIS_KEYS = ("mau_basis", "revenue_basis", "attribution", "notes")


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
    commercial, note = parse_commercial(raw.get("commercial"), missing)
    naming = _absent_as_none(raw, "naming_rule", not_applicable)
    geographic = _absent_as_none(raw, "geographic_restriction", not_applicable)
    regions, scope, covered = REGIONAL.get(key, ((), None, None))
    training = raw.get("output_training_restriction")
    effect = output_training_effect(key, training, report)
    record: dict[str, Any] = {
        "id": key,
        "name": raw["name"],
        "family": raw["family"],
        "category": raw["category"],
        "commercial": commercial.value,
        "commercial_note": note,
        "sources": list(raw.get("source", ())),
        "spdx": raw.get("spdx"),
        "hub_id": raw.get("hub_id") or None,
        "hub_license_name": raw.get("hub_license_name"),
        "mau_limit": raw.get("mau_limit"),
        "mau_basis": raw.get("mau_basis"),
        "revenue_limit_usd": raw.get("revenue_limit_usd"),
        "revenue_basis": raw.get("revenue_basis"),
        "limit_effect": (
            LimitEffect.DUTY if key in DUTY_LIMITS else LimitEffect.NEEDS_LICENSE
        ).value,
        **limit_terms(key, raw, report),
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
        "use_restrictions": list(map_use_tags(raw.get("use_restrictions", ()), report, key)),
        "use_restrictions_raw": list(raw.get("use_restrictions", ())),
        "use_restrictions_flow_down": raw.get("use_restrictions_flow_down"),
        "output_training_restricted": (
            None if effect is None else effect is OutputTraining.FORBIDDEN
        ),
        "output_training": training,
        "output_training_effect": effect.value if effect else None,
        "geographic_restriction": geographic,
        "restricted_regions": list(regions),
        "restricted_regions_scope": scope,
        "restricted_regions_models": covered,
        "proprietary_api": raw["family"] == "proprietary-api",
        "aup_url": raw.get("aup_url"),
        "notes": raw.get("notes"),
        "primary_text_read": bool(raw.get("primary_text_read", False)),
        "missing": list(missing),
        "not_applicable": sorted(not_applicable),
    }
    return record


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


# -- hosted APIs ------------------------------------------------------------------------------


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
    groups, verified = api_cfg["groups"], api_cfg["licenses"]
    local = set(api_cfg["local_runtimes"])
    records: list[dict[str, Any]] = []
    sources: dict[str, str] = {}
    per_provider: dict[str, list[dict[str, str]]] = {}
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if row["provider"] in local:
            continue
        key = provider_key(row["provider"], groups)
        if (row["model_name"].lower(), key) in seen:
            report.notes.append(f"API name {row['model_name']!r} ({key}) repeats in another case")
            continue
        seen.add((row["model_name"].lower(), key))
        if key not in verified:
            per_provider.setdefault(key, []).append(row)
        source_key = _source_key(row["source"])
        sources[source_key] = row["source"]
        records.append(
            {
                "name": row["model_name"],
                "provider": key,
                "mode": row["mode"] or None,
                "license": api_license_id(key, verified),
                "source": source_key,
            }
        )
    for row in bare_name_rows(rows, api_cfg.get("bare_names", ())):
        key = provider_key(row["provider"], groups)
        if (row["model_name"].lower(), key) in seen:
            continue
        seen.add((row["model_name"].lower(), key))
        records.append(
            {
                "name": row["model_name"],
                "provider": key,
                "mode": row["mode"] or None,
                "license": api_license_id(key, verified),
                "source": _source_key(row["source"]),
            }
        )
    skipped = sum(1 for row in rows if row["provider"] in local)
    report.notes.append(f"{skipped} API rows of local runtimes {sorted(local)} not treated as APIs")
    records.sort(key=lambda r: (r["name"].lower(), r["name"], r["provider"]))
    return records, dict(sorted(sources.items())), per_provider


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
    found = _SNAPSHOT.search(source)
    return f"litellm@{found['date']}" if found else source


# -- models and aliases -----------------------------------------------------------------------


def model_kind(model_id: str, source: str) -> str:
    """huggingface, spacy or ultralytics, from the id's shape and its source."""
    if "explosion/spacy-models" in source and "/" not in model_id:
        return "spacy"
    if model_id.endswith(".pt") and "ultralytics" in source:
        return "ultralytics"
    return "huggingface"


def model_records(facts: Path, report: BuildReport) -> list[dict[str, Any]]:
    """models.csv plus extra_models.csv, with tiers and conflicts, sorted case-insensitively."""
    tiers = {r["model_id"]: int(r["tier"]) for r in _csv(facts / "model_evidence_tiers.csv")}
    conflicts = {
        r["model_id"]: r["all_claims"]
        for path in (facts / "model_license_conflicts.csv", EXTRA_CONFLICTS)
        for r in _optional_csv(path)
    }
    rows: list[dict[str, Any]] = [
        {**r, "tier": tiers.get(r["model_id"])} for r in _csv(facts / "models.csv")
    ]
    rows += extra_model_rows(_optional_csv(EXTRA_MODELS), rows, report)
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


# -- curated rules ----------------------------------------------------------------------------


def rule_regex(rule: Mapping[str, Any]) -> str:
    """The rule's whole-string regex (globs translated)."""
    if "regex" in rule:
        return str(rule["regex"])
    return glob_regex(str(rule["pattern"]).lower())


def glob_regex(pattern: str) -> str:
    """A glob (``*`` any run, ``?`` one character) as a plain regex every Python reads alike.

    ``fnmatch.translate`` emits atomic groups on Python 3.11+, which 3.10 cannot compile, and its
    output changes between versions; the bundled data must be the same for every interpreter.
    """
    parts = {"*": ".*", "?": "."}
    return "".join(parts.get(char) or re.escape(char) for char in pattern)


def check_rules(
    curated: Mapping[str, Any], license_ids: set[str], corpus: str, report: BuildReport
) -> None:
    """Every rule: unique id, a regex that compiles, known licenses, a source from the facts."""
    seen: dict[str, int] = {}
    family = curated["family"]
    for index, rule in enumerate([*family, *curated["ollama"], *curated["package"]]):
        rid = rule["id"]
        if rid in seen:
            report.errors.append(f"rule {rid}: duplicate id")
        seen[rid] = index
        if "name" not in rule:
            try:
                re.compile(rule_regex(rule))
            except re.error as exc:
                report.errors.append(f"rule {rid}: bad pattern: {exc}")
        _check_expression(f"rule {rid}", rule["license"], license_ids, report)
        if rule["source"] not in corpus:
            report.errors.append(f"rule {rid}: source {rule['source']!r} is not in the facts")
    for index, rule in enumerate(family):
        parent = rule.get("exception_of")
        if parent is not None and not (seen.get(parent, -1) > index):
            report.errors.append(f"rule {rule['id']}: exception_of {parent!r} must follow it")
    if curated["derivatives"]["source"] not in corpus:
        report.errors.append("derivatives: source is not in the facts")
    check_modality(curated.get("modality", ()), corpus, report)


def check_modality(rules: Iterable[Mapping[str, Any]], corpus: str, report: BuildReport) -> None:
    """Every modality rule: unique id, a regex that compiles, a boolean, a source and a note."""
    seen: set[str] = set()
    for rule in rules:
        rid = rule["id"]
        if rid in seen:
            report.errors.append(f"modality {rid}: duplicate id")
        seen.add(rid)
        try:
            re.compile(rule["regex"])
        except re.error as exc:
            report.errors.append(f"modality {rid}: bad regex: {exc}")
        if not isinstance(rule.get("multimodal"), bool):
            report.errors.append(f"modality {rid}: multimodal must be true or false")
        if rule["source"] not in corpus or not rule.get("note"):
            report.errors.append(f"modality {rid}: needs a note and a source from the facts")


def rule_conflicts(
    models: list[dict[str, Any]], family: list[Mapping[str, Any]]
) -> list[tuple[str, str, str, str]]:
    """(model, rule id, rule license, fact license) where the first matching rule disagrees."""
    compiled = [(r, re.compile(rule_regex(r))) for r in family]
    found = []
    for rec in models:
        lowered = rec["model_id"].lower()
        rule = next((r for r, rx in compiled if rx.fullmatch(lowered)), None)
        if rule is not None and rule["license"] != rec["license"]:
            found.append((rec["model_id"], rule["id"], rule["license"], rec["license"]))
    return found


def compiled_rules(curated: Mapping[str, Any]) -> dict[str, Any]:
    """rules.json: family and Ollama rules with their regex, packages, derivative markers."""

    def rule(r: Mapping[str, Any]) -> dict[str, Any]:
        keep = ("id", "license", "source", "note", "exception_of", "pattern", "regex")
        out = {k: r[k] for k in keep if k in r}
        out["match"] = rule_regex(r)
        return out

    derivatives = curated["derivatives"]
    return {
        "family": [rule(r) for r in curated["family"]],
        "ollama": [rule(r) for r in curated["ollama"]],
        "package": [dict(r) for r in curated["package"]],
        "derivatives": {
            "repackagers": sorted(s.lower() for s in derivatives["repackagers"]),
            "suffixes": sorted(
                {s.lower() for s in derivatives["suffixes"]}, key=lambda s: (-len(s), s)
            ),
            "source": derivatives["source"],
            "note": derivatives["note"],
        },
        "api_prefixes": dict(sorted(curated["api"]["prefixes"].items())),
        "modality": [
            {k: r[k] for k in ("id", "regex", "multimodal", "source", "note")}
            for r in curated.get("modality", ())
        ],
    }


def _check_expression(where: str, text: str, license_ids: set[str], report: BuildReport) -> None:
    try:
        keys = ids(parse(text))
    except LicenseExpressionError as exc:
        report.errors.append(f"{where}: {exc}")
        return
    report.errors.extend(f"{where}: unknown license {k!r}" for k in keys if k not in license_ids)


# -- the build --------------------------------------------------------------------------------


def build(facts: Path, built: str | None = None) -> tuple[dict[str, str], BuildReport]:
    """All output files (name -> text) and the report. Writes nothing."""
    report = BuildReport()
    raw_licenses = read_licenses(facts, report)
    curated = tomllib.loads(CURATED.read_text(encoding="utf-8"))
    licenses = {k: license_record(k, v, report) for k, v in raw_licenses.items()}
    check_tables(raw_licenses, report)
    dropped = unmapped_license_keys(raw_licenses)
    report.notes.append(f"licenses.toml keys without a schema field: {', '.join(dropped)}")
    api, api_sources, per_provider = api_models(
        _csv(facts / "proprietary_models.csv"), curated["api"], report
    )
    for key, rows in per_provider.items():
        record = api_license_record(key, rows)
        licenses.setdefault(record["id"], record)
    report.notes.append(f"{len(per_provider)} proprietary-api licenses generated for providers")
    models, aliases = split_aliases(model_records(facts, report), report)
    license_ids = set(licenses)
    for rec in models:
        _check_expression(rec["model_id"], rec["license"], license_ids, report)
    check_rules(curated, license_ids, _source_corpus(facts), report)
    for mid, rid, rule_lic, fact_lic in rule_conflicts(models, curated["family"]):
        report.errors.append(f"{mid}: rule {rid} says {rule_lic}, the facts say {fact_lic}")
    files = {
        "licenses.json": _pretty([licenses[k] for k in sorted(licenses)]),
        "models.json": _lines(models),
        "aliases.json": _lines(sorted(aliases, key=lambda a: a["alias"].lower())),
        "api_models.json": _api_json(api, api_sources),
        "rules.json": _pretty(compiled_rules(curated)),
    }
    files["manifest.json"] = _manifest(files, built or DB_VERSION.replace(".", "-"), report)
    return files, report


def _manifest(files: Mapping[str, str], built: str, report: BuildReport) -> str:
    digests = {n: hashlib.sha256(t.encode()).hexdigest() for n, t in sorted(files.items())}
    manifest = {
        "db_version": DB_VERSION,
        "schema_version": SCHEMA_VERSION,
        "built": built,
        "facts": "../shared/license-facts",
        "files": digests,
        "unmapped": report.notes,
    }
    return _pretty(manifest)


def read_licenses(facts: Path, report: BuildReport) -> dict[str, Any]:
    """licenses.toml plus extra_licenses.toml; a license defined in both is an error."""
    licenses = tomllib.loads((facts / "licenses.toml").read_text(encoding="utf-8"))
    extra = tomllib.loads(_read(EXTRA_LICENSES) or "")
    for key in sorted(extra.keys() & licenses.keys()):
        report.errors.append(f"extra_licenses.toml: {key!r} is already in licenses.toml")
    for key, raw in extra.items():
        if not raw.get("source"):
            report.errors.append(f"extra_licenses.toml: {key!r} has no source")
    return {**extra, **licenses}


def _source_corpus(facts: Path) -> str:
    parts = [(facts / n).read_text(encoding="utf-8") for n in ("licenses.toml", "models.csv")]
    parts += [_read(p) or "" for p in (EXTRA_LICENSES, EXTRA_MODELS)]
    return "\n".join(parts)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _optional_csv(path: Path) -> list[dict[str, str]]:
    return _csv(path) if path.exists() else []


def _pretty(data: object) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _lines(records: Iterable[Mapping[str, Any]]) -> str:
    body = ",\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)
    return "[\n" + body + "\n]\n"


def _api_json(records: list[dict[str, Any]], sources: Mapping[str, str]) -> str:
    head = json.dumps(sources, indent=1, sort_keys=True, ensure_ascii=False)
    models = _lines(records).rstrip("\n")
    return '{\n"models": ' + models + ',\n"sources": ' + head + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    """Regenerate (or ``--check``) the bundled data; print the report; 1 on errors."""
    parser = argparse.ArgumentParser(prog="python -m license_db.build", description=__doc__)
    parser.add_argument("facts", nargs="?", type=Path, default=DEFAULT_FACTS)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--built", help="build date to record (default: the DB version's date)")
    args = parser.parse_args(argv)
    files, report = build(args.facts, args.built)
    for line in report.lines():
        print(line, file=sys.stderr)
    if report.errors:
        return 1
    stale = [n for n, t in files.items() if _read(DATA_DIR / n) != t]
    if args.check:
        print("stale: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for name in stale:
        (DATA_DIR / name).write_text(files[name], encoding="utf-8")
    print(f"wrote {len(stale)} file(s) to {DATA_DIR}")
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
