"""Policy exceptions (MDL017, MDL018): an approved model covers its reasons until it lapses.

The first applicable exception for the model turns its non-passing reasons into passes; an
exception that expired or was approved under another license explains why it no longer applies.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from license_db.expression import LicenseExpressionError
from scanner.decide.policy import LicenseCatalog, Policy, PolicyException
from scanner.decide.terms.expressions import expression_key
from scanner.decide.terms.reasons import worst
from scanner.decide.terms.unknowns import UNKNOWN_LICENSE
from scanner.types import PolicyLine, Reason, Verdict


@dataclass(frozen=True, slots=True)
class _Standing:
    exception: PolicyException
    problem: str | None  # why it does not apply; None when it does


def apply_exceptions(
    names: Sequence[str],
    license_text: str | None,
    reasons: list[Reason],
    policy: Policy,
    db: LicenseCatalog,
    today: datetime.date,
) -> list[Reason]:
    """Reasons after the first applicable exception; stale exceptions explain themselves."""
    standings = [_standing(e, license_text, db, today) for e in _matching(names, policy)]
    if not standings:
        return reasons
    needed = worst(r.verdict for r in reasons) is not Verdict.PASS
    applicable = next((s.exception for s in standings if s.problem is None), None)
    if applicable is None:
        stale = Verdict.WARN if needed else Verdict.PASS
        return reasons + [_stale(s, stale, policy) for s in standings]
    if not needed:
        return reasons
    return _covered(applicable, reasons, policy, today)


def _matching(names: Sequence[str], policy: Policy) -> Iterator[PolicyException]:
    lowered = {n.lower() for n in names}
    for exception in policy.exceptions:
        pattern = exception.model.lower()
        if pattern in lowered or any(fnmatch.fnmatchcase(n, pattern) for n in lowered):
            yield exception


def _standing(
    exception: PolicyException, license_text: str | None, db: LicenseCatalog, today: datetime.date
) -> _Standing:
    if exception.expires is not None and today > exception.expires:
        return _Standing(exception, f"expired on {exception.expires.isoformat()}")
    current = license_text or UNKNOWN_LICENSE
    try:
        same = expression_key(exception.license, db) == expression_key(current, db)
    except LicenseExpressionError:
        same = False
    if not same:
        changed = f"license changed from {exception.license} to {current} in database {db.version}"
        return _Standing(exception, f"{changed}: approved under {exception.license}")
    return _Standing(exception, None)


def _cover(reason: Reason, label: str, where: PolicyLine) -> Reason:
    if reason.verdict is Verdict.PASS:
        return reason
    message = f"{label}: {reason.message}"
    return replace(reason, verdict=Verdict.PASS, message=message, policy=where, fix=None)


def _stale(standing: _Standing, verdict: Verdict, policy: Policy) -> Reason:
    exception = standing.exception
    return Reason(
        code="MDL018",
        verdict=verdict,
        message=f"exception for {exception.model} no longer applies: {standing.problem}",
        term=f"license = {exception.license}",
        policy=policy.line(exception.key),
        fix="review the model again and renew or remove the exception",
    )


def _covered(
    exception: PolicyException, reasons: list[Reason], policy: Policy, today: datetime.date
) -> list[Reason]:
    expires = exception.expires.isoformat() if exception.expires else "no expiry"
    label = (
        f"covered by exception ({exception.reason}, approved by {exception.approved_by}, "
        f"expires {expires})"
    )
    where = policy.line(exception.key)
    out = [_cover(r, label, where) for r in reasons]
    expiring = _expiring(exception, policy, today)
    return out if expiring is None else [*out, expiring]


def _expiring(exception: PolicyException, policy: Policy, today: datetime.date) -> Reason | None:
    """MDL017 when the exception lapses within ``exceptions_warn_days``."""
    if exception.expires is None:
        return None
    left = (exception.expires - today).days
    if left > policy.exceptions_warn_days:
        return None
    expires = exception.expires.isoformat()
    return Reason(
        code="MDL017",
        verdict=Verdict.WARN,
        message=f"exception for {exception.model} expires on {expires} (in {left} days)",
        term=f"expires = {expires}",
        policy=policy.line(f"{exception.key}.expires"),
        fix="renew the exception after a new review, or replace the model",
    )
