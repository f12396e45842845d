"""Rights to distribute, modify and host the model (MDL006, MDL007, MDL015).

Distribution includes hosting where the license counts a hosted service as distribution.
Hosted proprietary APIs hand over no weights, so nothing is distributed or modified.
"""

from __future__ import annotations

from collections.abc import Iterator

from license_db.schema import LicenseTerms, Match
from scanner.decide.policy import Policy
from scanner.decide.terms.common import distributes
from scanner.decide.terms.reasons import (
    Check,
    is_missing,
    named,
    not_stated,
    remedy,
    term_reason,
    unverified,
)
from scanner.types import Reason, Verdict

NON_PRODUCTION = frozenset({"research-only", "non-production"})


def permission_check(code: str, field: str, fact: str, action: str) -> Check:
    """A check of a yes/no right (modification, distribution) against a usage fact."""

    def check(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
        if terms.proprietary_api:
            return  # no weights change hands: nothing is modified or distributed
        allowed: bool | None = getattr(terms, field)
        doing, key = _fact(terms, policy, fact)
        term = f"{field} = {str(allowed).lower() if allowed is not None else 'not verified'}"
        if allowed is False and doing:
            msg = f"{named(terms)} does not permit {action}"
            fix = remedy(policy, f"choose a model whose license permits {action}", key)
            yield term_reason(code, Verdict.FAIL, msg, terms, term, policy, key, fix)
        elif allowed is False and doing is None:
            yield not_stated(terms, term, policy, key, f"{named(terms)} does not permit {action}")
        elif allowed is None and doing is not False and field in terms.missing:
            yield from unverified(
                terms,
                term,
                policy,
                key,
                f"whether {named(terms)} permits {action} is not verified",
            )

    return check


def _fact(terms: LicenseTerms, policy: Policy, fact: str) -> tuple[bool | None, str]:
    """A usage fact and its policy key; distribution includes hosting where that counts."""
    if fact == "distributes_models":
        shares = distributes(terms, policy.usage)
        if shares and not policy.usage.distributes_models:
            return shares, "usage.hosted_service"
        return shares, "usage.distributes_models"
    value: bool | None = getattr(policy.usage, fact)
    return value, f"usage.{fact}"


def check_hosting(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    """MDL015: offering the model as a hosted service against ``usage.hosted_service``."""
    hosted, key = policy.usage.hosted_service, "usage.hosted_service"
    allowed = terms.hosting_allowed
    term = (
        f"hosting_allowed = {str(allowed).lower()}"
        if allowed is not None
        else f"category = {terms.category}"
    )
    action = "offering the model as a hosted service"
    if allowed is False or (allowed is None and terms.category in NON_PRODUCTION):
        if hosted and allowed is False:
            fix = remedy(policy, "choose a model whose license permits hosting it for others", key)
            yield term_reason(
                "MDL015",
                Verdict.FAIL,
                f"{named(terms)} does not permit {action}",
                terms,
                term,
                policy,
                key,
                fix,
            )
        elif hosted:
            msg = (
                f"{named(terms)} is a {terms.category} license: a hosted service is "
                "production use unless it serves research"
            )
            fix = remedy(policy, "choose a model whose license permits production use", key)
            yield term_reason("MDL015", Verdict.WARN, msg, terms, term, policy, key, fix)
        elif hosted is None:
            yield not_stated(terms, term, policy, key, f"{named(terms)} restricts {action}")
    elif allowed is None and hosted is not False and is_missing(terms, "hosting"):
        msg = f"whether {named(terms)} permits {action} is not verified"
        yield from unverified(terms, "hosting not verified", policy, key, msg)
