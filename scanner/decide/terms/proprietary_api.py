"""Hosted proprietary APIs (MDL014): inputs leave the organisation, whatever the other terms."""

from __future__ import annotations

from collections.abc import Iterator

from license_db.schema import LicenseTerms, Match
from scanner.decide.policy import Policy
from scanner.decide.terms.reasons import policy_file, term_reason
from scanner.types import Reason


def check_proprietary_api(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    """MDL014: a hosted proprietary API, decided as a whole by ``on.proprietary_api``."""
    if terms.proprietary_api or terms.category == "proprietary-api":
        msg = (
            f"{terms.name} ({terms.id}) is a hosted proprietary API: inputs leave the organisation"
        )
        fix = (
            f"use a self-hosted model, add an exception in {policy_file(policy)}, "
            "or set on.proprietary_api"
        )
        yield term_reason(
            "MDL014",
            policy.on.proprietary_api,
            msg,
            terms,
            f"license = {terms.id}",
            policy,
            "on.proprietary_api",
            fix,
        )
