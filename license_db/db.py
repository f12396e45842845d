"""LicenseDB: indexes over the bundled data and identifier resolution, rule by rule.

Resolution of a Hub id tries, in order: exact id, alias, family rule, derivative inference, API
name, spaCy package, Ultralytics weights. Every answer names the rule that decided it; anything
else is None (unknown), never a permissive default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from license_db.loader import (
    ApiModel,
    Bundle,
    Derivatives,
    ModalityRule,
    PatternRule,
    normalise_package,
)
from license_db.schema import LicenseTerms, Match, ModelRecord, Rule

_HUB_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/", re.IGNORECASE)
_HUB_SCHEMES = ("hf://", "hf-hub:", "hf_hub:", "huggingface://")
_SPACY_VERSION = re.compile(r"^(?P<name>[a-z]{2,3}_[a-z0-9_]+?)[-_]\d+(\.\d+)*$")
_LOCAL_API_PREFIXES = frozenset({"ollama", "ollama_chat"})
_FAMILY_TIER = 2


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Ordered rules compiled into one alternation: the first rule that matches wins."""

    rules: tuple[PatternRule, ...]
    regex: re.Pattern[str]

    @classmethod
    def of(cls, rules: Iterable[PatternRule], part: Callable[[str], str] = str) -> RuleSet:
        """Compile ``rules``; ``part`` picks the piece of each rule's regex to use."""
        kept = tuple(rules)
        body = "|".join(f"(?P<r{i}>{part(r.match)})" for i, r in enumerate(kept))
        return cls(kept, re.compile(body or "(?!)"))

    def first(self, text: str) -> PatternRule | None:
        """The first rule whose regex matches the whole of ``text``."""
        found = self.regex.fullmatch(text)
        if found is None or found.lastgroup is None:
            return None
        return self.rules[int(found.lastgroup[1:])]


def _name_part(regex: str) -> str:
    return regex.split("/", 1)[1]


def _names_only(rules: Iterable[PatternRule]) -> list[PatternRule]:
    """Rules usable on a bare model name: organisation-scoped, name not a pure wildcard."""
    return [r for r in rules if "/" in r.match and not _name_part(r.match).startswith(".*")]


class LicenseDB:
    """The bundled offline database; build it with ``license_db.load()``."""

    def __init__(self, bundle: Bundle) -> None:
        """Index ``bundle`` once; lookups afterwards are dictionary and regex probes."""
        manifest = bundle.manifest
        self.version: str = manifest["db_version"]
        self.schema_version: int = manifest["schema_version"]
        self.built: str = manifest["built"]
        self._bundle = bundle
        self._licenses = MappingProxyType({t.id: t for t in bundle.licenses})
        self._license_keys = MappingProxyType(_license_keys(bundle.licenses))
        self._models = _index(bundle.models, "huggingface")
        self._spacy = _index(bundle.models, "spacy")
        self._ultralytics = _index(bundle.models, "ultralytics")
        self._by_name = MappingProxyType(_by_name(bundle.models))
        self._aliases = MappingProxyType({a.alias.lower(): a for a in bundle.aliases})
        self._api = MappingProxyType(_api_index(bundle.api_models))
        self._provider_license = MappingProxyType(
            {m.provider: m.license for m in bundle.api_models}
        )
        self._api_prefixes = MappingProxyType(
            {**{p: p for p in self._provider_license}, **bundle.api_prefixes}
        )
        self._family = RuleSet.of(bundle.family)
        self._family_names = RuleSet.of(_names_only(bundle.family), _name_part)
        self._ollama = RuleSet.of(bundle.ollama)
        self._packages = RuleSet.of(bundle.packages)
        self._derivatives: Derivatives = bundle.derivatives
        self._modality = tuple((re.compile(r.regex), r) for r in bundle.modality)

    # -- licenses ---------------------------------------------------------------------------

    def license(self, license_id: str) -> LicenseTerms | None:
        """A license by id, SPDX id or model-card license name, case-insensitively."""
        key = self._license_keys.get(license_id.strip().lower())
        return None if key is None else self._licenses[key]

    def licenses(self) -> tuple[LicenseTerms, ...]:
        """Every license, sorted by id."""
        return self._bundle.licenses

    def models(self) -> tuple[ModelRecord, ...]:
        """Every model record (Hub ids, spaCy packages, Ultralytics weights), sorted by id."""
        return self._bundle.models

    def family_rules(self) -> tuple[PatternRule, ...]:
        """The ordered family rules (first match wins)."""
        return self._bundle.family

    def ollama_rules(self) -> tuple[PatternRule, ...]:
        """The ordered Ollama name rules."""
        return self._bundle.ollama

    def stats(self) -> dict[str, object]:
        """Version, schema, build date and record counts."""
        models = self._bundle.models
        return {
            "version": self.version,
            "schema_version": self.schema_version,
            "built": self.built,
            "licenses": len(self._licenses),
            "models": sum(1 for m in models if m.kind == "huggingface"),
            "spacy_packages": len(self._spacy),
            "ultralytics_weights": len(self._ultralytics),
            "aliases": len(self._aliases),
            "api_models": len(self._bundle.api_models),
            "api_providers": len(self._provider_license),
            "family_rules": len(self._bundle.family),
            "ollama_rules": len(self._bundle.ollama),
            "packages": len(self._bundle.packages),
        }

    # -- resolution -------------------------------------------------------------------------

    def lookup(self, raw: str, kind: str = "huggingface") -> Match | None:
        """Resolve ``raw`` as a ``kind`` reference (a RefKind value); None when unknown."""
        resolver = _RESOLVERS.get(kind)
        found = None if resolver is None or not raw.strip() else resolver(self, raw)
        return None if found is None else self._with_modality(found)

    def modality(self, model_id: str) -> ModalityRule | None:
        """The first modality rule that names ``model_id`` (matched on its lowercased name)."""
        name = model_id.strip().lower().rsplit("/", 1)[-1]
        return next((rule for rx, rule in self._modality if rx.fullmatch(name)), None)

    def _with_modality(self, found: Match) -> Match:
        """``found`` marked multimodal or not when a rule names it or its base model."""
        for model_id in (found.model_id, found.base_model):
            rule = self.modality(model_id) if model_id else None
            if rule is not None:
                return replace(found, multimodal=rule.multimodal)
        return found

    def _huggingface(self, raw: str) -> Match | None:
        query = hub_id(raw)
        return (
            self._hub_chain(raw, query)
            or self._api_name(raw)
            or self._spacy_package(raw)
            or self._ultralytics_weights(raw)
        )

    def _hub_chain(self, raw: str, query: str) -> Match | None:
        return (
            self._exact(raw, query)
            or self._alias(raw, query)
            or self._family_rule(raw, query)
            or self._derivative(raw, query)
        )

    def _exact(self, raw: str, query: str) -> Match | None:
        record = self._models.get(query.lower())
        if record is None:
            return None
        how = "exact id" if query == record.model_id else "exact id, compared case-insensitively"
        if query != raw.strip():
            how += f" after normalising {raw.strip()!r}"
        return _record_match(raw, record, Rule.EXACT, how)

    def _alias(self, raw: str, query: str) -> Match | None:
        alias = self._aliases.get(query.lower())
        if alias is None:
            return None
        target = self._models[alias.target.lower()]
        return Match(
            query=raw,
            model_id=target.model_id,
            license=target.license,
            rule=Rule.ALIAS,
            detail=f"legacy id {alias.alias!r} is {target.model_id}",
            source=alias.source,
            tier=alias.tier,
        )

    def _family_rule(self, raw: str, query: str) -> Match | None:
        rule = self._family.first(query.lower())
        return None if rule is None else _rule_match(raw, query, rule, Rule.FAMILY, "family rule")

    def _derivative(self, raw: str, query: str) -> Match | None:
        org, _, name = query.lower().partition("/")
        base_name = strip_suffixes(name, self._derivatives.suffixes)
        if not name or (base_name == name and org not in self._derivatives.repackagers):
            return None
        base = self._base_for(org, base_name)
        if base is None:
            return None
        marker = "re-packager" if base_name == name else f"suffix {name[len(base_name) :]!r}"
        return Match(
            query=raw,
            model_id=query,
            license=base.license,
            rule=Rule.DERIVATIVE,
            detail=f"{marker}: copy of {base.model_id}, resolved by {base.detail}",
            source=base.source,
            tier=base.tier,
            base_model=base.model_id,
            inferred=True,
            rule_id=base.rule_id,
        )

    def _base_for(self, org: str, name: str) -> Match | None:
        """The base model a stripped name denotes: a unique model name, then family rules."""
        if found := self._unique_name(name):
            return _record_match(name, found, Rule.EXACT, f"exact id {found.model_id}")
        if alias := self._aliases.get(name):
            return self._alias(name, alias.alias)
        candidate = f"{org}/{name}"
        if rule := self._family.first(candidate):
            return _rule_match(name, candidate, rule, Rule.FAMILY, "family rule")
        if rule := self._family_names.first(name):
            return _rule_match(name, name, rule, Rule.FAMILY, "family rule (by name)")
        return None

    def _unique_name(self, name: str) -> ModelRecord | None:
        records = self._by_name.get(name, ())
        licenses = {r.license for r in records}
        return records[0] if len(licenses) == 1 else None

    def _api_name(self, raw: str) -> Match | None:
        text = raw.strip()
        model = self._api.get(text.lower())
        region = _BEDROCK_REGION.match(text)
        if model is None and region is not None:  # cross-region inference profile id
            model = self._api.get(region.group("model").lower())
        if model is not None:
            return _api_match(raw, model, model.provider, model.license, "API model name")
        prefix, sep, rest = text.partition("/")
        provider = self._api_prefixes.get(prefix.lower()) if sep else None
        if provider is None:
            return None
        license_id = self._provider_license[provider]
        model = self._api.get(rest.lower())
        if model is not None:
            how = f"litellm prefix {prefix!r}: {model.name} served by {provider}"
            return _api_match(raw, model, provider, license_id, how)
        return Match(
            query=raw,
            model_id=rest,
            license=license_id,
            rule=Rule.API,
            detail=f"litellm prefix {prefix!r}: unlisted model name under provider {provider}",
            source=self._license_source(license_id),
            provider=provider,
            inferred=True,
        )

    def _api_ref(self, raw: str) -> Match | None:
        prefix, sep, rest = raw.strip().partition("/")
        if sep and prefix.lower() in _LOCAL_API_PREFIXES:
            return self._ollama_tag(rest)
        if sep and prefix.lower() == "huggingface":
            return self._hub_chain(raw, hub_id(rest))
        if sep and prefix.lower() == "models" and "/" not in rest:  # Google's resource names
            named = self._api_name(rest)
            return None if named is None else replace(named, query=raw)
        # an OpenAI-compatible server (vLLM, TGI, LM Studio) is asked for a Hub model by its id
        return self._api_name(raw) or (self._hub_chain(raw, hub_id(raw)) if sep else None)

    def _spacy_package(self, raw: str) -> Match | None:
        name = raw.strip().lower().split("==", 1)[0].split("@", 1)[0].strip().replace("-", "_")
        versioned = _SPACY_VERSION.match(name)
        record = self._spacy.get(versioned["name"] if versioned else name)
        return None if record is None else _record_match(raw, record, Rule.SPACY, "spaCy package")

    def _ultralytics_weights(self, raw: str) -> Match | None:
        name = raw.strip().lower().rsplit("/", 1)[-1]
        record = self._ultralytics.get(name if name.endswith(".pt") else f"{name}.pt")
        if record is None:
            return None
        return _record_match(raw, record, Rule.ULTRALYTICS, "Ultralytics weights")

    def _ollama_tag(self, raw: str) -> Match | None:
        text = raw.strip()
        for prefix in ("hf.co/", "huggingface.co/"):
            if text.lower().startswith(prefix):
                return self._hub_chain(raw, hub_id(text))
        tag = text.lower().removeprefix("ollama/")
        rule = self._ollama.first(tag if ":" in tag else f"{tag}:latest")
        return None if rule is None else _rule_match(raw, text, rule, Rule.FAMILY, "Ollama rule")

    def _package(self, raw: str) -> Match | None:
        name = normalise_package(raw.split("==", 1)[0])
        rule = self._packages.first(name)
        return None if rule is None else _rule_match(raw, name, rule, Rule.PACKAGE, "package")

    def _other_hub(self, raw: str) -> Match | None:
        """timm / open_clip / torch_hub names: Hub ids when prefixed, else exact or family."""
        text = raw.strip()
        if text.lower().startswith(_HUB_SCHEMES):
            return self._hub_chain(raw, hub_id(text))
        return self._exact(raw, text) or self._family_rule(raw, text)

    def _torch_hub(self, raw: str) -> Match | None:
        repo, _, entry = raw.strip().partition(":")
        if repo.lower().startswith("ultralytics/") and entry:
            found = self._ultralytics_weights(entry)
            return None if found is None else replace(found, query=raw)
        return self._other_hub(repo)

    def _license_source(self, license_id: str) -> str:
        terms = self._licenses.get(license_id)
        return terms.sources[0] if terms and terms.sources else ""


def hub_id(raw: str) -> str:
    """``raw`` without Hub URL/scheme decorations, ``@revision``, ``:tag`` or sub-paths."""
    text = _HUB_URL.sub("", raw.strip())
    for scheme in _HUB_SCHEMES:
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
    text = text.split("@", 1)[0].split(":", 1)[0].strip("/")
    parts = text.split("/")
    return "/".join(parts[:2])


def strip_suffixes(name: str, suffixes: tuple[str, ...]) -> str:
    """``name`` without trailing quantisation / format markers, stripped repeatedly."""
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            if name.endswith(suffix) and len(name) > len(suffix):
                name, changed = name[: -len(suffix)], True
                break
    return name


def _license_keys(licenses: Iterable[LicenseTerms]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for terms in licenses:
        keys[terms.id.lower()] = terms.id
    for terms in licenses:
        for other in (terms.spdx, terms.hub_license_name):
            if other:
                keys.setdefault(other.lower(), terms.id)
    return keys


def _index(models: Iterable[ModelRecord], kind: str) -> Mapping[str, ModelRecord]:
    return MappingProxyType({m.model_id.lower(): m for m in models if m.kind == kind})


def _by_name(models: Iterable[ModelRecord]) -> dict[str, tuple[ModelRecord, ...]]:
    grouped: dict[str, tuple[ModelRecord, ...]] = {}
    for model in models:
        if model.kind == "huggingface" and "/" in model.model_id:
            name = model.model_id.split("/", 1)[1].lower()
            grouped[name] = (*grouped.get(name, ()), model)
    return grouped


_BEDROCK_REGION = re.compile(r"(?:us|eu|apac|global|us-gov|jp|au|ca)\.(?P<model>[a-z0-9-]+\..+)")
"""Bedrock cross-region inference profiles prefix a model id with a region: ``us.anthropic...``."""

_RESELLERS = frozenset({
    "azure", "azure_ai", "bedrock", "bedrock_converse", "cloudflare", "databricks", "deepinfra",
    "fireworks_ai", "github_copilot", "gmi", "groq", "lambda_ai", "nebius", "novita", "oci",
    "openrouter", "replicate", "sambanova", "scaleway", "snowflake", "together_ai",
    "vercel_ai_gateway", "vertex_ai", "wandb", "watsonx",
})  # fmt: skip
"""Providers that resell other organisations' models: a bare name means its maker's own API."""


def _api_index(models: Iterable[ApiModel]) -> dict[str, ApiModel]:
    """Name -> model; where several providers list a name, the maker's own API wins."""
    index: dict[str, ApiModel] = {}
    for model in sorted(models, key=lambda m: m.provider in _RESELLERS):
        index.setdefault(model.name.lower(), model)
    return index


def _record_match(raw: str, record: ModelRecord, rule: Rule, how: str) -> Match:
    return Match(
        query=raw,
        model_id=record.model_id,
        license=record.license,
        rule=rule,
        detail=how,
        source=record.source,
        tier=record.tier,
    )


def _rule_match(raw: str, model_id: str, rule: PatternRule, how: Rule, what: str) -> Match:
    return Match(
        query=raw,
        model_id=model_id,
        license=rule.license,
        rule=how,
        detail=f"{what} {rule.id}: {rule.note}",
        source=rule.source,
        tier=_FAMILY_TIER,
        rule_id=rule.id,
    )


def _api_match(raw: str, model: ApiModel, provider: str, license_id: str, how: str) -> Match:
    return Match(
        query=raw,
        model_id=model.name,
        license=license_id,
        rule=Rule.API,
        detail=how,
        source=model.source,
        provider=provider,
    )


def _none(db: LicenseDB, raw: str) -> Match | None:
    return None


_RESOLVERS: dict[str, Callable[[LicenseDB, str], Match | None]] = {
    "huggingface": LicenseDB._huggingface,
    "api": LicenseDB._api_ref,
    "spacy": LicenseDB._spacy_package,
    "ultralytics": LicenseDB._ultralytics_weights,
    "ollama": LicenseDB._ollama_tag,
    "package": LicenseDB._package,
    "timm": LicenseDB._other_hub,
    "open_clip": LicenseDB._other_hub,
    "torch_hub": LicenseDB._torch_hub,
    "dataset": _none,
    "local": _none,
}
"""RefKind value -> resolver. Datasets and local folders have no bundled data: always None."""
