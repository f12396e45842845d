"""Allow- and deny-lists (MDL011, MDL012): license expressions the policy names, per license.

A list entry is itself a license expression: ``MIT OR Apache-2.0`` names each alone, and
``mit AND llama3.1`` names ``mit`` only in a branch that also has ``llama3.1``.
"""

from __future__ import annotations

from collections.abc import Iterator

from license_db.expression import LicenseExpressionError, parse
from license_db.schema import LicenseTerms
from scanner.decide.policy import LicenseCatalog, Policy
from scanner.decide.terms.expressions import canonical_id, dnf
from scanner.decide.terms.reasons import remedy, term_reason
from scanner.types import Reason, Verdict


def check_lists(
    terms: LicenseTerms, branch: frozenset[str], policy: Policy, db: LicenseCatalog
) -> Iterator[Reason]:
    """Deny-list, then allow-list (when it is not empty) for one license of a branch."""
    term = f"license = {terms.id}"
    for index, entry in enumerate(policy.licenses.deny):
        if _covered_by(terms.id, entry, branch, db):
            msg = f"{terms.id} is on the deny-list ('{entry}')"
            fix = remedy(policy, "choose a model under another license", "licenses.deny")
            yield term_reason(
                "MDL011", Verdict.FAIL, msg, terms, term, policy, f"licenses.deny[{index}]", fix
            )
    allow = policy.licenses.allow
    if not allow:
        return
    hit = next((i for i, e in enumerate(allow) if _covered_by(terms.id, e, branch, db)), None)
    if hit is None:
        msg = f"{terms.id} is not on the allow-list"
        fix = remedy(policy, "choose a model under an allowed license", "licenses.allow")
        yield term_reason("MDL012", Verdict.FAIL, msg, terms, term, policy, "licenses.allow", fix)
    else:
        msg = f"{terms.id} is on the allow-list ('{allow[hit]}')"
        yield term_reason(
            "MDL012", Verdict.PASS, msg, terms, term, policy, f"licenses.allow[{hit}]", None
        )


def _covered_by(license_id: str, entry: str, branch: frozenset[str], db: LicenseCatalog) -> bool:
    """True when list ``entry`` names ``license_id`` in an alternative ``branch`` satisfies.

    ``MIT OR Apache-2.0`` names each alone; ``mit AND llama3.1`` names the pair, so it covers
    ``mit`` only in a branch that also has ``llama3.1``.
    """
    try:
        alternatives = dnf(parse(entry))
    except LicenseExpressionError:
        return False
    for alternative in alternatives:
        needed = {canonical_id(k, db) for k in alternative}
        if license_id in needed and needed <= branch:
            return True
    return False
