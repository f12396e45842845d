"""The policy's ``[privacy]`` against every training place (MDL028-MDL031).

Training without differential privacy fails where DP is required (``require_dp``, or personal
training data), naming the place. A DP place's epsilon (stated, or computed by the accountant in
``scanner.resolve.accountant``) above ``max_epsilon`` fails with both numbers, as does a delta
above ``max_delta``; an epsilon that cannot be known where a limit applies is unresolved
(``[on] unresolved``), never a pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.decide.policy import Policy
from scanner.decide.usage_facts import where
from scanner.types import Privacy, Reason, Use, UseFinding, UseKind, Verdict


def privacy_findings(uses: Iterable[Use], policy: Policy) -> list[UseFinding]:
    """A finding for each training place the ``[privacy]`` table fails or cannot decide."""
    return [
        UseFinding(use, reason)
        for use in uses
        if use.kind is UseKind.FINE_TUNING and use.privacy is not None
        for reason in _reasons(use, use.privacy, policy)
    ]


def _reasons(use: Use, privacy: Privacy, policy: Policy) -> Iterator[Reason]:
    rules = policy.privacy
    if not privacy.dp:
        if rules.dp_required:
            key = "privacy.require_dp" if rules.require_dp is not None else "privacy.training_data"
            yield Reason(
                "MDL028",
                Verdict.FAIL,
                f"{use.call} trains {_what(use)} at {where(use)} without differential privacy, "
                "which the policy requires",
                policy=policy.line(key),
                fix="train with DP-SGD (e.g. Opacus make_private_with_epsilon) or correct "
                "privacy.training_data",
            )
        return
    limit = rules.max_epsilon
    if limit is not None and privacy.epsilon is None:
        yield Reason(
            "MDL031",
            policy.on.unresolved,
            f"the epsilon of {use.call} at {where(use)} is unknown: {privacy.unresolved}",
            policy=policy.line("privacy.max_epsilon"),
            fix="state target_epsilon (and target_delta) or the noise multiplier, batch size, "
            "dataset size and epochs as constants",
        )
    elif limit is not None and privacy.epsilon is not None and privacy.epsilon > limit:
        how = f" (computed by the {privacy.accountant} accountant)" if privacy.accountant else ""
        yield Reason(
            "MDL029",
            Verdict.FAIL,
            f"{use.call} at {where(use)} trains with epsilon = {privacy.epsilon:.3g}{how}, "
            f"above the policy's max_epsilon = {limit:g}",
            policy=policy.line("privacy.max_epsilon"),
            fix="add noise, train fewer steps or sample less, or raise privacy.max_epsilon",
        )
    if (
        rules.max_delta is not None
        and privacy.delta is not None
        and privacy.delta > rules.max_delta
    ):
        yield Reason(
            "MDL030",
            Verdict.FAIL,
            f"{use.call} at {where(use)} trains with delta = {privacy.delta:g}, above the "
            f"policy's max_delta = {rules.max_delta:g}",
            policy=policy.line("privacy.max_delta"),
            fix="lower target_delta (below 1 / dataset size) or raise privacy.max_delta",
        )


def _what(use: Use) -> str:
    return ", ".join(use.models) if use.models else "a model"
