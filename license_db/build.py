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
import fnmatch
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
from license_db.schema import SCHEMA_VERSION, Commercial, LimitEffect
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

OUTPUT_TRAINING_OVERRIDES: dict[str, bool] = {
    "gemma": True,  # models trained on Gemma outputs stay under the Gemma terms
    "mrl": True,  # outputs may only be used for purposes the license authorises (research)
}
"""Licenses whose output-training text does not start with "yes"/"none"/"no ban"."""

REGIONAL: dict[str, tuple[tuple[str, ...], str]] = {
    "llama3.2": (("EU",), "multimodal (vision) models only; end users of products are unaffected"),
    "llama4": (("EU",), "multimodal models only; end users of products are unaffected"),
}
"""Licenses whose geographic clause withholds the grant in a region (llama3.3: text-only)."""

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


def output_training_restricted(license_id: str, text: str | None) -> bool | None:
    """True/False from the facts' output-training sentence; None when not stated."""
    if license_id in OUTPUT_TRAINING_OVERRIDES:
        return OUTPUT_TRAINING_OVERRIDES[license_id]
    if text is None:
        return None
    lowered = text.lower()
    if lowered.startswith("yes"):
        return True
    if lowered.startswith(("none", "no ban")):
        return False
    return None


def license_record(key: str, raw: Mapping[str, Any], report: BuildReport) -> dict[str, Any]:
    """One licenses.toml table as a LicenseTerms-shaped dict."""
    missing = tuple(raw.get("missing", ()))
    not_applicable = set(raw.get("not_applicable", ()))
    commercial, note = parse_commercial(raw.get("commercial"), missing)
    naming = _absent_as_none(raw, "naming_rule", not_applicable)
    geographic = _absent_as_none(raw, "geographic_restriction", not_applicable)
    regions, scope = REGIONAL.get(key, ((), None))
    training = raw.get("output_training_restriction")
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
        "output_training_restricted": output_training_restricted(key, training),
        "output_training": training,
        "geographic_restriction": geographic,
        "restricted_regions": list(regions),
        "restricted_regions_scope": scope,
        "proprietary_api": raw["family"] == "proprietary-api",
        "aup_url": raw.get("aup_url"),
        "notes": raw.get("notes"),
        "primary_text_read": bool(raw.get("primary_text_read", False)),
        "missing": list(missing),
        "not_applicable": sorted(not_applicable),
    }
    return record


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
    translated = fnmatch.translate(str(rule["pattern"]).lower())
    return translated.removeprefix("(?s:").removesuffix(")\\Z")


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
