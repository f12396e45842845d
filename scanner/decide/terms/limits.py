"""User and revenue limits (MDL004, MDL005): numeric thresholds against the policy's figures.

One ``Limit`` describes each threshold; ``limit_check`` makes its check. Above a threshold the
grant ends (``limit_effect = needs-license``) or only a duty attaches (see obligations).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from license_db.schema import LicenseTerms, LimitEffect, LimitScope, Match, Period
from scanner.decide.policy import Policy
from scanner.decide.terms.common import revenue_over
from scanner.decide.terms.reasons import Check, named, not_stated, remedy, term_reason, unverified
from scanner.types import Reason, Verdict


@dataclass(frozen=True, slots=True)
class Limit:
    """A numeric threshold of a license and how to word amounts of it."""

    code: str
    field: str  # LicenseTerms field of the limit
    basis: str  # LicenseTerms field saying how the license counts it
    key: str  # policy key of the organisation's figure
    measure: str  # what is limited, e.g. "monthly active users"
    currency: str  # written before every number, e.g. "USD "
    prefix: str  # written before the organisation's figure, e.g. "annual revenue of "
    suffix: str  # written after it, e.g. " monthly active users"

    def number(self, value: int) -> str:
        """``value`` with its currency and thousands separators: ``USD 1,000,000``."""
        return f"{self.currency}{value:,}"

    def amount(self, value: int) -> str:
        """The organisation's figure in words: ``annual revenue of USD 2,000,000``."""
        return f"{self.prefix}{self.number(value)}{self.suffix}"


MAU = Limit(
    "MDL004",
    "mau_limit",
    "mau_basis",
    "usage.monthly_active_users",
    "monthly active users",
    "",
    "",
    " monthly active users",
)
REVENUE = Limit(
    "MDL005",
    "revenue_limit_usd",
    "revenue_basis",
    "usage.annual_revenue_usd",
    "annual revenue",
    "USD ",
    "annual revenue of ",
    "",
)


def limit_check(spec: Limit) -> Check:
    """A check of a numeric threshold (monthly active users, annual revenue)."""

    def check(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
        limit: int | None = getattr(terms, spec.field)
        actual: int | None = getattr(policy.usage, spec.key.split(".")[-1])
        key, label = spec.key, named(terms)
        if limit is None:
            if spec.field in terms.missing and actual != 0:
                msg = f"whether {label} limits {spec.measure} is not verified"
                term = f"{spec.field} not verified"
                yield from unverified(terms, term, policy, key, msg, waived_for_api=True)
            return
        term = f"{spec.field} = {limit}{_per(terms, spec)}"
        shown = f"{spec.number(limit)}{_per(terms, spec, ' a ')}"
        basis = getattr(terms, spec.basis)
        counted = f"; the license counts {basis}" if basis else ""
        commercial_only = terms.limits_apply_to == LimitScope.COMMERCIAL
        if commercial_only and policy.usage.commercial is False:
            msg = f"{label} limits {spec.measure} ({shown}) of commercial use only; this use is not"
            yield term_reason(
                spec.code, Verdict.PASS, msg, terms, term, policy, "usage.commercial", None
            )
            return
        over = None if actual is None else _over(terms, spec, actual, limit)
        if actual is None:
            what = f"{label} limits {spec.measure} to {shown}{counted}"
            yield not_stated(terms, term, policy, key, what)
        elif over is False:
            msg = f"{_amount(terms, spec, actual)}: within the {shown} limit of {label}"
            yield term_reason(spec.code, Verdict.PASS, msg, terms, term, policy, key, None)
        elif over is None:
            msg = (
                f"{_amount(terms, spec, actual)} is above the {shown} limit of {label} counted "
                f"per year, within it counted per month, and the period is not verified{counted}"
            )
            yield from unverified(terms, term + " (period not verified)", policy, key, msg)
        elif commercial_only and policy.usage.commercial is None:
            what = (
                f"{_amount(terms, spec, actual)} is above the {shown} limit of {label}, which "
                "governs commercial use only"
            )
            yield not_stated(terms, term, policy, "usage.commercial", what)
        else:
            yield _above(spec, terms, policy, term, f"{_amount(terms, spec, actual)}", counted)

    return check


def _above(
    spec: Limit, terms: LicenseTerms, policy: Policy, term: str, amount: str, counted: str
) -> Reason:
    """Above a threshold: the grant ends (FAIL), or only a duty attaches (PASS)."""
    limit: int = getattr(terms, spec.field)
    shown, label, key = f"{spec.number(limit)}{_per(terms, spec, ' a ')}", named(terms), spec.key
    if terms.limit_effect is LimitEffect.NEEDS_LICENSE:
        msg = f"{amount}: above the {shown} limit of {label}{counted}"
        fix = remedy(
            policy, "obtain a separate license from the licensor, choose another model", key
        )
        return term_reason(spec.code, Verdict.FAIL, msg, terms, term, policy, key, fix)
    msg = (
        f"{amount}: above the {shown} threshold of {label}{counted}, "
        "which attaches a duty, not a loss of the grant (see obligations)"
    )
    return term_reason(spec.code, Verdict.PASS, msg, terms, term, policy, key, None)


def _over(terms: LicenseTerms, spec: Limit, actual: int, limit: int) -> bool | None:
    """Whether the organisation's figure is above the limit (revenue: over the limit's period)."""
    return revenue_over(terms, actual) if spec is REVENUE else actual > limit


def _per(terms: LicenseTerms, spec: Limit, joiner: str = " per ") -> str:
    """`` a month`` for a revenue limit counted per month, else ``""``."""
    monthly = spec is REVENUE and terms.revenue_limit_period == Period.MONTH
    return f"{joiner}month" if monthly else ""


def _amount(terms: LicenseTerms, spec: Limit, actual: int) -> str:
    """The figure in words, with its monthly share when the license counts revenue per month."""
    if not _per(terms, spec):
        return spec.amount(actual)
    return f"{spec.amount(actual)} ({spec.number(round(actual / 12))} a month)"
