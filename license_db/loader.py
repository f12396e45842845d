"""Bundled JSON (license_db/data) -> frozen records. Only reads; build.py writes the files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from license_db.schema import (
    Commercial,
    LicenseTerms,
    LimitEffect,
    LimitScope,
    ModelRecord,
    OutputTraining,
    Period,
)

_TUPLE_FIELDS = (
    "sources",
    "use_restrictions",
    "use_restrictions_raw",
    "restricted_regions",
    "missing",
    "not_applicable",
)


@dataclass(frozen=True, slots=True)
class Alias:
    """A legacy id that names another record (``gpt2`` -> ``openai-community/gpt2``)."""

    alias: str
    target: str
    source: str
    tier: int | None


@dataclass(frozen=True, slots=True)
class PatternRule:
    """A curated family or Ollama rule: whole-string regex on the lowercased id."""

    id: str
    match: str
    license: str
    source: str
    note: str
    exception_of: str | None = None

    @property
    def shown(self) -> str:
        """The rule as written for messages: ``llama-3.2 (meta-llama/llama-3.2-*)``."""
        return f"{self.id} ({self.match})"


@dataclass(frozen=True, slots=True)
class ApiModel:
    """A hosted model name and the provider whose API terms apply."""

    name: str
    provider: str
    license: str
    source: str
    mode: str | None


@dataclass(frozen=True, slots=True)
class Derivatives:
    """Markers of quantised / converted copies: re-packager orgs and name suffixes."""

    repackagers: frozenset[str]
    suffixes: tuple[str, ...]  # longest first
    source: str


@dataclass(frozen=True, slots=True)
class ModalityRule:
    """Whether the models a regex names (on the lowercased model name) are multimodal."""

    id: str
    regex: str
    multimodal: bool
    source: str
    note: str


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything in license_db/data, parsed."""

    manifest: dict[str, Any]
    licenses: tuple[LicenseTerms, ...]
    models: tuple[ModelRecord, ...]
    aliases: tuple[Alias, ...]
    api_models: tuple[ApiModel, ...]
    family: tuple[PatternRule, ...]
    ollama: tuple[PatternRule, ...]
    packages: tuple[PatternRule, ...]
    derivatives: Derivatives
    api_prefixes: dict[str, str]
    modality: tuple[ModalityRule, ...] = ()
    datasets: tuple[DatasetRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class DatasetRecord:
    """A Hub dataset id, its license (``unknown`` where not settled), source and terms note."""

    dataset_id: str
    license: str
    source: str
    notes: str


def read_json(name: str) -> Any:
    """One bundled data file, parsed."""
    return json.loads(
        resources.files("license_db").joinpath("data").joinpath(name).read_text("utf-8")
    )


def read_bundle(read: Callable[[str], Any] = read_json) -> Bundle:
    """Parse every data file; ``read`` parses one by name (default: the bundled data)."""
    rules = read("rules.json")
    api = read("api_models.json")
    return Bundle(
        manifest=read("manifest.json"),
        licenses=tuple(license_terms(r) for r in read("licenses.json")),
        models=tuple(ModelRecord(**r) for r in read("models.json")),
        aliases=tuple(Alias(**r) for r in read("aliases.json")),
        api_models=tuple(_api_model(r, api["sources"]) for r in api["models"]),
        family=tuple(pattern_rule(r) for r in rules["family"]),
        ollama=tuple(pattern_rule(r) for r in rules["ollama"]),
        packages=tuple(_package_rule(r) for r in rules["package"]),
        derivatives=_derivatives(rules["derivatives"]),
        api_prefixes=dict(rules["api_prefixes"]),
        modality=tuple(ModalityRule(**r) for r in rules.get("modality", ())),
        datasets=tuple(DatasetRecord(**r) for r in read_json("datasets.json")),
    )


def license_terms(raw: dict[str, Any]) -> LicenseTerms:
    """One licenses.json object as LicenseTerms (lists -> tuples, enums restored)."""
    values = dict(raw)
    for name in _TUPLE_FIELDS:
        values[name] = tuple(values.get(name, ()))
    values["commercial"] = Commercial(values["commercial"])
    values["limit_effect"] = LimitEffect(values.get("limit_effect", "needs-license"))
    values["limits_apply_to"] = LimitScope(values.get("limits_apply_to", "any"))
    values["revenue_limit_period"] = _optional(Period, values.get("revenue_limit_period"))
    values["output_training_effect"] = _optional(
        OutputTraining, values.get("output_training_effect")
    )
    return LicenseTerms(**values)


def _optional(kind: type[Any], value: str | None) -> Any:
    """``kind(value)``, or None when the value is absent."""
    return None if value is None else kind(value)


def pattern_rule(raw: dict[str, Any]) -> PatternRule:
    """One compiled family / Ollama rule."""
    return PatternRule(
        id=raw["id"],
        match=raw["match"],
        license=raw["license"],
        source=raw["source"],
        note=raw["note"],
        exception_of=raw.get("exception_of"),
    )


def _package_rule(raw: dict[str, Any]) -> PatternRule:
    name = re.escape(normalise_package(raw["name"]))
    return PatternRule(raw["id"], name, raw["license"], raw["source"], raw["note"])


def _api_model(raw: dict[str, Any], sources: dict[str, str]) -> ApiModel:
    source = sources.get(raw["source"], raw["source"])
    return ApiModel(raw["name"], raw["provider"], raw["license"], source, raw.get("mode"))


def _derivatives(raw: dict[str, Any]) -> Derivatives:
    suffixes = tuple(sorted(raw["suffixes"], key=lambda s: (-len(s), s)))
    return Derivatives(frozenset(raw["repackagers"]), suffixes, raw["source"])


def normalise_package(name: str) -> str:
    """PEP 503 name normalisation: ``Ultralytics_Pkg`` -> ``ultralytics-pkg``."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()
