"""Commercial use (MDL003): whether the license permits it, and under which conditions.

A conditional grant passes here when its conditions are modelled (user and revenue limits in
``terms.limits``, use restrictions in ``terms.uses``) and warns when they are not.
"""

from __future__ import annotations

from collections.abc import Iterator

from license_db.schema import Commercial, LicenseTerms, Match
from scanner.decide.policy import Policy
from scanner.decide.terms.reasons import (
    kind_clause,
    named,
    not_stated,
    remedy,
    term_reason,
    unverified,
)
from scanner.types import Reason, Verdict


def check_commercial(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    """MDL003: commercial use against ``usage.commercial``; other checks test the conditions."""
    commercial = policy.usage.commercial
    term = f"commercial = {terms.commercial.value}"
    note = f" ({terms.commercial_note})" if terms.commercial_note else ""
    key = "usage.commercial"
    if terms.commercial is Commercial.NO:
        if commercial:
            fix = remedy(policy, "choose a model under a license that permits commercial use", key)
            msg = f"{named(terms)}{kind_clause(terms)} does not permit commercial use{note}"
            yield term_reason("MDL003", Verdict.FAIL, msg, terms, term, policy, key, fix)
        elif commercial is None:
            what = f"{named(terms)}{kind_clause(terms)} forbids commercial use{note}"
            yield not_stated(terms, term, policy, key, what)
        else:
            msg = f"non-commercial use is permitted by {named(terms)}"
            yield term_reason("MDL003", Verdict.PASS, msg, terms, term, policy, key, None)
    elif terms.commercial is Commercial.UNKNOWN and commercial is not False:
        msg = f"whether {named(terms)} permits commercial use is not verified{note}"
        yield from unverified(terms, term, policy, key, msg, waived_for_api=True)
    elif terms.commercial is Commercial.CONDITIONAL and commercial is not False:
        yield from _conditional(terms, term, note, policy)


def _conditional(terms: LicenseTerms, term: str, note: str, policy: Policy) -> Iterator[Reason]:
    key = "usage.commercial"
    modelled = (terms.mau_limit, terms.revenue_limit_usd, terms.aup_url)
    if any(v is not None for v in modelled) or terms.use_restrictions:
        msg = f"{named(terms)} permits commercial use under conditions, checked below{note}"
        yield term_reason("MDL003", Verdict.PASS, msg, terms, term, policy, key, None)
    else:
        msg = f"{named(terms)} permits commercial use only under conditions not modelled here{note}"
        yield from unverified(terms, term, policy, key, msg, waived_for_api=True)
