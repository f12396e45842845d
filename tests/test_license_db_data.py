"""Integrity of the bundled license database: schema, sources, ids, order, rule coverage."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
from importlib import resources
from pathlib import Path

import pytest

import license_db
from license_db import build
from license_db.builder import inputs as build_inputs
from license_db.expression import ids, parse
from license_db.schema import (
    SCHEMA_VERSION,
    Commercial,
    LicenseTerms,
    LimitEffect,
    LimitScope,
    OutputTraining,
    Period,
)
from license_db.vocabulary import USE_CATEGORIES, USE_TAG_CATEGORIES
from tests.test_license_db_resolve import FAMILY, OLLAMA, RESOLVE

DB = license_db.load()
FACTS = Path(__file__).resolve().parents[1].parent / "shared" / "license-facts"
TRI_STATE = ("modification", "distribution", "license_copy_required", "share_alike",
             "use_restrictions_flow_down", "mau_limit", "revenue_limit_usd", "naming_rule",
             "attribution")  # fmt: skip


def _data(name: str) -> str:
    return resources.files("license_db").joinpath("data").joinpath(name).read_text("utf-8")


def test_manifest_versions_and_digests() -> None:
    manifest = json.loads(_data("manifest.json"))
    assert (manifest["db_version"], manifest["schema_version"]) == (
        license_db.DB_VERSION,
        SCHEMA_VERSION,
    )
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(_data(name).encode()).hexdigest() == digest, name
    assert (DB.version, DB.built) == (license_db.DB_VERSION, manifest["built"])


def test_every_model_license_is_known() -> None:
    for model in DB.models():
        for key in ids(parse(model.license)):
            assert DB.license(key) is not None, (model.model_id, key)
            assert DB.license(key).id == key  # type: ignore[union-attr]


def test_every_model_has_source_and_tier() -> None:
    for model in DB.models():
        assert model.source and model.tier in (1, 2, 3, 4, 5), model.model_id
        assert model.kind in ("huggingface", "spacy", "ultralytics")


def test_every_api_model_names_a_proprietary_license() -> None:
    for model in DB._bundle.api_models:
        terms = DB.license(model.license)
        assert terms is not None and terms.proprietary_api, model.name
        assert model.source.startswith("https://"), model.name


@pytest.mark.parametrize("terms", DB.licenses(), ids=lambda t: t.id)
def test_license_has_required_fields(terms: LicenseTerms) -> None:
    assert terms.id and terms.name and terms.family and terms.category
    assert isinstance(terms.commercial, Commercial)
    assert terms.sources and all(s.strip() for s in terms.sources)
    assert set(terms.use_restrictions) <= USE_CATEGORIES.keys()
    assert list(terms.use_restrictions) == sorted(set(terms.use_restrictions))
    for name in TRI_STATE:
        if name in terms.missing:  # not verified: must stay unknown, never a guess
            assert getattr(terms, name) is None, (terms.id, name)
    assert not set(terms.missing) & set(terms.not_applicable)
    if "commercial" in terms.missing:
        assert terms.commercial is Commercial.UNKNOWN


def test_no_duplicate_ids() -> None:
    models = [m.model_id.lower() for m in DB.models()]
    aliases = [a.alias.lower() for a in DB._bundle.aliases]
    licenses = [t.id for t in DB.licenses()]
    rules = [r.id for r in (*DB.family_rules(), *DB.ollama_rules(), *DB._bundle.packages)]
    api = [(m.name.lower(), m.provider) for m in DB._bundle.api_models]
    for values in (models + aliases, licenses, rules, api):
        assert len(values) == len(set(values))


def test_files_are_sorted() -> None:
    models = [m["model_id"] for m in json.loads(_data("models.json"))]
    assert models == sorted(models, key=lambda m: (m.lower(), m))
    licenses = [t["id"] for t in json.loads(_data("licenses.json"))]
    assert licenses == sorted(licenses)
    aliases = [a["alias"] for a in json.loads(_data("aliases.json"))]
    assert aliases == sorted(aliases, key=str.lower)
    names = [(m["name"].lower(), m["name"]) for m in json.loads(_data("api_models.json"))["models"]]
    assert [n for n, _ in names] == sorted(n for n, _ in names)


def test_aliases_point_at_records_with_the_same_license() -> None:
    records = {m.model_id: m for m in DB.models()}
    for alias in DB._bundle.aliases:
        assert "/" not in alias.alias and alias.target in records


def test_every_rule_is_exercised_by_a_table_row() -> None:
    exercised = {row[2] for row in FAMILY} | {row[2] for row in OLLAMA}
    exercised |= {row[5] for row in RESOLVE if row[5]}
    declared = {r.id for r in (*DB.family_rules(), *DB.ollama_rules(), *DB._bundle.packages)}
    assert declared == exercised


def test_exceptions_carve_out_of_a_later_general_rule() -> None:
    """An exception still overlapping its general rule must be the stricter, or it would lose
    (every matching rule is a candidate and the strictest wins)."""
    rules = {r.id: (i, r) for i, r in enumerate(DB.family_rules())}
    for query, _, rule_id in FAMILY:
        index, rule = rules[rule_id]
        if rule.exception_of is None:
            continue
        general_index, general = rules[rule.exception_of]
        assert general_index > index
        assert re.fullmatch(general.match, query.lower()), (query, general.id)
        assert DB.more_permissive(general.license, rule.license), (rule.id, general.id)


def test_family_rules_agree_with_every_verified_model() -> None:
    family = [{"id": r.id, "license": r.license, "match": r.match} for r in DB.family_rules()]
    models = [dataclasses.asdict(m) for m in DB.models()]
    assert build.rule_conflicts(models, [{**r, "regex": r["match"]} for r in family]) == []


@pytest.mark.parametrize(
    ("license_id", "field", "value"),
    [
        ("llama3.1", "mau_limit", 700_000_000),
        ("llama3.1", "commercial", Commercial.CONDITIONAL),
        ("llama4", "restricted_regions", ("EU",)),
        ("llama3.3", "restricted_regions", ()),
        ("llama2", "naming_rule", None),
        ("qwen", "mau_limit", 100_000_000),
        ("stabilityai-ai-community", "revenue_limit_usd", 1_000_000),
        ("modified-mit-kimi", "limit_effect", LimitEffect.DUTY),
        ("llama3", "limit_effect", LimitEffect.NEEDS_LICENSE),
        ("flux-1-dev-non-commercial-license", "commercial", Commercial.NO),
        ("flux-1-dev-non-commercial-license", "commercial_note",
         "no (model); outputs may be used commercially"),
        ("gemma", "use_restrictions_flow_down", True),
        # Gemma: "models trained on Gemma outputs ... count as Model Derivatives": not a ban
        ("gemma", "output_training_restricted", False),
        ("gemma", "output_training_effect", OutputTraining.DERIVATIVE),
        ("deepseek", "output_training_effect", OutputTraining.DERIVATIVE),
        ("llama2", "output_training_effect", OutputTraining.FORBIDDEN),
        ("llama3.1", "output_training_effect", OutputTraining.NONE),
        ("mit", "output_training_effect", OutputTraining.NONE),
        ("qwen", "output_training_effect", None),
        # limits: Qwen / Stability / Kimi govern commercial use only; Llama any use
        ("qwen", "limits_apply_to", LimitScope.COMMERCIAL),
        ("tongyi-qianwen", "limits_apply_to", LimitScope.COMMERCIAL),
        ("stabilityai-ai-community", "limits_apply_to", LimitScope.COMMERCIAL),
        ("llama3.1", "limits_apply_to", LimitScope.ANY),
        ("databricks-open-model", "limits_apply_to", LimitScope.ANY),
        ("apache-2.0", "limits_apply_to", LimitScope.ANY),
        ("modified-mit-kimi", "revenue_limit_period", Period.MONTH),
        ("stabilityai-ai-community", "revenue_limit_period", Period.YEAR),
        ("falcon-llm-license-1.0", "revenue_limit_period", None),
        ("llama3.2", "restricted_regions_models", "multimodal"),
        ("llama4", "restricted_regions_models", "multimodal"),
        ("llama3.3", "restricted_regions_models", None),
        ("llama3.2", "output_training_restricted", False),
        ("llama2", "output_training_restricted", True),
        ("lgpl-lr", "modification", None),
        ("yi-license", "commercial", Commercial.UNKNOWN),
        ("mnpl", "hosting_allowed", False),
        ("proprietary-api-openai", "proprietary_api", True),
        ("proprietary-api-openai", "commercial", Commercial.YES),
        ("proprietary-api-mistral", "commercial", Commercial.CONDITIONAL),
        ("proprietary-api-mistral", "distribution", False),
        ("proprietary-api-mistral", "use_restrictions", ()),
        ("bigcode-openrail-m", "use_restrictions",
         ("automated-legal-decisions", "disinformation", "illegal-activity", "impersonation",
          "malware", "undisclosed-ai-content")),
        ("cc-by-nc-4.0", "use_restrictions", ()),
        ("cc-by-nc-4.0", "use_restrictions_raw", ("commercial-use",)),
        ("opt-175b", "commercial", Commercial.NO),
        ("opt-175b", "license_copy_required", True),
        ("opt-175b", "use_restrictions",
         ("biometric-processing", "illegal-activity", "military", "personal-data", "surveillance")),
        ("opt-175b", "missing", ("output_training_restriction", "use_restrictions_flow_down")),
        ("lfm1.0", "commercial", Commercial.CONDITIONAL),
        ("lfm1.0", "revenue_limit_usd", 10_000_000),
        ("lfm1.0", "limit_effect", LimitEffect.NEEDS_LICENSE),
        ("lfm1.0", "share_alike", False),
        ("lfm1.0", "primary_text_read", False),
    ],
)  # fmt: skip
def test_license_terms(license_id: str, field: str, value: object) -> None:
    terms = DB.license(license_id)
    assert terms is not None and getattr(terms, field) == value


def test_llama_attribution_wording() -> None:
    terms = DB.license("llama3.1")
    assert terms is not None and terms.attribution is not None
    assert '"Built with Llama"' in terms.attribution
    assert "mau_limit" in DB.license("apache-2.0").not_applicable  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("apache-2.0", "apache-2.0"),
        ("Apache-2.0", "apache-2.0"),
        ("CC-BY-NC-4.0", "cc-by-nc-4.0"),
        ("GPL-3.0-only", "gpl-3.0"),
        ("modified-mit", "modified-mit-kimi"),
        ("LLAMA3.1", "llama3.1"),
        ("no-such-license", None),
    ],
)
def test_license_lookup(key: str, expected: str | None) -> None:
    found = DB.license(key)
    assert (found.id if found else None) == expected


def test_every_raw_use_tag_is_mapped() -> None:
    for terms in DB.licenses():
        for tag in terms.use_restrictions_raw:
            assert tag in USE_TAG_CATEGORIES or tag in build.NOT_USE_TAGS, tag
    mapped = {c for cats in USE_TAG_CATEGORIES.values() for c in cats}
    assert mapped <= USE_CATEGORIES.keys()


def test_stats() -> None:
    stats = DB.stats()
    assert stats["version"] == license_db.DB_VERSION
    assert stats["schema_version"] == SCHEMA_VERSION
    assert stats["family_rules"] == len(DB.family_rules())
    assert stats["aliases"] == len(DB._bundle.aliases) == 31
    assert stats["licenses"] == len(DB.licenses())


@pytest.mark.skipif(not FACTS.is_dir(), reason="../shared/license-facts is not beside the repo")
def test_build_regenerates_the_committed_data_byte_identically() -> None:
    files, report = build.build(FACTS)
    assert report.errors == []
    for name, text in files.items():
        assert _data(name) == text, f"{name} is stale: run python -m license_db.build"


# -- facts extension: license_db/data/extra_models.csv ---------------------------------------

FIXTURE_ORGS = ("hf-internal-testing/", "trl-internal-testing/", "peft-internal-testing/")


def _extra_rows(name: str = "extra_models.csv") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_data(name))))


def test_extra_models_are_sourced_known_and_bundled() -> None:
    records = {m.model_id: m for m in DB.models()}
    aliases = {a.alias: a for a in DB._bundle.aliases}
    rows = _extra_rows()
    assert rows and all(tuple(row) == build.EXTRA_COLUMNS for row in rows)
    for row in rows:
        mid = row["model_id"]
        assert all(DB.license(key) is not None for key in ids(parse(row["license"]))), mid
        assert row["source"].startswith("https://") and int(row["tier"]) in build.TIERS, mid
        assert not mid.lower().startswith(FIXTURE_ORGS), mid  # test fixtures are never guessed
        if mid in aliases:
            target = records[aliases[mid].target]
            assert (target.license, aliases[mid].tier) == (row["license"], int(row["tier"]))
        else:
            got = (records[mid].license, records[mid].tier, records[mid].source)
            assert got == (row["license"], int(row["tier"]), row["source"])


def test_extra_conflicts_name_extra_models_with_their_chosen_license() -> None:
    records = {m.model_id: m for m in DB.models()}
    for row in _extra_rows("extra_model_conflicts.csv"):
        record = records[row["model_id"]]
        assert (record.license, record.conflict) == (row["chosen_license"], row["all_claims"])


@pytest.mark.parametrize(
    ("rows", "errors", "kept"),
    [
        ([{"model_id": " org/a ", "license": "mit", "source": "https://x", "tier": "2"}], [],
         [("org/a", 2)]),
        ([{"model_id": "GPT2", "license": "mit", "source": "https://x", "tier": "1"}],
         ["extra_models.csv:2: GPT2 is already in models.csv"], []),
        ([{"model_id": "org/a", "license": "mit", "source": "https://x", "tier": "1"},
          {"model_id": "ORG/A", "license": "mit", "source": "https://y", "tier": "1"}],
         ["extra_models.csv:3: ORG/A is already in extra_models.csv:2"], [("org/a", 1)]),
        ([{"model_id": "org/a", "license": "mit", "source": " ", "tier": "1"}],
         ["extra_models.csv:2: needs a model id, a source and a tier 1-5"], []),
        ([{"model_id": "org/a", "license": "mit", "source": "https://x", "tier": "6"}],
         ["extra_models.csv:2: needs a model id, a source and a tier 1-5"], []),
        ([{"model_id": "org/a", "license": "mit", "source": "https://x", "tier": "one"}],
         ["extra_models.csv:2: needs a model id, a source and a tier 1-5"], []),
        ([{"model_id": "", "license": "mit", "source": "https://x", "tier": "1"}],
         ["extra_models.csv:2: needs a model id, a source and a tier 1-5"], []),
        ([{"model_id": "org/a", "license": "mit", "source": "https://x"}],
         ["extra_models.csv:2: columns must be model_id, license, source, tier"], []),
    ],
)  # fmt: skip
def test_extra_model_rows_validation(
    rows: list[dict[str, str]], errors: list[str], kept: list[tuple[str, int]]
) -> None:
    report = build.BuildReport()
    got = build.extra_model_rows(rows, [{"model_id": "gpt2"}], report)
    assert (report.errors, [(r["model_id"], r["tier"]) for r in got]) == (errors, kept)


@pytest.mark.skipif(not FACTS.is_dir(), reason="../shared/license-facts is not beside the repo")
@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ('["opt-x"]\nname = "x"\nsource = ["https://x"]\n', []),
        ('["mit"]\nname = "dup"\nsource = ["https://x"]\n',
         ["extra_licenses.toml: 'mit' is already in licenses.toml"]),
        ('["opt-x"]\nname = "x"\n', ["extra_licenses.toml: 'opt-x' has no source"]),
    ],
)  # fmt: skip
def test_read_licenses_merges_the_extension(
    text: str, errors: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "extra_licenses.toml"
    extra.write_text(text, encoding="utf-8")
    monkeypatch.setattr(build_inputs, "EXTRA_LICENSES", extra)
    report = build.BuildReport()
    merged = build.read_licenses(FACTS, report)
    assert report.errors == errors
    assert {"apache-2.0", "opt-x" if "opt-x" in text else "mit"} <= merged.keys()
    assert merged["mit"]["name"] != "dup"  # the shared facts win over a clashing extension


# -- hosted APIs: bare names of providers whose LiteLLM keys carry their own prefix ----------


def _api_row(name: str, provider: str) -> dict[str, str]:
    return {"model_name": name, "provider": provider, "mode": "chat", "source": "https://x"}


@pytest.mark.parametrize(
    ("name", "provider", "expected"),
    [
        ("gemini/imagen-3.0-generate-002", "gemini", ["imagen-3.0-generate-002"]),
        ("voyage/voyage-2", "voyage", ["voyage-2"]),
        ("gemini-2.0-flash", "gemini", []),  # already bare
        ("vertex_ai/imagen-3.0-generate-002", "vertex_ai-image-models", []),  # prefix != provider
        ("groq/llama-3.1-8b-instant", "groq", []),  # provider not listed
        ("gemini/", "gemini", []),  # nothing after the prefix
        ("gemini/tunedModels/x", "gemini", []),  # a path, not a model name
    ],
)  # fmt: skip
def test_bare_name_rows(name: str, provider: str, expected: list[str]) -> None:
    rows = build.bare_name_rows([_api_row(name, provider)], ["gemini", "voyage"])
    assert [r["model_name"] for r in rows] == expected


def test_api_models_add_bare_names_after_listed_ones() -> None:
    rows = [
        _api_row("gemini/imagen-3.0-generate-002", "gemini"),
        _api_row("gemini/gemini-x", "gemini"),
        _api_row("gemini-x", "gemini"),  # the listed bare row wins over the derived one
    ]
    cfg = {"groups": {}, "licenses": {"gemini": "proprietary-api-google-gemini"},
           "local_runtimes": [], "bare_names": ["gemini"]}  # fmt: skip
    records, _, _ = build.api_models(rows, cfg, build.BuildReport())
    got = [(r["name"], r["provider"], r["license"]) for r in records]
    assert got == [
        ("gemini-x", "gemini", "proprietary-api-google-gemini"),
        ("gemini/gemini-x", "gemini", "proprietary-api-google-gemini"),
        ("gemini/imagen-3.0-generate-002", "gemini", "proprietary-api-google-gemini"),
        ("imagen-3.0-generate-002", "gemini", "proprietary-api-google-gemini"),
    ]


@pytest.mark.parametrize(
    ("key", "raw", "error"),
    [
        (
            "gemma",
            {"output_training_restriction": "models trained on Gemma outputs ..."},
            None,
        ),
        (
            "new-license",
            {"output_training_restriction": "yes: outputs may not train other models"},
            "new-license: output-training text 'yes: outputs may not train other models' is "
            "not mapped",
        ),
        (
            "gemma",
            {},
            "gemma: OUTPUT_TRAINING maps a term the facts do not state",
        ),
    ],
)
def test_output_training_is_read_from_the_table(
    key: str, raw: dict[str, str], error: str | None
) -> None:
    report = build.BuildReport()
    effect = build.output_training_effect(key, raw.get("output_training_restriction"), report)
    assert report.errors == ([error] if error else [])
    assert effect == (build.OUTPUT_TRAINING.get(key) if raw else None)


@pytest.mark.parametrize(
    ("key", "raw", "expected", "errors"),
    [
        (
            "qwen",
            {"mau_limit": 1, "mau_basis": "commercial use above 100M MAU needs a license"},
            {"limits_apply_to": "commercial", "revenue_limit_period": None},
            [],
        ),
        (
            "qwen",
            {"mau_limit": 1, "mau_basis": "any use above 100M MAU"},
            {"limits_apply_to": "commercial", "revenue_limit_period": None},
            ["qwen: 'commercial use above 100M MAU needs a license' is not in its basis, "
             "attribution or notes"],
        ),
        (
            "new-license",
            {"revenue_limit_usd": 5},
            {"limits_apply_to": "any", "revenue_limit_period": None},
            ["new-license: has a user or revenue limit but no LIMIT_SCOPES row"],
        ),
        (
            "modified-mit-kimi",
            {
                "revenue_limit_usd": 20_000_000,
                "revenue_basis": "USD 20M MONTHLY revenue",
                "attribution": "commercial products above either threshold must prominently show",
            },
            {"limits_apply_to": "commercial", "revenue_limit_period": "month"},
            [],
        ),
    ],
)  # fmt: skip
def test_limit_terms_come_from_quoted_tables(
    key: str, raw: dict[str, object], expected: dict[str, object], errors: list[str]
) -> None:
    report = build.BuildReport()
    assert build.limit_terms(key, raw, report) == expected
    assert report.errors == errors


@pytest.mark.skipif(not FACTS.is_dir(), reason="../shared/license-facts is not beside the repo")
def test_every_table_row_names_a_license_and_quotes_its_facts() -> None:
    report = build.BuildReport()
    raw = build.read_licenses(FACTS, report)
    build.check_tables(raw, report)
    for key, terms in raw.items():
        build.limit_terms(key, terms, report)
    assert report.errors == []
    report = build.BuildReport()
    build.check_tables({}, report)
    assert "OUTPUT_TRAINING: no license 'gemma'" in report.errors


@pytest.mark.parametrize(
    ("pattern", "regex"),
    [("org/x-*", r"org/x\-.*"), ("a*dev*", r"a.*dev.*"), ("v?.1", r"v.\.1"), ("x", "x")],
)
def test_globs_become_plain_regexes_every_python_reads(pattern: str, regex: str) -> None:
    from license_db.build import glob_regex

    assert glob_regex(pattern) == regex


def test_bundled_rules_use_no_python_3_11_only_regex_syntax() -> None:
    text = (Path(license_db.__file__).parent / "data" / "rules.json").read_text(encoding="utf-8")
    assert "(?>" not in text and "*+" not in text and "++" not in text.replace("openrail++", "")
