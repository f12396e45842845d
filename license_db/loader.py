"""Bundled JSON (license_db/data) -> frozen records. Only reads; build.py writes the files."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
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

    from license_db.records import (
        Alias,
        ApiModel,
        Bundle,
        DatasetRecord,
        Derivatives,
        ModalityRule,
        PatternRule,
    )

_TUPLE_FIELDS = (
    "sources",
    "use_restrictions",
    "use_restrictions_raw",
    "restricted_regions",
    "missing",
    "not_applicable",
)


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
    from license_db.records import Bundle

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
        from license_db.records import Alias

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
        from license_db.records import ModalityRule

        return tuple(ModalityRule(**r) for r in self._rules.get("modality", ()))

    @cached_property
    def datasets(self) -> tuple[DatasetRecord, ...]:
        """Hub datasets (the bundled table whatever ``read`` is: ``db diff`` does not compare
        datasets, and older versions have none)."""
        from license_db.records import DatasetRecord

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
    from license_db.records import PatternRule

    return PatternRule(
        id=raw["id"],
        match=raw["match"],
        license=raw["license"],
        source=raw["source"],
        note=raw["note"],
        exception_of=raw.get("exception_of"),
    )


def _package_rule(raw: dict[str, Any]) -> PatternRule:
    from license_db.records import PatternRule

    name = re.escape(normalise_package(raw["name"]))
    return PatternRule(raw["id"], name, raw["license"], raw["source"], raw["note"])


def _api_model(raw: dict[str, Any], sources: dict[str, str]) -> ApiModel:
    from license_db.records import ApiModel

    source = sources.get(raw["source"], raw["source"])
    return ApiModel(raw["name"], raw["provider"], raw["license"], source, raw.get("mode"))


def _derivatives(raw: dict[str, Any]) -> Derivatives:
    from license_db.records import Derivatives

    suffixes = tuple(sorted(raw["suffixes"], key=lambda s: (-len(s), s)))
    return Derivatives(frozenset(raw["repackagers"]), suffixes, raw["source"])


def normalise_package(name: str) -> str:
    """PEP 503 name normalisation: ``Ultralytics_Pkg`` -> ``ultralytics-pkg``."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()
