"""License-term helpers shared by the term checks and the obligations.

Three-valued facts (``Tri``: a usage fact the policy may not state), whether a use counts as
distribution under a license, whether revenue is above a license's limit, and where a license's
terms are documented. Both ``decide.evaluate``'s checks and ``decide.obligations`` read terms
through these, so neither borrows from the other.
"""

from __future__ import annotations

from license_db.schema import LicenseTerms, Period
from scanner.decide.policy import Usage

Tri = bool | None  # a fact that may be unknown

ID_INDEXES = ("/docs/hub/repositories-licenses.md",)
"""Sources that list license identifiers (the Hub's license list), not a license's terms."""


def term_source(terms: LicenseTerms) -> str | None:
    """Where the license's terms are documented: its first source that is not an id index."""
    texts = [s for s in terms.sources if not any(marker in s for marker in ID_INDEXES)]
    return next(iter(texts or terms.sources), None)


def any_of(*facts: Tri) -> Tri:
    """Three-valued OR: True if any is True, False if all are False, else unknown."""
    if any(f is True for f in facts):
        return True
    return False if all(f is False for f in facts) else None


def all_of(*facts: Tri) -> Tri:
    """Three-valued AND: False if any is False, True if all are True, else unknown."""
    if any(f is False for f in facts):
        return False
    return True if all(f is True for f in facts) else None


def distributes(terms: LicenseTerms, usage: Usage) -> Tri:
    """Whether the use counts as distribution under ``terms`` (hosting may count)."""
    hosting = all_of(usage.hosted_service, terms.hosted_service_counts_as_distribution)
    return any_of(usage.distributes_models, hosting)


def revenue_over(terms: LicenseTerms, annual: int) -> Tri:
    """Whether ``annual`` revenue is above the license's revenue limit over the limit's period.

    A monthly limit compares a twelfth of the annual figure. When the period is not stated,
    None unless both readings (a year, a month) agree.
    """
    limit = terms.revenue_limit_usd
    if limit is None:
        return False
    yearly, monthly = annual > limit, annual / 12 > limit
    match terms.revenue_limit_period:
        case Period.YEAR:
            return yearly
        case Period.MONTH:
            return monthly
    return yearly if yearly == monthly else None
