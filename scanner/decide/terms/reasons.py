"""The building blocks of a term check: its signature, and the reasons every check words alike.

A check reports a term as a ``Reason`` naming the license term (with its source), the policy
line and a fix; ``not_stated`` and ``unverified`` are the two ways a check warns instead of
deciding (the policy does not state a fact; the database did not verify a term).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from license_db.schema import LicenseTerms, Match
from scanner.decide.policy import POLICY_FILE, Policy
from scanner.decide.terms.common import term_source
from scanner.types import Reason, Verdict

Check = Callable[[LicenseTerms, Policy, Match], Iterator[Reason]]
"""One license term against the policy, for the finding ``Match`` (some terms cover some models)."""


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The worst verdict (PASS when there is none)."""
    return max(verdicts, key=lambda v: v.rank, default=Verdict.PASS)


def term_reason(
    code: str,
    verdict: Verdict,
    message: str,
    terms: LicenseTerms,
    term: str,
    policy: Policy,
    key: str,
    fix: str | None,
) -> Reason:
    """A reason about one license term, with the term's source and the policy line of ``key``."""
    return Reason(code, verdict, message, term, term_source(terms), policy.line(key), fix)


def not_stated(terms: LicenseTerms, term: str, policy: Policy, key: str, what: str) -> Reason:
    """WARN: a term depends on a fact the policy does not state."""
    msg = f"{what}, and the policy does not state {key}"
    fix = f"state {key} in {policy_file(policy)}"
    reason = term_reason("MDL016", Verdict.WARN, msg, terms, term, policy, key, fix)
    return replace(reason, missing=key)


def unverified(
    terms: LicenseTerms,
    term: str,
    policy: Policy,
    key: str,
    message: str,
    *,
    waived_for_api: bool = False,
) -> Iterator[Reason]:
    """WARN: the policy needs a license term the database could not verify.

    ``waived_for_api``: not for hosted proprietary APIs, whose commercial use and thresholds
    ``on.proprietary_api`` decides as a whole (their terms of service set no user or revenue
    thresholds). Their use and output-training terms still warn when unverified.
    """
    if waived_for_api and terms.proprietary_api:
        return
    fix = (
        f"check the license text and add an exception in {policy_file(policy)}, "
        "or choose another model"
    )
    yield term_reason("MDL016", Verdict.WARN, message, terms, term, policy, key, fix)


def named(terms: LicenseTerms) -> str:
    """The license as reasons name it: its database id and its name."""
    return f"{terms.id} ({terms.name})"


_KINDS = {
    "non-commercial": "non-commercial",
    "research-only": "research-only",
    "non-production": "non-production",
}


def kind_clause(terms: LicenseTerms) -> str:
    """``", a research-only license,"`` for licenses whose category limits the use, else ``""``."""
    kind = _KINDS.get(terms.category)
    return f", a {kind} license," if kind else ""


def clause_text(text: str) -> str:
    """A license clause without the facts' leading ``yes:`` marker."""
    head, sep, rest = text.partition(":")
    return rest.strip() if sep and head.strip().lower() == "yes" else text


def is_missing(terms: LicenseTerms, prefix: str) -> bool:
    """True when the database did not verify a term whose field starts with ``prefix``."""
    return any(m.startswith(prefix) for m in terms.missing)


def policy_file(policy: Policy) -> str:
    """The policy file as fixes name it: the conventional name for the default, else its path."""
    return POLICY_FILE if policy.is_default else policy.source


def remedy(policy: Policy, alternative: str, key: str) -> str:
    """A fix: ``alternative``, an exception in the policy file, or a correction of ``key``."""
    return f"{alternative}, add an exception in {policy_file(policy)}, or correct {key}"
