"""Copyleft (MDL022, MDL023): share-alike changes, and copyleft that reaches network use."""

from __future__ import annotations

from collections.abc import Iterator

from license_db.schema import LicenseTerms, Match
from scanner.decide.policy import Policy
from scanner.decide.terms.common import distributes
from scanner.decide.terms.reasons import named, remedy, term_reason
from scanner.types import Reason, Verdict


def check_share_alike(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    """MDL022: a share-alike license when the policy modifies and distributes models."""
    usage = policy.usage
    if terms.share_alike and usage.modifies_models and distributes(terms, usage):
        msg = f"{named(terms)} is share-alike: distributed changes must carry the same license"
        fix = remedy(
            policy,
            "license your derivative under the same terms, or choose another model",
            "usage.modifies_models",
        )
        yield term_reason(
            "MDL022",
            Verdict.WARN,
            msg,
            terms,
            "share_alike = true",
            policy,
            "usage.modifies_models",
            fix,
        )


def check_network_copyleft(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    """MDL023: a network-copyleft license when the policy offers a hosted service."""
    if policy.usage.hosted_service and (
        terms.id == "agpl-3.0" or terms.category == "network-copyleft"
    ):
        msg = (
            f"{named(terms)} reaches network use: users who interact with a modified version "
            "over a network must be offered its corresponding source"
        )
        key = "usage.hosted_service"
        fix = remedy(
            policy,
            "offer the corresponding source to the service's users or obtain a commercial "
            "license from the licensor",
            key,
        )
        yield term_reason(
            "MDL023", Verdict.WARN, msg, terms, f"license = {terms.id}", policy, key, fix
        )
