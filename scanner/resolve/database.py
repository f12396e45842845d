"""ModelRef + LicenseDB -> Known | Unknown. An unknown license is data, never permission."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from license_db import LicenseDB
from license_db.expression import canonical_expression
from license_db.schema import Match, Rule
from scanner.context import RepoContext
from scanner.find.identify import strip_hub_prefix
from scanner.resolve.local_models import LocalModelCard, describe
from scanner.types import Known, ModelId, ModelRef, RefKind, Resolved, Unknown

_HUB_KINDS = (RefKind.HUGGINGFACE, RefKind.DATASET)


def model_id(ref: ModelRef) -> ModelId:
    """The normalised identifier of a reference (Hub decorations and revisions removed)."""
    if ref.kind in _HUB_KINDS:
        return ModelId(strip_hub_prefix(ref.raw).split("@", 1)[0])
    return ModelId(ref.raw.strip())


def resolve(ref: ModelRef, db: LicenseDB, ctx: RepoContext) -> Resolved:
    """Resolve one reference against the database (local folders through their model card)."""
    model = model_id(ref)
    if ref.kind is RefKind.LOCAL:
        return _resolve_local(ref, model, db, ctx)
    return _resolved(ref, model, _answer(ref, model, db))


def resolve_all(refs: Sequence[ModelRef], db: LicenseDB, ctx: RepoContext) -> list[Resolved]:
    """``resolve`` for each reference, asking the database once per identifier, kind and
    provider (a repository names a few hundred models in thousands of places)."""
    answers: dict[tuple[ModelId, RefKind, str | None], Answer] = {}
    out: list[Resolved] = []
    for ref in refs:
        model = model_id(ref)
        if ref.kind is RefKind.LOCAL:
            out.append(_resolve_local(ref, model, db, ctx))
            continue
        key = (model, ref.kind, ref.provider)
        if key not in answers:
            answers[key] = _answer(ref, model, db)
        out.append(_resolved(ref, model, answers[key]))
    return out


Answer = Match | str | None
"""What the database says of an identifier: its match, else why it looks like one it knows."""


def _answer(ref: ModelRef, model: ModelId, db: LicenseDB) -> Answer:
    plain = db.lookup(model, ref.kind.value)
    hinted = _provider_lookup(ref, model, db)
    match = plain if hinted is None or (plain and plain.provider == hinted.provider) else hinted
    if match is None and ref.kind is RefKind.HUGGINGFACE:
        return db.near_miss(model)
    return match


def _resolved(ref: ModelRef, model: ModelId, answer: Answer) -> Resolved:
    if isinstance(answer, Match):
        return Known(ref, model, answer)
    return Unknown(ref, model, answer or _unknown_reason(ref))


_PROVIDER_PREFIX = {"google": "gemini"}
"""The extractor's provider name -> the database's API prefix, where the two differ."""


def _provider_lookup(ref: ModelRef, model: ModelId, db: LicenseDB) -> Match | None:
    """A hosted name looked up under the provider whose client the code calls, when listed.

    ``gemini-1.5-flash`` called through Google's SDK is the Gemini API, not a reseller's; a name
    the provider does not list (a local server behind an OpenAI client) falls back to the
    plain lookup.
    """
    name = model.removeprefix("models/")  # Google's resource names
    if ref.kind is not RefKind.API or not ref.provider or "/" in name:
        return None
    prefix = _PROVIDER_PREFIX.get(ref.provider, ref.provider)
    match = db.lookup(f"{prefix}/{name}", RefKind.API.value)
    if match is None or match.inferred:
        return None
    detail = f"API model name {name!r} called through the {ref.provider} client"
    return replace(match, query=model, detail=detail)


def _unknown_reason(ref: ModelRef) -> str:
    if ref.kind is RefKind.DATASET:
        return "not in the bundled dataset table"
    return f"no {ref.kind.value} entry, alias, family rule or base model in the bundled database"


def _resolve_local(ref: ModelRef, model: ModelId, db: LicenseDB, ctx: RepoContext) -> Resolved:
    card = describe(ctx, model)
    if card is None:
        return Unknown(ref, model, "local model folder has no model card, config.json or LICENSE")
    declared = card.license or card.license_file
    if declared:
        return _declared(ref, model, card, declared, db)
    for base in (*card.base_models, *([card.name_or_path] if card.name_or_path else [])):
        match = db.lookup(base)
        if match is not None:
            return Known(ref, model, _from_base(model, card, match))
    return Unknown(ref, model, f"{card.evidence}: names no license the database can resolve")


def _declared(
    ref: ModelRef, model: ModelId, card: LocalModelCard, declared: str, db: LicenseDB
) -> Resolved:
    canonical = canonical_expression(declared, db)
    if canonical is None:
        return Unknown(ref, model, f"{card.evidence}: license {declared!r} is not in the database")
    match = Match(
        query=model,
        model_id=model,
        license=canonical,
        rule=Rule.MODEL_CARD,
        detail=card.evidence,
        source=card.evidence,
    )
    return Known(ref, model, match)


def _from_base(model: ModelId, card: LocalModelCard, base: Match) -> Match:
    return Match(
        query=model,
        model_id=model,
        license=base.license,
        rule=Rule.MODEL_CARD,
        detail=f"{card.evidence}; base model {base.model_id} resolved by {base.rule.value}",
        source=base.source,
        tier=base.tier,
        base_model=base.model_id,
        inferred=True,
    )
