"""Use restrictions (MDL008): the policy's intended uses against the uses a license restricts.

A license that forbids what a separate acceptable use policy lists, without the database
itemising that list, leaves every sensitive intended use in doubt.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from license_db.schema import LicenseTerms, Match
from license_db.vocabulary import USE_CATEGORIES, tags_for
from scanner.decide.policy import Policy
from scanner.decide.terms.reasons import (
    is_missing,
    named,
    not_stated,
    policy_file,
    remedy,
    term_reason,
    unverified,
)
from scanner.types import Reason, Verdict


def check_intended_uses(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    """MDL008: the policy's intended uses against the license's use restrictions."""
    uses, key = policy.usage.intended_uses, "usage.intended_uses"
    restricted = terms.use_restrictions
    if is_missing(terms, "use_restrictions") and uses != ():
        msg = f"the use restrictions of {named(terms)} are not (fully) verified"
        yield from unverified(terms, "use_restrictions not verified", policy, key, msg)
    if not restricted:
        return
    if uses is None:
        kinds = "kind" if len(restricted) == 1 else "kinds"
        msg = f"{named(terms)} restricts {len(restricted)} {kinds} of use ({', '.join(restricted)})"
        yield not_stated(terms, f"use_restrictions = {', '.join(restricted)}", policy, key, msg)
        return
    for index, use in enumerate(uses):
        if use in restricted:
            yield _restricted_use(terms, policy, use, index)
    yield from _unitemised_policy(terms, policy, uses)
    if not set(uses) & set(restricted):
        msg = f"no intended use is among the {len(restricted)} uses {named(terms)} restricts"
        yield term_reason(
            "MDL008",
            Verdict.PASS,
            msg,
            terms,
            f"use_restrictions = {', '.join(restricted)}",
            policy,
            key,
            None,
        )


def _restricted_use(terms: LicenseTerms, policy: Policy, use: str, index: int) -> Reason:
    tags = raw_tags(terms, use)
    shown = f" (license tag: {', '.join(tags)})" if tags else ""
    meaning = USE_CATEGORIES.get(use, use)
    msg = f"intended use '{use}' is restricted by {named(terms)}{shown}: {meaning}"
    key = f"usage.intended_uses[{index}]"
    fix = remedy(
        policy, "choose a model whose license does not restrict this use", "usage.intended_uses"
    )
    found = term_reason(
        "MDL008", Verdict.FAIL, msg, terms, f"use_restrictions: {use}", policy, key, fix
    )
    return replace(found, term_source=terms.aup_url or found.term_source)


def _unitemised_policy(
    terms: LicenseTerms, policy: Policy, uses: Sequence[str]
) -> Iterator[Reason]:
    """WARN: the license forbids what a separate use policy lists, and that list is not itemised.

    Only sensitive intended uses the license does not already restrict by name are in doubt.
    """
    catch_all = "acceptable-use-policy"
    doubtful = [u for u in uses if u not in terms.use_restrictions]
    if catch_all not in terms.use_restrictions or not doubtful:
        return
    where = terms.aup_url or "the licensor's acceptable use policy"
    msg = (
        f"{named(terms)} forbids the uses its acceptable use policy lists, which the database "
        f"does not itemise: check that {', '.join(doubtful)} is not among them ({where})"
    )
    key = "usage.intended_uses"
    fix = (
        f"read {where} and add an exception in {policy_file(policy)} if the use is allowed, "
        "or choose another model"
    )
    found = term_reason(
        "MDL008", Verdict.WARN, msg, terms, f"use_restrictions: {catch_all}", policy, key, fix
    )
    yield replace(found, term_source=terms.aup_url or found.term_source)


def raw_tags(terms: LicenseTerms, category: str) -> tuple[str, ...]:
    """The license's own restriction tags that the vocabulary files under ``category``."""
    return tags_for(category, terms.use_restrictions_raw)
