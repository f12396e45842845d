"""Bundled JSON (license_db/data) -> frozen records. Only reads; build.py writes the files."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from license_db.schema import (
    Commercial,
    LicenseTerms,
    LimitEffect,
    LimitScope,
    ModelRecord,
    OutputTraining,
    Period,
)

TYPE_CHECKING = False  # ``typing`` is not imported at run time: a load never needs it
if TYPE_CHECKING:
    from typing import Any

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


_DATA = os.path.join(os.path.dirname(__file__), "data")  # os.path: pathlib costs a load ~5 ms


def read_json(name: str) -> Any:
    """One bundled data file, parsed (through ``importlib.resources`` when the package is not a
    folder, e.g. zipped: importing it costs ~10 ms, so only then)."""
    if os.path.isdir(_DATA):
        with open(os.path.join(_DATA, name), "rb") as handle:
            return json.loads(handle.read())
    from importlib import resources

    return json.loads(
        resources.files("license_db").joinpath("data").joinpath(name).read_text("utf-8")
    )


def read_bundle(read: Callable[[str], Any] = read_json) -> Bundle:
    """Parse every data file; ``read`` parses one by name (default: the bundled data)."""
    lazy = LazyBundle(read)
    return Bundle(
        manifest=lazy.manifest,
        licenses=lazy.licenses,
        models=lazy.models,
        aliases=lazy.aliases,
        api_models=lazy.api_models,
        family=lazy.family,
        ollama=lazy.ollama,
        packages=lazy.packages,
        derivatives=lazy.derivatives,
        api_prefixes=lazy.api_prefixes,
        modality=lazy.modality,
        datasets=lazy.datasets,
    )


class LazyBundle:
    """The fields of a Bundle, each data file read and parsed the first time a field needs it
    (``load()`` at a hook run reads the manifest and what its few lookups use)."""

    def __init__(self, read: Callable[[str], Any] = read_json) -> None:
        """A bundle read with ``read`` (parses one data file by name)."""
        self._read = read
        self.manifest: dict[str, Any] = read("manifest.json")

    @cached_property
    def _rules(self) -> Any:
        return self._read("rules.json")

    @cached_property
    def _api(self) -> Any:
        return self._read("api_models.json")

    @cached_property
    def licenses(self) -> tuple[LicenseTerms, ...]:
        """Every license, sorted by id."""
        return tuple(license_terms(r) for r in self._read("licenses.json"))

    @cached_property
    def models(self) -> tuple[ModelRecord, ...]:
        """Every model record."""
        return tuple(ModelRecord(**r) for r in self._read("models.json"))

    @cached_property
    def aliases(self) -> tuple[Alias, ...]:
        """Legacy ids."""
        return tuple(Alias(**r) for r in self._read("aliases.json"))

    @cached_property
    def api_models(self) -> tuple[ApiModel, ...]:
        """Hosted model names."""
        return tuple(_api_model(r, self._api["sources"]) for r in self._api["models"])

    @cached_property
    def family(self) -> tuple[PatternRule, ...]:
        """Family rules."""
        return tuple(pattern_rule(r) for r in self._rules["family"])

    @cached_property
    def ollama(self) -> tuple[PatternRule, ...]:
        """Ollama name rules."""
        return tuple(pattern_rule(r) for r in self._rules["ollama"])

    @cached_property
    def packages(self) -> tuple[PatternRule, ...]:
        """Package rules."""
        return tuple(_package_rule(r) for r in self._rules["package"])

    @cached_property
    def derivatives(self) -> Derivatives:
        """Quantised-copy markers."""
        return _derivatives(self._rules["derivatives"])

    @cached_property
    def api_prefixes(self) -> dict[str, str]:
        """litellm-style prefixes -> providers."""
        return dict(self._rules["api_prefixes"])

    @cached_property
    def modality(self) -> tuple[ModalityRule, ...]:
        """Modality rules."""
        return tuple(ModalityRule(**r) for r in self._rules.get("modality", ()))

    @cached_property
    def datasets(self) -> tuple[DatasetRecord, ...]:
        """Hub datasets (the bundled table whatever ``read`` is: ``db diff`` does not compare
        datasets, and older versions have none)."""
        return tuple(DatasetRecord(**r) for r in read_json("datasets.json"))


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
