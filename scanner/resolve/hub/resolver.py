"""Hub answers -> license resolutions: a card's license (or its base model's), or still unknown.

The card metadata's ``license`` (``other`` with ``license_name``) or a ``license:`` tag is
mapped through the database's license ids; without a license, a ``base_model`` the database
knows gives an inferred license. Anything else stays unknown, with the Hub's answer in the
reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeGuard

from license_db import LicenseDB
from license_db.expression import AllOf, canonical_expression, parse, render
from license_db.schema import Match, Rule
from scanner.resolve.hub.card import HubCard, Status
from scanner.resolve.hub.client import HubClient
from scanner.types import Known, ModelId, RefKind, Resolved, Unknown


def resolve_unknowns(
    resolved: Sequence[Resolved], db: LicenseDB, client: HubClient
) -> list[Resolved]:
    """``resolved`` in order, with each unknown Hub model resolved by its Hub card if it can."""
    cards = client.cards(item.model for item in resolved if _askable(item))
    return [from_card(item, cards[item.model], db) if _askable(item) else item for item in resolved]


def _askable(item: Resolved) -> TypeGuard[Unknown]:
    return isinstance(item, Unknown) and item.ref.kind is RefKind.HUGGINGFACE


def from_card(unknown: Unknown, card: HubCard, db: LicenseDB) -> Resolved:
    """``unknown`` resolved by what the Hub said, or still unknown with the Hub's answer."""
    match card.status:
        case Status.FOUND:
            return _from_metadata(unknown, card, db)
        case Status.NOT_FOUND:
            return _still(unknown, f"not on the Hugging Face Hub either ({card.url}: HTTP 404)")
        case Status.DENIED:
            return _still(
                unknown,
                f"the Hugging Face Hub refused access ({card.url}: {card.problem}): private, "
                "gated or missing repository; set HF_TOKEN to a token that can read it",
            )
        case Status.INVALID:
            return _still(unknown, f"not asked on the Hugging Face Hub: {card.problem}")
    return _still(unknown, f"hub lookup failed: {card.problem} ({card.url})")


def _still(unknown: Unknown, why: str) -> Unknown:
    return replace(unknown, reason=f"{unknown.reason}; {why}")


def _from_metadata(unknown: Unknown, card: HubCard, db: LicenseDB) -> Resolved:
    if not card.licenses:
        return _from_base(unknown, card, db)
    label = "license: " + ", ".join(card.licenses)
    if card.license_name and "other" in card.licenses:
        label += f", license_name: {card.license_name}"
    expression = _expression(_declared(card), db)
    if expression is None:
        return _still(
            unknown,
            f"the Hub card at {card.url} declares {label}, which the database does not know",
        )
    return Known(unknown.ref, unknown.model, _match(unknown.model, expression, card, label))


def _declared(card: HubCard) -> tuple[str, ...]:
    """The card's licenses, with ``other`` replaced by ``license_name`` when it has one."""
    named = card.license_name
    return tuple(named if item == "other" and named else item for item in card.licenses)


def _expression(licenses: Sequence[str], db: LicenseDB) -> str | None:
    """Every license in the database's ids, ANDed; None if any one is unknown."""
    canonical = [canonical_expression(item, db) for item in licenses]
    known = [item for item in dict.fromkeys(canonical) if item is not None]
    if None in canonical or not known:
        return None
    return known[0] if len(known) == 1 else render(AllOf(tuple(parse(item) for item in known)))


def _match(model: ModelId, expression: str, card: HubCard, label: str) -> Match:
    return Match(
        query=model,
        model_id=model,
        license=expression,
        rule=Rule.HUB,
        detail=f"Hugging Face Hub card metadata ({label}) at {card.url}",
        source=card.url,
    )


def _from_base(unknown: Unknown, card: HubCard, db: LicenseDB) -> Resolved:
    """No license on the card: the license of its base model(s), when the database knows all."""
    if not card.base_models:
        return _still(unknown, f"the Hub card at {card.url} declares no license and no base_model")
    found = [(base, db.lookup(base)) for base in card.base_models]
    matches = [match for _, match in found if match is not None]
    missing = [base for base, match in found if match is None]
    expression = None if missing else _expression([m.license for m in matches], db)
    if expression is None:
        return _still(
            unknown,
            f"the Hub card at {card.url} declares no license, and its base model "
            f"{', '.join(missing or card.base_models)} is not in the database",
        )
    label = "no license; base_model: " + ", ".join(card.base_models)
    via = "; ".join(f"base model {m.model_id} resolved by {m.rule.value}" for m in matches)
    match = _match(unknown.model, expression, card, label)
    return Known(
        unknown.ref,
        unknown.model,
        replace(
            match,
            detail=f"{match.detail}; {via}",
            base_model=", ".join(m.model_id for m in matches),
            inferred=True,
        ),
    )
