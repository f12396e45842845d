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
import sys
from pathlib import Path

from license_db.builder.apis import (
    API_COMMON_MISSING,
    api_license_id,
    api_license_record,
    api_models,
    bare_name_rows,
    provider_key,
)
from license_db.builder.inputs import (
    DATA_DIR,
    DEFAULT_FACTS,
    read_csv,
    read_curated,
    read_licenses,
    read_optional,
    source_corpus,
)
from license_db.builder.license_tables import (
    DUTY_LIMITS,
    LIMIT_SCOPES,
    NOT_USE_TAGS,
    OUTPUT_TRAINING,
    REGIONAL,
    REVENUE_PERIODS,
)
from license_db.builder.licenses import (
    check_tables,
    license_record,
    limit_terms,
    map_use_tags,
    output_training_effect,
    parse_commercial,
    unmapped_license_keys,
)
from license_db.builder.models import (
    EXTRA_COLUMNS,
    TIERS,
    extra_model_rows,
    model_kind,
    model_records,
    split_aliases,
)
from license_db.builder.output import OUTPUTS
from license_db.builder.pipeline import build
from license_db.builder.report import BuildReport
from license_db.builder.rules import (
    check_expression,
    check_modality,
    check_rules,
    compiled_rules,
    glob_regex,
    rule_conflicts,
    rule_regex,
)

__all__ = [
    "API_COMMON_MISSING",
    "DUTY_LIMITS",
    "EXTRA_COLUMNS",
    "LIMIT_SCOPES",
    "NOT_USE_TAGS",
    "OUTPUTS",
    "OUTPUT_TRAINING",
    "REGIONAL",
    "REVENUE_PERIODS",
    "TIERS",
    "BuildReport",
    "api_license_id",
    "api_license_record",
    "api_models",
    "bare_name_rows",
    "build",
    "check_expression",
    "check_modality",
    "check_rules",
    "check_tables",
    "compiled_rules",
    "extra_model_rows",
    "glob_regex",
    "license_record",
    "limit_terms",
    "main",
    "map_use_tags",
    "model_kind",
    "model_records",
    "output_training_effect",
    "parse_commercial",
    "provider_key",
    "read_csv",
    "read_curated",
    "read_licenses",
    "rule_conflicts",
    "rule_regex",
    "source_corpus",
    "split_aliases",
    "unmapped_license_keys",
]


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
    stale = [n for n, t in files.items() if read_optional(DATA_DIR / n) != t]
    if args.check:
        print("stale: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for name in stale:
        (DATA_DIR / name).write_text(files[name], encoding="utf-8")
    print(f"wrote {len(stale)} file(s) to {DATA_DIR}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
