"""LicenseDB: indexes over the bundled data and identifier resolution, rule by rule.

Resolution of a Hub id tries, in order: exact id, alias, family rule, derivative inference, API
name, spaCy package, Ultralytics weights. Every answer names the rule that decided it; anything
else is None (unknown), never a permissive default.

Family rules list their sizes and variants; of all the rules that match, the one with the
strictest license wins (``license_db.permissive``), and none when no license is strictest. A
derivative is inferred only for a name that equals a known base once quantisation markers are
stripped, published by the base's organisation or a known re-packager. ``near_miss`` explains an
unknown that looks like a known model ("possible fine-tune of X") without inferring anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, cached_property
from types import MappingProxyType

from license_db import indexes
from license_db.frozen import replace
from license_db.loader import Index, LazyBundle, Records, normalise_package
from license_db.rulesets import RuleSet, beginnings
from license_db.schema import LicenseTerms, Match, ModelRecord, Rule

TYPE_CHECKING = False  # ``typing`` is not imported at run time: a load never needs it
if TYPE_CHECKING:  # strictness comparisons import what they use when first made
    from license_db.permissive import Grant
    from license_db.records import (
        Alias,
        ApiModel,
        Bundle,
        DatasetRecord,
        Derivatives,
        ModalityRule,
        PatternRule,
    )

_HUB_URL = r"(?i)^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/"
_HUB_SCHEMES = ("hf://", "hf-hub:", "hf_hub:", "huggingface://")
_SPACY_VERSION = r"^(?P<name>[a-z]{2,3}_[a-z0-9_]+?)[-_]\d+(\.\d+)*$"
_LOCAL_API_PREFIXES = frozenset({"ollama", "ollama_chat"})
_FAMILY_TIER = 2
_NAME_SEPARATORS = r"[-_]"


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled the first time it is used (a load that resolves nothing compiles
    nothing)."""
    return re.compile(pattern)


def _name_part(regex: str) -> str:
    return regex.split("/", 1)[1]


def _names_only(rules: Iterable[PatternRule]) -> list[PatternRule]:
    """Rules usable on a bare model name: organisation-scoped, name not a pure wildcard."""
    return [r for r in rules if "/" in r.match and not _name_part(r.match).startswith(".*")]


class LicenseDB:
    """The bundled offline database; build it with ``license_db.load()``."""

    def __init__(self, bundle: Bundle | LazyBundle) -> None:
        """The database over ``bundle``; each index is built the first time it is used (a
        scan that never names an API model never parses the API list)."""
        manifest = bundle.manifest
        self.version: str = manifest["db_version"]
        self.schema_version: int = manifest["schema_version"]
        self.built: str = manifest["built"]
        self._bundle = bundle

    # Indexes hold positions in the bundle's tables, read from their rows: a lookup makes the
    # one record it answers with, not every record of the file (``loader.Records``).

    @cached_property
    def _license_table(self) -> Records[LicenseTerms]:
        return indexes.table(self._bundle.licenses)

    @cached_property
    def _model_table(self) -> Records[ModelRecord]:
        return indexes.table(self._bundle.models)

    @cached_property
    def _api_table(self) -> Records[ApiModel]:
        return indexes.table(self._bundle.api_models)

    @cached_property
    def _licenses(self) -> Index[LicenseTerms]:
        ids = self._license_table.column("id")
        return Index(self._license_table, {key: i for i, key in enumerate(ids)})

    @cached_property
    def _license_keys(self) -> Mapping[str, str]:
        table = self._license_table
        columns = (table.column(name) for name in ("id", "spdx", "hub_license_name"))
        return MappingProxyType(indexes.license_keys(zip(*columns, strict=True)))

    @cached_property
    def _models(self) -> Index[ModelRecord]:
        return indexes.models(self._model_table, "huggingface")

    @cached_property
    def _spacy(self) -> Index[ModelRecord]:
        return indexes.models(self._model_table, "spacy")

    @cached_property
    def _ultralytics(self) -> Index[ModelRecord]:
        return indexes.models(self._model_table, "ultralytics")

    @cached_property
    def _by_name(self) -> Mapping[str, tuple[int, ...]]:
        table = self._model_table
        return MappingProxyType(indexes.by_name(table.column("model_id"), table.column("kind")))

    @cached_property
    def _hub_orgs(self) -> frozenset[str]:
        ids, kinds = self._model_table.column("model_id"), self._model_table.column("kind")
        return frozenset(
            model_id.partition("/")[0].lower() for model_id, kind in zip(ids, kinds, strict=True)
            if kind == "huggingface" and "/" in model_id
        )  # fmt: skip

    def _named(self, name: str) -> tuple[ModelRecord, ...]:
        """The Hub models whose name (after the organisation) is ``name``, lowercased."""
        return tuple(self._model_table[i] for i in self._by_name.get(name, ()))

    @cached_property
    def _aliases(self) -> Mapping[str, Alias]:
        return MappingProxyType({a.alias.lower(): a for a in self._bundle.aliases})

    @cached_property
    def _api(self) -> Index[ApiModel]:
        table = self._api_table
        names, providers = table.column("name"), table.column("provider")
        return Index(table, indexes.api(names, providers))

    @cached_property
    def _provider_license(self) -> Mapping[str, str]:
        table = self._api_table
        pairs = zip(table.column("provider"), table.column("license"), strict=True)
        return MappingProxyType(dict(pairs))

    @cached_property
    def _api_prefixes(self) -> Mapping[str, str]:
        own = {p: p for p in self._provider_license}
        return MappingProxyType({**own, **self._bundle.api_prefixes})

    @cached_property
    def _family(self) -> RuleSet:
        return RuleSet.of(self._bundle.family)

    @cached_property
    def _family_names(self) -> RuleSet:
        return RuleSet.of(_names_only(self._bundle.family), _name_part)

    @cached_property
    def _ollama(self) -> RuleSet:
        return RuleSet.of(self._bundle.ollama)

    @cached_property
    def _packages(self) -> RuleSet:
        return RuleSet.of(self._bundle.packages)

    @cached_property
    def _derivatives(self) -> Derivatives:
        return self._bundle.derivatives

    @cached_property
    def _modality(self) -> tuple[tuple[tuple[str, ...], ModalityRule], ...]:
        return tuple((beginnings(r.regex), r) for r in self._bundle.modality)

    @cached_property
    def _datasets(self) -> Mapping[str, DatasetRecord]:
        return MappingProxyType({d.dataset_id.lower(): d for d in self._bundle.datasets})

    # -- licenses ---------------------------------------------------------------------------

    def license(self, license_id: str) -> LicenseTerms | None:
        """A license by id, SPDX id or model-card license name, case-insensitively."""
        key = self._license_keys.get(license_id.strip().lower())
        return None if key is None else self._licenses[key]

    def licenses(self) -> tuple[LicenseTerms, ...]:
        """Every license, sorted by id."""
        return tuple(self._license_table)

    def models(self) -> tuple[ModelRecord, ...]:
        """Every model record (Hub ids, spaCy packages, Ultralytics weights), sorted by id."""
        return tuple(self._model_table)

    def family_rules(self) -> tuple[PatternRule, ...]:
        """The family rules; every rule that matches is a candidate and the strictest wins."""
        return self._bundle.family

    def ollama_rules(self) -> tuple[PatternRule, ...]:
        """The ordered Ollama name rules."""
        return self._bundle.ollama

    def stats(self) -> dict[str, object]:
        """Version, schema, build date and record counts."""
        kinds = self._model_table.column("kind")
        return {
            "version": self.version,
            "schema_version": self.schema_version,
            "built": self.built,
            "licenses": len(self._licenses),
            "models": kinds.count("huggingface"),
            "spacy_packages": len(self._spacy),
            "ultralytics_weights": len(self._ultralytics),
            "aliases": len(self._aliases),
            "api_models": len(self._api_table),
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
        found = (r for starts, r in self._modality if name.startswith(starts))  # else no match
        return next((rule for rule in found if _regex(rule.regex).fullmatch(name)), None)

    def _with_modality(self, found: Match) -> Match:
        """``found`` marked multimodal or not when a rule names it or its base model."""
        for model_id in (found.model_id, found.base_model):
            rule = self.modality(model_id) if model_id else None
            if rule is not None:
                return replace(found, multimodal=rule.multimodal)
        return found

    def _huggingface(self, raw: str) -> Match | None:
        query = hub_id(raw)
        # a Hub repo of an organisation the database knows on the Hub (openai/, tencent/...) is
        # that organisation's model, not an unlisted name of its hosted API
        hub_org = query.partition("/")[0].lower() in self._hub_orgs
        return (
            self._hub_chain(raw, query)
            or self._api_name(raw, guess=not hub_org)
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
        rule = self.strictest(self._family.all(query.lower()))
        return None if rule is None else _rule_match(raw, query, rule, Rule.FAMILY, "family rule")

    def _derivative(self, raw: str, query: str) -> Match | None:
        """A copy of a known base: the same name, by its publisher or a known re-packager."""
        org, _, name = query.lower().partition("/")
        base_name = strip_suffixes(name, self._derivatives.suffixes)
        repackager = org in self._derivatives.repackagers
        if not name or (base_name == name and not repackager):
            return None
        base = self._base_for(org, base_name, repackager)
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

    def _base_for(self, org: str, name: str, repackager: bool) -> Match | None:
        """The base model ``org`` may copy under exactly ``name``: its own, or any when a
        re-packager; a record of that name first, then an alias, then a family rule."""
        records = [r for r in self._named(name) if repackager or _org(r.model_id) == org]
        if records:
            if len({r.license for r in records}) > 1:
                return None  # one name, several licenses: which base is meant is not known
            found = records[0]
            return _record_match(name, found, Rule.EXACT, f"exact id {found.model_id}")
        if repackager and (alias := self._aliases.get(name)):
            return self._alias(name, alias.alias)
        candidate = f"{org}/{name}"
        if rule := self.strictest(self._family.all(candidate)):
            return _rule_match(name, candidate, rule, Rule.FAMILY, "family rule")
        if repackager and (rule := self.strictest(self._family_names.all(name))):
            return _rule_match(name, name, rule, Rule.FAMILY, "family rule (by name)")
        return None

    # -- strictness and misses --------------------------------------------------------------

    def more_permissive(self, a: str, b: str) -> bool:
        """True when license expression ``a`` grants more than ``b`` (license_db.permissive)."""
        from license_db.permissive import dominates

        return dominates(self._grant(a), self._grant(b))

    def _grant(self, text: str) -> Grant:
        from license_db.expression import LicenseExpressionError, parse
        from license_db.permissive import NOTHING, expression_grant

        try:
            return expression_grant(parse(text), self.license)
        except LicenseExpressionError:
            return NOTHING

    def strictest(self, rules: Sequence[PatternRule]) -> PatternRule | None:
        """The candidate every other candidate's license is more permissive than; None when
        there is none or no candidate is strictest (two licenses that each grant more)."""
        licenses = list(dict.fromkeys(r.license for r in rules))
        for license_id in licenses:
            if all(self.more_permissive(o, license_id) for o in licenses if o != license_id):
                return next(r for r in rules if r.license == license_id)
        return None

    def near_miss(self, raw: str) -> str | None:
        """Why a Hub id the database leaves unknown looks like one it knows, or None.

        ``possible fine-tune of X (license of X: L)`` when the name starts with a known model's
        name (a fine-tune, merge or a copy by an organisation that is not a known re-packager);
        the family rules when they disagree; the organisation's family rules when none lists
        the size or variant. A reason for the Unknown, never a license: nothing is inferred.
        """
        query = hub_id(raw).lower()
        org, _, name = query.partition("/")
        if not name or self.lookup(raw) is not None:
            return None
        return (
            self._rule_conflict(query)
            or self._possible_base(org, name)
            or self._unlisted(org, name)
        )

    def _rule_conflict(self, query: str) -> str | None:
        rules = self._family.all(query)
        if len({r.license for r in rules}) < 2:
            return None
        named = " and ".join(f"{r.id} ({r.license})" for r in rules)
        return f"family rules {named} all match and no license is the strictest: left unknown"

    def _possible_base(self, org: str, name: str) -> str | None:
        stripped = strip_suffixes(name, self._derivatives.suffixes)
        for prefix in _prefixes(stripped):
            base = self._known_base(prefix)
            if base is None:
                continue
            label, license_id = base
            why = (
                f"the name adds {stripped[len(prefix) :]!r}"
                if prefix != stripped
                else f"{org!r} is neither its publisher nor a known re-packager"
            )
            return f"possible fine-tune of {label} (license of {label}: {license_id}): {why}"
        return None

    def _known_base(self, name: str) -> tuple[str, str] | None:
        """(model, license) of the one model called ``name`` in any organisation, if any."""
        records = self._named(name)
        if len({r.license for r in records}) == 1:
            return records[0].model_id, records[0].license
        if alias := self._aliases.get(name):
            return alias.target, self._models[alias.target.lower()].license
        rule = None if records else self.strictest(self._family_names.all(name))
        return None if rule is None else (f"{name} (family rule {rule.id})", rule.license)

    def _unlisted(self, org: str, name: str) -> str | None:
        """The organisation's family rules nearest ``name`` when none lists it."""
        rules = [r for r in self._bundle.family if org in _rule_orgs(r)]
        if not rules:
            return None
        shared = {r.id: len(_common_stem(r.id, name)) for r in rules}
        best = max(shared.values())
        near = [r for r in rules if best and shared[r.id] == best] or rules
        named = ", ".join(f"{r.id} ({r.license})" for r in near)
        return f"no family rule of {org!r} lists this size or variant; its rules: {named}"

    def _api_name(self, raw: str, guess: bool = True) -> Match | None:
        """A listed API name, a litellm ``provider/name``, else (``guess``) the provider's terms
        for a name it does not list."""
        text = raw.strip()
        model = self._api.get(text.lower())
        region = _regex(_BEDROCK_REGION).match(text)
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
        if not guess:
            return None
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
        versioned = _regex(_SPACY_VERSION).match(name)
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

    def _dataset(self, raw: str) -> Match | None:
        """A Hub dataset id in the bundled dataset table (exact id, any case)."""
        record = self._datasets.get(raw.strip().lower())
        if record is None:
            return None
        detail = f"exact dataset id; {record.notes}"
        return Match(raw, record.dataset_id, record.license, Rule.EXACT, detail, record.source)

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
    text = _regex(_HUB_URL).sub("", raw.strip())
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


def _prefixes(name: str) -> list[str]:
    """``name`` and its leading parts cut at ``-`` / ``_``, longest first."""
    cuts = [m.start() for m in _regex(_NAME_SEPARATORS).finditer(name) if m.start() > 0]
    return [name, *(name[:cut] for cut in reversed(cuts))]


def _common_stem(a: str, b: str) -> str:
    """The common leading part of ``a`` and ``b``, without a trailing separator."""
    size = min(len(a), len(b))
    size = next((i for i in range(size) if a[i] != b[i]), size)
    return a[:size].rstrip("-_.")


def _org(model_id: str) -> str:
    return model_id.split("/", 1)[0].lower()


@cache  # asked for every rule at each unknown id (near_miss): once per rule is enough
def _rule_orgs(rule: PatternRule) -> frozenset[str]:
    """The organisations a family rule is scoped to: ``org/...`` or ``(a|b)/...``."""
    org = re.sub(r"\\(.)", r"\1", rule.match.split("/", 1)[0]).strip("()")
    names = org.split("|")
    return frozenset(names) if all(re.fullmatch(r"[a-z0-9._-]+", n) for n in names) else frozenset()


_BEDROCK_REGION = r"(?:us|eu|apac|global|us-gov|jp|au|ca)\.(?P<model>[a-z0-9-]+\..+)"
"""Bedrock cross-region inference profiles prefix a model id with a region: ``us.anthropic...``."""


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
    "dataset": LicenseDB._dataset,
    "local": _none,
}
"""RefKind value -> resolver. Local folders have no bundled data: always None."""
