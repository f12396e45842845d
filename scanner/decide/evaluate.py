"""Decide one finding against the policy, the way a careful licensing lawyer would.

Every license in the finding's expression is checked term by term against the policy's facts:
``CHECKS`` below is the table of term checks, one module per term family in ``decide.terms``,
in the order reasons are reported (adding a term is one module and one row). ``A AND B``: every
branch applies and the worst verdict wins. ``A OR B``: the user may choose, so the best branch
wins and a reason names the choice. A fact the policy does not state never passes a term that
depends on it: it warns and asks for the fact. Every reason names the license term (with its
source), the policy line and a fix. Policy exceptions apply last (``terms.exceptions``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from license_db.expression import Expr, LicenseExpressionError, parse, render
from license_db.schema import Match
from scanner.decide.obligations import obligations_for
from scanner.decide.policy import LicenseCatalog, Policy
from scanner.decide.terms.commercial import check_commercial
from scanner.decide.terms.copyleft import check_network_copyleft, check_share_alike
from scanner.decide.terms.datasets import check_dataset_lists, unknown_dataset
from scanner.decide.terms.exceptions import apply_exceptions
from scanner.decide.terms.expressions import canonical_id, dnf, expression_key
from scanner.decide.terms.limits import MAU, REVENUE, limit_check
from scanner.decide.terms.lists import check_lists
from scanner.decide.terms.proprietary_api import check_proprietary_api
from scanner.decide.terms.reasons import Check, policy_file, worst
from scanner.decide.terms.region import check_region
from scanner.decide.terms.rights import check_hosting, permission_check
from scanner.decide.terms.training import check_output_training
from scanner.decide.terms.unknowns import inferred, unknown_license, unknown_model
from scanner.decide.terms.uses import check_intended_uses
from scanner.types import (
    Confidence,
    Decision,
    Known,
    ModelId,
    ModelRef,
    Obligation,
    Reason,
    RefKind,
    Unknown,
    Verdict,
)

__all__ = [
    "CHECKS",
    "canonical_id",
    "dnf",
    "evaluate",
    "evaluate_unresolved",
    "expression_key",
    "worst",
]  # dnf, canonical_id, expression_key (terms.expressions), worst (terms.reasons): re-exported

CHECKS: tuple[Check, ...] = (
    check_proprietary_api,
    check_commercial,
    limit_check(MAU),
    limit_check(REVENUE),
    permission_check("MDL006", "distribution", "distributes_models", "distributing the model"),
    permission_check("MDL007", "modification", "modifies_models", "modifying the model"),
    check_hosting,
    check_intended_uses,
    check_output_training,
    check_region,
    check_share_alike,
    check_network_copyleft,
)
"""Every license term the policy checks, in the order reasons are reported."""


def evaluate(
    resolved: Known | Unknown, policy: Policy, db: LicenseCatalog, today: datetime.date
) -> Decision:
    """The policy's verdict on one resolved reference, with reasons and obligations."""
    ref, model = resolved.ref, resolved.model
    found = resolved.match if isinstance(resolved, Known) else None
    license_text = found.license if found else None
    if ref.kind is RefKind.DATASET and not policy.evaluate_datasets:
        return _dataset_skipped(ref, model, license_text, found, policy)
    match resolved:
        case Known():
            reasons, duties = _assess_known(resolved.match, policy, db)
            names: tuple[str, ...] = (model, resolved.match.model_id)
        case Unknown() if ref.kind is RefKind.DATASET:
            reasons, duties, names = [unknown_dataset(resolved, policy)], [], (model,)
        case Unknown():
            reasons, duties, names = [unknown_model(resolved, policy)], [], (model,)
    if ref.kind is RefKind.DATASET:
        reasons = [*check_dataset_lists(names, policy), *reasons]
    reasons, exception = apply_exceptions(names, license_text, reasons, policy, db, today)
    if ref.confidence is Confidence.LOW:
        reasons.append(_low_confidence(ref))
    return Decision(
        ref=ref,
        model=model,
        verdict=worst(r.verdict for r in reasons),
        license=license_text,
        match=found,
        reasons=tuple(reasons),
        obligations=tuple(dict.fromkeys(duties)),
        exception=exception,
    )


def evaluate_unresolved(policy: Policy) -> Verdict:
    """The verdict for a model argument whose value is not known statically."""
    return policy.on.unresolved


def _dataset_skipped(
    ref: ModelRef, model: ModelId, license_text: str | None, found: Match | None, policy: Policy
) -> Decision:
    reason = Reason(
        code="MDL021",
        verdict=Verdict.PASS,
        message="dataset reference: not evaluated (the policy does not ask to evaluate datasets)",
        policy=policy.line("datasets.evaluate"),
        fix=f"set [datasets] evaluate = true in {policy_file(policy)} to check dataset licenses",
    )
    return Decision(ref, model, Verdict.PASS, license_text, found, (reason,))


def _low_confidence(ref: ModelRef) -> Reason:
    """Informational: the verdict stands, but the reference itself may be misread."""
    return Reason(
        code="MDL020",
        verdict=Verdict.PASS,
        message=(
            f"{ref.raw} was found by the fallback tokenizer in a file that does not parse: "
            "check that it is a model reference"
        ),
        fix=f"fix the syntax of {ref.path} so it can be scanned exactly",
    )


def _assess_known(
    found: Match, policy: Policy, db: LicenseCatalog
) -> tuple[list[Reason], list[Obligation]]:
    """Reasons and duties of the best branch of the finding's license expression."""
    try:
        expr = parse(found.license)
    except LicenseExpressionError as exc:
        return [unknown_license(found.license, str(exc), policy)], []
    branches = dnf(expr)
    assessed = [_assess_branch(branch, policy, db, found) for branch in branches]
    best = min(range(len(assessed)), key=lambda i: _branch_rank(assessed[i][0]))
    reasons, duties = assessed[best]
    if len(branches) > 1:
        reasons = [_choice_reason(expr, branches[best]), *reasons]
    if found.inferred:
        reasons.append(inferred(found, policy))
    return reasons, duties


def _branch_rank(reasons: Sequence[Reason]) -> tuple[int, int]:
    verdict = worst(r.verdict for r in reasons)
    return verdict.rank, sum(1 for r in reasons if r.verdict is not Verdict.PASS)


def _choice_reason(expr: Expr, branch: tuple[str, ...]) -> Reason:
    chosen = " AND ".join(branch)
    return Reason(
        code="MDL024",
        verdict=Verdict.PASS,
        message=(
            f"{render(expr)} offers a choice of licenses; evaluated under {chosen}, the "
            "choice that fits the policy best: use the model under its terms"
        ),
        term=f"license = {render(expr)}",
    )


def _assess_branch(
    branch: tuple[str, ...], policy: Policy, db: LicenseCatalog, found: Match
) -> tuple[list[Reason], list[Obligation]]:
    reasons: list[Reason] = []
    duties: list[Obligation] = []
    canonical = frozenset(canonical_id(k, db) for k in branch)
    for key in branch:
        terms = db.license(key)
        if terms is None:
            reasons.append(unknown_license(key, "not in the license database", policy))
            continue
        reasons += check_lists(terms, canonical, policy, db)
        if terms.category == "unknown":
            reasons.append(unknown_license(terms.id, terms.name, policy, terms))
            continue
        reasons += [r for check in CHECKS for r in check(terms, policy, found)]
        duties += obligations_for(terms, policy)
    return reasons, duties
