"""What cannot be checked (MDL001, MDL013): unknown models and licenses, inferred licenses.

The policy's ``on.unknown`` and ``on.inferred`` decide them; an exception with
``license = "unknown"`` covers a model without a known license.
"""

from __future__ import annotations

from license_db.schema import LicenseTerms, Match
from scanner.decide.policy import Policy
from scanner.decide.terms.common import term_source
from scanner.decide.terms.reasons import policy_file
from scanner.types import Reason, Unknown

UNKNOWN_LICENSE = "unknown"  # the database id a finding without a known license is pinned to


def unknown_model(resolved: Unknown, policy: Policy) -> Reason:
    """MDL001: a model whose license is unknown."""
    return Reason(
        code="MDL001",
        verdict=policy.on.unknown,
        message=f"license of {resolved.model} is unknown: {resolved.reason}",
        policy=policy.line("on.unknown"),
        fix=(
            f"choose a model with a known license, add an exception with license = "
            f'"{UNKNOWN_LICENSE}" in {policy_file(policy)}, or set on.unknown'
        ),
    )


def unknown_license(
    key: str, detail: str, policy: Policy, terms: LicenseTerms | None = None
) -> Reason:
    """MDL001: a license id (or expression) whose terms cannot be checked."""
    return Reason(
        code="MDL001",
        verdict=policy.on.unknown,
        message=f"license '{key}' is unknown ({detail}): its terms cannot be checked",
        term=f"license = {key}",
        term_source=term_source(terms) if terms else None,
        policy=policy.line("on.unknown"),
        fix=(
            f"confirm the model's license and add an exception in {policy_file(policy)}, "
            "choose a model with a known license, or set on.unknown"
        ),
    )


def inferred(found: Match, policy: Policy) -> Reason:
    """MDL013: a license inferred from a base model, not declared by the model."""
    base = found.base_model or "its base model"
    return Reason(
        code="MDL013",
        verdict=policy.on.inferred,
        message=(
            f"license {found.license} is inferred from {base}, not declared by "
            f"{found.model_id} ({found.detail})"
        ),
        term=f"license = {found.license}",
        term_source=found.source or None,
        policy=policy.line("on.inferred"),
        fix=(
            f"check the model's own license and add an exception in {policy_file(policy)}, "
            "or set on.inferred"
        ),
    )
