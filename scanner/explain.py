"""``explain MODEL``: how the database resolves a model, its terms in plain words, the verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date

from license_db import LicenseDB
from license_db.expression import LicenseExpressionError, ids, parse
from license_db.schema import Commercial, LicenseTerms, Match
from license_db.vocabulary import USE_CATEGORIES
from scanner.decide.evaluate import evaluate
from scanner.decide.policy import Policy
from scanner.decide.usage_facts import effective_policy
from scanner.report.usage import use_text
from scanner.resolve.hub import HubClient, resolve_unknowns
from scanner.rules import describe
from scanner.types import (
    EXPLAIN_KINDS,
    Decision,
    Known,
    ModelId,
    ModelRef,
    RefKind,
    SourceKind,
    Unknown,
    Use,
)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything ``explain`` shows for one model."""

    model: str
    kind: RefKind
    match: Match | None
    terms: tuple[LicenseTerms, ...]
    decision: Decision
    policy_source: str
    uses: tuple[Use, ...] = ()  # what the repository's code does with it (``--in-code``)


def explain(
    model: str,
    db: LicenseDB,
    policy: Policy,
    today: date,
    kind: str | None = None,
    hub: HubClient | None = None,
    uses: Sequence[Use] = (),
) -> Explanation:
    """Resolve ``model`` (each kind unless one is given, then the Hub if asked); evaluate it,
    under the usage facts ``uses`` (the places the code trains or ships it) show."""
    kinds = (RefKind(kind),) if kind else EXPLAIN_KINDS
    found = next(((k, m) for k in kinds if (m := db.lookup(model, k.value)) is not None), None)
    ref_kind = found[0] if found else kinds[0]
    ref = ModelRef("<explain>", 1, 1, ref_kind, model, "cli.explain", SourceKind.PYTHON,
                   uses=tuple(uses))  # fmt: skip
    resolved: Known | Unknown = (
        Known(ref, ModelId(model), found[1])
        if found
        else Unknown(ref, ModelId(model), "not in the bundled database")
    )
    if hub is not None:
        resolved = resolve_unknowns([resolved], db, hub)[0]
    match = resolved.match if isinstance(resolved, Known) else None
    effective, taken = effective_policy(policy, ref)
    decision = evaluate(resolved, effective, db, today)
    decision = replace(decision, reasons=(*decision.reasons, *taken))
    terms = _terms(match, db)
    return Explanation(model, ref_kind, match, terms, decision, policy.source, tuple(uses))


def _terms(match: Match | None, db: LicenseDB) -> tuple[LicenseTerms, ...]:
    if match is None:
        return ()
    try:
        keys = ids(parse(match.license))
    except LicenseExpressionError:
        return ()
    return tuple(t for key in keys if (t := db.license(key)) is not None)


def plain_terms(terms: LicenseTerms) -> list[str]:
    """The license's terms as short sentences; unverified facts are said to be unverified."""
    lines = [
        f"{terms.name} [{terms.id}{', SPDX ' + terms.spdx if terms.spdx else ''}]",
        f"category: {terms.category}",
        _commercial(terms),
    ]
    if terms.mau_limit:
        lines.append(
            f"monthly active users limit: {terms.mau_limit:,} ({terms.limit_effect.value})"
        )
    if terms.revenue_limit_usd:
        lines.append(f"revenue limit: USD {terms.revenue_limit_usd:,} ({terms.limit_effect.value})")
    lines += [
        _tri("modification / fine-tuning", terms.modification),
        _tri("redistribution", terms.distribution),
    ]
    if terms.hosting_allowed is not None:
        lines.append(_tri("offering as a hosted service", terms.hosting_allowed))
    lines += _duties(terms)
    if terms.use_restrictions:
        restricted = ", ".join(terms.use_restrictions)
        flow = " (must flow down to downstream users)" if terms.use_restrictions_flow_down else ""
        lines.append(f"use restrictions{flow}: {restricted}")
    if terms.output_training:
        lines.append(f"training on outputs: {terms.output_training}")
    if terms.geographic_restriction:
        lines.append(f"geography: {terms.geographic_restriction}")
    if terms.proprietary_api:
        lines.append("hosted proprietary API: no weights; inputs leave the organisation")
    if terms.missing:
        lines.append("not verified: " + ", ".join(terms.missing))
    lines.append("sources: " + " ; ".join(terms.sources))
    return lines


def _commercial(terms: LicenseTerms) -> str:
    words = {
        Commercial.YES: "allowed",
        Commercial.NO: "not allowed",
        Commercial.CONDITIONAL: "allowed under conditions",
        Commercial.UNKNOWN: "not verified",
    }
    note = f" ({terms.commercial_note})" if terms.commercial_note else ""
    return f"commercial use: {words[terms.commercial]}{note}"


def _tri(label: str, value: bool | None) -> str:
    return f"{label}: " + {True: "allowed", False: "not allowed", None: "not verified"}[value]


def _duties(terms: LicenseTerms) -> list[str]:
    duties = []
    if terms.attribution:
        duties.append(f"attribution: {terms.attribution}")
    if terms.naming_rule and terms.naming_rule != "none":
        duties.append(f"naming of derivatives: {terms.naming_rule}")
    if terms.license_copy_required:
        duties.append("ship a copy of the license with the model")
    if terms.notice_file_required:
        duties.append("ship a NOTICE file")
    if terms.share_alike:
        duties.append("share-alike: derivatives keep the same license")
    return duties


def to_text(explanation: Explanation) -> str:
    """Human-readable explanation."""
    match, decision = explanation.match, explanation.decision
    lines = [f"model: {explanation.model}"]
    if match is None:
        lines.append(f"license: unknown ({explanation.kind.value}: not in the bundled database)")
    else:
        lines += [f"license: {match.license}", f"resolved by: {match.rule.value} ({match.detail})"]
        if match.base_model:
            lines.append(f"base model: {match.base_model} (license inferred)")
        lines.append(f"evidence: tier {match.tier or '-'}; source {match.source}")
    for terms in explanation.terms:
        lines += ["", *("  " + line for line in plain_terms(terms))]
    if explanation.uses:
        lines += ["", "in the code:", *(f"  {use_text(use)}" for use in explanation.uses)]
    lines += ["", f"verdict: {decision.verdict.value} (policy: {explanation.policy_source})"]
    for reason in decision.reasons:
        lines.append(
            f"  {reason.code} {describe(reason.code).name} [{reason.verdict.value}]: "
            f"{reason.message}"
        )
        lines += [
            f"    {label}: {value}"
            for label, value in (
                ("term", reason.term),
                ("source", reason.term_source),
                ("policy", reason.policy),
                ("fix", reason.fix),
            )
            if value
        ]
    for duty in decision.obligations:
        lines.append(f"  {duty.code} {describe(duty.code).name}: {duty.text}")
    return "\n".join(lines)


def to_json(explanation: Explanation) -> dict[str, object]:
    """Machine-readable explanation."""
    match, decision = explanation.match, explanation.decision
    return {
        "model": explanation.model,
        "kind": explanation.kind.value,
        "license": match.license if match else None,
        "resolution": None
        if match is None
        else {
            "rule": match.rule.value,
            "detail": match.detail,
            "model_id": match.model_id,
            "source": match.source,
            "tier": match.tier,
            "base_model": match.base_model,
            "inferred": match.inferred,
            "provider": match.provider,
        },
        "terms": {t.id: plain_terms(t) for t in explanation.terms},
        "uses": [{**asdict(u), "kind": u.kind.value} for u in explanation.uses],
        "verdict": decision.verdict.value,
        "policy": explanation.policy_source,
        "reasons": [
            {
                "code": r.code,
                "name": describe(r.code).name,
                "verdict": r.verdict.value,
                "message": r.message,
                "term": r.term,
                "term_source": r.term_source,
                "policy": str(r.policy) if r.policy else None,
                "fix": r.fix,
            }
            for r in decision.reasons
        ],
        "obligations": [
            {"code": o.code, "license": o.license, "text": o.text} for o in decision.obligations
        ],
        "categories": {
            c: USE_CATEGORIES[c]
            for t in explanation.terms
            for c in t.use_restrictions
            if c in USE_CATEGORIES
        },
    }
