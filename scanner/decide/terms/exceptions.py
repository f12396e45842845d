"""Policy exceptions (MDL017, MDL018): an approved model covers its reasons until it lapses.

The first applicable exception for the model turns its non-passing reasons into passes (each
keeps the verdict it had in ``Reason.waived``, and the decision names the exception it relies
on); an exception that expired or was approved under another license explains why it no longer
applies. ``stale_exceptions`` lists the exceptions that match no model a scan found.
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
from scanner.types import ExceptionUse, PolicyLine, Reason, Verdict


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
) -> tuple[list[Reason], ExceptionUse | None]:
    """Reasons after the first applicable exception, and that exception when it covered a
    reason; exceptions that no longer apply explain themselves."""
    standings = [_standing(e, license_text, db, today) for e in _matching(names, policy)]
    if not standings:
        return reasons, None
    needed = worst(r.verdict for r in reasons) is not Verdict.PASS
    applicable = next((s.exception for s in standings if s.problem is None), None)
    if applicable is None:
        stale = Verdict.WARN if needed else Verdict.PASS
        return reasons + [_stale(s, stale, policy) for s in standings], None
    if not needed:
        return reasons, None
    return _covered(applicable, reasons, policy, today), exception_use(applicable, policy)


def exception_use(exception: PolicyException, policy: Policy) -> ExceptionUse:
    """The record of ``exception`` a decision carries."""
    expires = exception.expires.isoformat() if exception.expires else None
    return ExceptionUse(
        key=exception.key,
        model=exception.model,
        license=exception.license,
        reason=exception.reason,
        approved_by=exception.approved_by,
        expires=expires,
        policy=policy.line(exception.key),
    )


def matches(exception: PolicyException, names: Sequence[str]) -> bool:
    """True when the exception's model id or pattern names one of ``names`` (any case)."""
    lowered = {n.lower() for n in names}
    pattern = exception.model.lower()
    return pattern in lowered or any(fnmatch.fnmatchcase(n, pattern) for n in lowered)


def _matching(names: Sequence[str], policy: Policy) -> Iterator[PolicyException]:
    for exception in policy.exceptions:
        if matches(exception, names):
            yield exception


def stale_exceptions(policy: Policy, names: Sequence[str]) -> tuple[Reason, ...]:
    """MDL018 (warn) for each exception that matches none of ``names`` (every model scanned)."""
    return tuple(
        Reason(
            code="MDL018",
            verdict=Verdict.WARN,
            message=(
                f"exception for {exception.model} matches no model in this scan: "
                "the model is no longer used, or the pattern is wrong"
            ),
            term=f"license = {exception.license}",
            policy=policy.line(exception.key),
            fix="remove the exception, or correct its model pattern",
        )
        for exception in policy.exceptions
        if not matches(exception, names)
    )


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
    return replace(
        reason,
        verdict=Verdict.PASS,
        message=message,
        policy=where,
        fix=None,
        waived=reason.verdict,
    )


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
    expires = f"expires {exception.expires.isoformat()}" if exception.expires else "no expiry date"
    label = (
        f"covered by exception for {exception.model} ({exception.reason}, approved by "
        f"{exception.approved_by}, {expires})"
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
