"""The build itself: read and validate every input, then produce every output file's text."""

from __future__ import annotations

from pathlib import Path

from license_db import DB_VERSION  # bump it when the facts or curated rules change
from license_db.builder.apis import api_license_record, api_models
from license_db.builder.datasets import read_datasets
from license_db.builder.inputs import read_csv, read_curated, read_licenses, source_corpus
from license_db.builder.licenses import check_tables, license_record, unmapped_license_keys
from license_db.builder.models import model_records, split_aliases
from license_db.builder.output import api_json, json_lines, manifest_json, pretty_json
from license_db.builder.report import BuildReport
from license_db.builder.rules import check_expression, check_rules, compiled_rules, rule_conflicts


def build(facts: Path, built: str | None = None) -> tuple[dict[str, str], BuildReport]:
    """All output files (name -> text) and the report. Writes nothing."""
    report = BuildReport()
    raw_licenses = read_licenses(facts, report)
    curated = read_curated()
    licenses = {k: license_record(k, v, report) for k, v in raw_licenses.items()}
    check_tables(raw_licenses, report)
    dropped = unmapped_license_keys(raw_licenses)
    report.notes.append(f"licenses.toml keys without a schema field: {', '.join(dropped)}")
    api, api_sources, per_provider = api_models(
        read_csv(facts / "proprietary_models.csv"), curated["api"], report
    )
    for key, rows in per_provider.items():
        record = api_license_record(key, rows)
        licenses.setdefault(record["id"], record)
    report.notes.append(f"{len(per_provider)} proprietary-api licenses generated for providers")
    models, aliases = split_aliases(model_records(facts, report), report)
    license_ids = set(licenses)
    for rec in models:
        check_expression(rec["model_id"], rec["license"], license_ids, report)
    datasets = read_datasets(report)
    for rec in datasets:
        check_expression(rec["dataset_id"], rec["license"], license_ids, report)
    check_rules(curated, license_ids, source_corpus(facts), report)
    for mid, rid, rule_lic, fact_lic in rule_conflicts(models, curated["family"]):
        report.errors.append(f"{mid}: rule {rid} says {rule_lic}, the facts say {fact_lic}")
    files = {
        "licenses.json": pretty_json([licenses[k] for k in sorted(licenses)]),
        "models.json": json_lines(models),
        "aliases.json": json_lines(sorted(aliases, key=lambda a: a["alias"].lower())),
        "api_models.json": api_json(api, api_sources),
        "rules.json": pretty_json(compiled_rules(curated)),
        "datasets.json": json_lines(datasets),
    }
    files["manifest.json"] = manifest_json(files, built or DB_VERSION.replace(".", "-"), report)
    return files, report
