"""What the code does, against what the policy says it does (MDL025, MDL026, MDL027).

Where the code fine-tunes or merges a model (``UseKind.modifies``) or ships it
(``UseKind.distributes``), the license is evaluated as if the policy said so, whatever it says:
a place that contradicts ``modifies_models = false`` / ``distributes_models = false`` is reported
(``[on] undeclared_modification`` / ``undeclared_distribution``). Where the policy leaves the fact
out, the code's evidence stands in for it. No evidence is not taken as "no": training driven by a
YAML config or a shell script is not read, so the fact stays unknown as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from scanner.decide.policy import Policy
from scanner.types import ModelRef, Reason, Use, UseFinding, Verdict

_FACTS = (
    ("modifies_models", "modifies", "modifies", "undeclared_modification", "MDL025"),
    ("distributes_models", "distributes", "ships", "undeclared_distribution", "MDL026"),
)  # policy fact, UseKind property, verb, [on] knob, rule code


def effective_policy(policy: Policy, ref: ModelRef) -> tuple[Policy, list[Reason]]:
    """The policy to evaluate ``ref`` under, with its usage facts taken from the code where the
    code shows them or the policy leaves them out, and a reason for each fact taken."""
    usage, reasons = policy.usage, []
    for fact, prop, verb, _, _ in _FACTS:
        stated: bool | None = getattr(usage, fact)
        own = [u for u in ref.uses if getattr(u.kind, prop)]
        if not own or stated is True:
            continue
        if fact == "modifies_models":
            usage = replace(usage, modifies_models=True)
        else:
            usage = replace(usage, distributes_models=True)
        reasons.append(_taken(fact, verb, own, stated, policy))
    return (replace(policy, usage=usage), reasons) if reasons else (policy, [])


def _taken(fact: str, verb: str, own: Sequence[Use], stated: bool | None, policy: Policy) -> Reason:
    message = f"the code {verb} this model ({_places(own)}): evaluated with {fact} = true"
    if stated is None:
        message += " (the policy does not state it)"
    return Reason("MDL027", Verdict.PASS, message, policy=policy.line(f"usage.{fact}"))


def contradictions(uses: Iterable[Use], policy: Policy) -> list[UseFinding]:
    """MDL025/MDL026: every place that does what the policy says the repository does not."""
    found: list[UseFinding] = []
    for use in uses:
        for fact, prop, verb, knob, code in _FACTS:
            if getattr(use.kind, prop) and getattr(policy.usage, fact) is False:
                what = ", ".join(use.models) or "a model"
                kind = use.kind.value
                message = f"{use.call} {verb} {what} ({kind}) but the policy says {fact} = false"
                fix = f"set usage.{fact} = true and re-check the licenses, or remove the {kind}"
                reason = Reason(code, getattr(policy.on, knob), message,
                                policy=policy.line(f"usage.{fact}"), fix=fix)  # fmt: skip
                found.append(UseFinding(use, reason))
    return found


def where(use: Use) -> str:
    """``path:line`` (``path:cell N:line`` in a notebook) of a place."""
    cell = f"cell {use.cell}:" if use.cell is not None else ""
    return f"{use.path}:{cell}{use.line}"


def _places(uses: Sequence[Use]) -> str:
    shown = [f"{u.kind.value} at {where(u)}" for u in uses[:3]]
    more = f" and {len(uses) - 3} more" if len(uses) > 3 else ""
    return ", ".join(shown) + more
