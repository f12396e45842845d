"""The duties a license attaches to a model the policy lets through, and the NOTICE that lists them.

Most duties attach when models are distributed or offered to others (attribution, license copy,
NOTICE file, naming rules, flowing use restrictions down); when the policy does not say whether
that happens, the duty is reported with an "if you ..." qualifier instead of being dropped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from license_db.expression import LicenseExpressionError, ids, parse
from license_db.schema import LicenseTerms, LimitEffect, LimitScope, OutputTraining, Period
from license_db.vocabulary import USE_CATEGORIES
from scanner.decide.policy import LicenseCatalog, Policy, Usage
from scanner.decide.terms.common import Tri, all_of, any_of, distributes, revenue_over, term_source
from scanner.types import Decision, Obligation, Verdict


def _when(fact: Tri, condition: str, text: str) -> str | None:
    """``text`` when ``fact`` holds, qualified by ``condition`` when unknown, None when false."""
    if fact is False:
        return None
    return text if fact else f"if you {condition}: {text}"


def obligations_for(terms: LicenseTerms, policy: Policy) -> tuple[Obligation, ...]:
    """Every duty ``terms`` attaches to the use the policy describes."""
    source = term_source(terms)
    return tuple(
        Obligation(code, terms.id, text, terms.aup_url if code == "OBL006" else source)
        for code, text in _duties(terms, policy.usage)
        if text
    )


def _duties(terms: LicenseTerms, usage: Usage) -> Iterator[tuple[str, str | None]]:
    shares = distributes(terms, usage)
    offers = any_of(shares, usage.hosted_service)
    derives = any_of(usage.modifies_models, usage.outputs_train_models)
    ship = "distribute the model"
    if terms.attribution:
        yield "OBL001", _when(offers, "distribute or offer the model", terms.attribution)
    yield from _limit_duties(terms, usage)
    if terms.license_copy_required or _unverified(terms, "license_copy_required"):
        text = (
            f"ship a copy of the {terms.name} with the model{_hedge(terms.license_copy_required)}"
        )
        yield "OBL002", _when(shares, ship, text)
    if terms.notice_file_required:
        text = f"ship a NOTICE file that credits the {terms.name} and its copyright holder"
        yield "OBL003", _when(shares, ship, text)
    if terms.naming_rule and terms.naming_rule.strip().lower() != "none":
        fact = all_of(derives, shares)
        yield "OBL004", _when(fact, "distribute a model derived from it", terms.naming_rule)
    flows = terms.use_restrictions_flow_down
    if terms.use_restrictions and (flows or _unverified(terms, "use_restrictions_flow_down")):
        text = (
            f"make the use restrictions of the {terms.name} an enforceable term of every "
            f"agreement with downstream users{_hedge(flows)}: {', '.join(terms.use_restrictions)}"
        )
        yield "OBL005", _when(shares, ship, text)
    if terms.aup_url:
        yield "OBL006", f"comply with the acceptable use policy: {terms.aup_url}"
    if terms.share_alike:
        text = f"license derivatives under the same terms ({terms.name})"
        yield "OBL007", _when(all_of(usage.modifies_models, shares), "distribute changes", text)
    if terms.output_training_effect == OutputTraining.DERIVATIVE:
        text = (
            f"a model trained on its outputs (distillation, synthetic data) is a derivative "
            f"that stays under the {terms.name}: apply its terms to that model"
        )
        yield "OBL009", _when(usage.outputs_train_models, "train models on its outputs", text)
    if terms.proprietary_api:
        yield (
            "OBL008",
            (
                f"inputs are sent to a third-party provider ({terms.name}): check that "
                "its data-processing terms fit the data you send"
            ),
        )


def _unverified(terms: LicenseTerms, field: str) -> bool:
    """True when a duty's fact was not verified: it is then listed, never dropped.

    Hosted proprietary APIs hand over no weights, so no distribution duty can arise from them.
    """
    return not terms.proprietary_api and field in terms.missing


def _hedge(fact: Tri) -> str:
    """A note for a duty listed because its fact is unverified."""
    return "" if fact else " (whether the license requires this is not verified: do it)"


_PERIODS = {Period.YEAR: "annual ", Period.MONTH: "monthly "}


def _limit_duties(terms: LicenseTerms, usage: Usage) -> Iterator[tuple[str, str | None]]:
    """Duties (not loss of the grant) that start above a user or revenue threshold."""
    if terms.limit_effect is not LimitEffect.DUTY:
        return
    commercial_only = terms.limits_apply_to == LimitScope.COMMERCIAL
    if commercial_only and usage.commercial is False:
        return
    users, revenue = usage.monthly_active_users, usage.annual_revenue_usd
    period = _PERIODS.get(terms.revenue_limit_period, "") if terms.revenue_limit_period else ""
    limits = (
        (
            terms.mau_limit,
            None if users is None or terms.mau_limit is None else users > terms.mau_limit,
            "monthly active users",
            terms.mau_basis,
        ),
        (
            terms.revenue_limit_usd,
            None if revenue is None else revenue_over(terms, revenue),
            f"USD {period}revenue",
            terms.revenue_basis,
        ),
    )
    for limit, over, unit, basis in limits:
        if limit is None or over is False:
            continue
        text = f"above {limit:,} {unit}: {basis or 'an additional duty of the license applies'}"
        unsure = [
            condition
            for condition, open_ in (
                ("use it commercially", commercial_only and usage.commercial is None),
                ("exceed it", over is None),
            )
            if open_
        ]
        yield "OBL001", f"if you {' and '.join(unsure)}: {text}" if unsure else text


# -- NOTICE ----------------------------------------------------------------------------------

WIDTH = 78
_RULE = "=" * WIDTH


@dataclass(frozen=True, slots=True)
class _Group:
    license_id: str
    terms: LicenseTerms | None
    decisions: tuple[Decision, ...]


def render_notice(decisions: Sequence[Decision], db: LicenseCatalog) -> str:
    """A NOTICE-style text: every shipped model grouped by license, with the duties it carries."""
    shipped = [d for d in decisions if d.verdict is not Verdict.FAIL]
    held = len({d.model for d in decisions}) - len({d.model for d in shipped})
    lines = [
        "THIRD-PARTY MODEL NOTICES",
        "",
        "The machine-learning models this project uses, grouped by license, with the duties",
        "each license attaches. A summary, not legal advice: the license texts govern.",
    ]
    if held:
        lines.append(f"Not listed: {held} model(s) that fail the policy.")
    for group in _groups(shipped, db):
        lines += ["", _RULE, _title(group), _RULE, *_section(group)]
    return "\n".join(lines) + "\n"


def _license_ids(decision: Decision) -> tuple[str, ...]:
    """The licenses a decision ships under: its obligations' licenses, else its expression's."""
    from_duties = tuple(dict.fromkeys(o.license for o in decision.obligations))
    if from_duties:
        return from_duties
    if decision.license is None:
        return ("unknown",)
    try:
        return ids(parse(decision.license))
    except LicenseExpressionError:
        return (decision.license,)


def _groups(decisions: Sequence[Decision], db: LicenseCatalog) -> list[_Group]:
    by_license: dict[str, list[Decision]] = {}
    for decision in decisions:
        for license_id in _license_ids(decision):
            terms = db.license(license_id)
            by_license.setdefault(terms.id if terms else license_id, []).append(decision)
    return [_Group(lid, db.license(lid), tuple(found)) for lid, found in sorted(by_license.items())]


def _title(group: _Group) -> str:
    name = group.terms.name if group.terms else "License not in the database"
    return f"{name} ({group.license_id})"


def _section(group: _Group) -> list[str]:
    lines = ["Models:", *_models(group.decisions)]
    duties = sorted(
        {
            (o.code, o.text)
            for d in group.decisions
            for o in d.obligations
            if o.license == group.license_id
        }
    )
    attribution = [text for code, text in duties if code == "OBL001"]
    if attribution:
        lines += ["", "Attribution:", *(_wrap(text, "  ", "  ") for text in attribution)]
    notices = [_wrap(f"{text} ({code})") for code, text in duties if code != "OBL001"]
    if notices:
        lines += ["", "Required notices and duties:", *notices]
    if group.terms is not None:
        lines += _restrictions(group.terms)
        if group.terms.sources:
            lines += ["", "Sources:", *(f"  - {s}" for s in group.terms.sources)]
    return lines


def _models(decisions: Sequence[Decision]) -> list[str]:
    places: dict[str, set[tuple[str, int]]] = {}
    for decision in decisions:
        places.setdefault(decision.model, set()).add((decision.ref.path, decision.ref.line))
    return [
        f"  - {model} ({', '.join(f'{p}:{n}' for p, n in sorted(where))})"
        for model, where in sorted(places.items())
    ]


def _restrictions(terms: LicenseTerms) -> list[str]:
    if not terms.use_restrictions:
        return []
    heading = (
        "Use restrictions to pass on to your users:"
        if terms.use_restrictions_flow_down
        else "Use restrictions (binding on you):"
    )
    rows = [
        _wrap(f"{c}: {USE_CATEGORIES.get(c, 'see the license')}") for c in terms.use_restrictions
    ]
    return ["", heading, *rows]


def _wrap(text: str, first: str = "  - ", rest: str = "    ") -> str:
    return textwrap.fill(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
