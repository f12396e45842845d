"""Decide every reference in its scope, keep what the selection asks for.

Each reference gets the scope of its path (``decide.scopes``). It is evaluated under the policy
as its scope amends it: ``[scopes.<scope>.on]`` and ``[scopes.<scope>.licenses]`` replace their
top-level counterparts, and a reason they decided cites the scope's policy line. Then
``[scopes.<scope>.rules]`` re-grades the reasons of the codes it names, the selection
(``select`` / ``ignore``) drops the codes it leaves out, and ``scopes.select`` (``--scope``)
drops the references in the scopes it leaves out. Unresolved references get their scope's
``on.unresolved``. Exceptions that match no model scanned are stale (MDL018).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import replace

from scanner.decide.evaluate import evaluate, worst
from scanner.decide.policy import DEFAULT_SOURCE, LicenseCatalog, LicenseLists, Policy
from scanner.decide.scopes import ScopeMatcher, ScopeRule
from scanner.decide.select import apply_selection
from scanner.decide.suppress import UNRESOLVED_CODE
from scanner.decide.terms.exceptions import stale_exceptions
from scanner.decide.usage_facts import effective_policy
from scanner.types import Decision, Known, PolicyLine, Reason, Resolved, Scope, UnresolvedRef


def decide_all(
    resolved: Iterable[Resolved], policy: Policy, db: LicenseCatalog, today: datetime.date
) -> list[Decision]:
    """Every reference decided in its scope; references in unselected scopes left out."""
    matcher = ScopeMatcher.of(policy.scopes)
    policies: dict[Scope, Policy] = {}
    decisions = []
    for item in resolved:
        scope = matcher.scope_of(item.ref.path)
        if not _shown(scope, policy):
            continue
        if scope not in policies:
            policies[scope] = scoped_policy(policy, scope)
        decision = evaluate_in_code(item, policies[scope], db, today)
        decision = regrade(replace(decision, scope=scope), policy)
        decisions.append(apply_selection(decision, policy.selection))
    return decisions


def evaluate_in_code(
    item: Resolved, policy: Policy, db: LicenseCatalog, today: datetime.date
) -> Decision:
    """The verdict on one reference under the usage facts its code shows (``usage_facts``)."""
    effective, taken = effective_policy(policy, item.ref)
    decision = evaluate(item, effective, db, today)
    return replace(decision, reasons=(*decision.reasons, *taken)) if taken else decision


def decide_unresolved(refs: Iterable[UnresolvedRef], policy: Policy) -> list[UnresolvedRef]:
    """Unresolved references with their scope and its verdict; those not selected left out."""
    if not policy.selection.keeps(UNRESOLVED_CODE):
        return []
    matcher = ScopeMatcher.of(policy.scopes)
    found = []
    for ref in refs:
        scope = matcher.scope_of(ref.path)
        if _shown(scope, policy):
            verdict = policy.scopes.rule(scope).on.get("unresolved")
            found.append(replace(ref, scope=scope, verdict=verdict))
    return found


def stale(policy: Policy, resolved: Sequence[Resolved]) -> tuple[Reason, ...]:
    """MDL018 for each exception that matches none of the models the scan found."""
    names: list[str] = [item.model for item in resolved]
    names += [item.match.model_id for item in resolved if isinstance(item, Known)]
    return stale_exceptions(policy, names)


def _shown(scope: Scope, policy: Policy) -> bool:
    chosen = policy.scopes.select
    return chosen is None or scope in chosen


def scoped_policy(policy: Policy, scope: Scope) -> Policy:
    """``policy`` with the ``[on]`` keys and license lists ``scope`` overrides replaced."""
    rule = policy.scopes.rule(scope)
    if rule.empty:
        return policy
    lists = LicenseLists(
        allow=policy.licenses.allow if rule.allow is None else rule.allow,
        deny=policy.licenses.deny if rule.deny is None else rule.deny,
    )
    return replace(policy, on=replace(policy.on, **rule.on), licenses=lists)


def regrade(decision: Decision, policy: Policy) -> Decision:
    """The decision with its scope's policy lines cited and its ``rules`` verdicts applied."""
    rule = policy.scopes.rule(decision.scope)
    if rule.empty:
        return decision
    reasons = tuple(_regrade(r, decision.scope, rule, policy) for r in decision.reasons)
    return replace(decision, reasons=reasons, verdict=worst(r.verdict for r in reasons))


def _regrade(reason: Reason, scope: Scope, rule: ScopeRule, policy: Policy) -> Reason:
    key = reason.policy.key if reason.policy else ""
    overridden = _overridden_key(key, rule)
    if overridden is not None:
        reason = replace(reason, policy=scope_line(policy, scope, overridden, rule))
    if reason.verdict.rank > 0 and reason.code in rule.rules:
        line = scope_line(policy, scope, f"rules.{reason.code}", rule)
        return replace(reason, verdict=rule.rules[reason.code], policy=line)
    return reason


def _overridden_key(key: str, rule: ScopeRule) -> str | None:
    """The scope key that decided a reason citing ``key`` (``on.unknown``), or None."""
    table, _, name = key.partition(".")
    if table == "on" and name in rule.on:
        return key
    if key.startswith("licenses.allow") and rule.allow is not None:
        return "licenses.allow"
    if key.startswith("licenses.deny") and rule.deny is not None:
        return "licenses.deny"
    return None


def scope_line(policy: Policy, scope: Scope, key: str, rule: ScopeRule) -> PolicyLine:
    """Where the scope states ``key`` (``on.unknown``): its line, or the embedded default."""
    dotted = f"scopes.{scope.value}.{key}"
    if key in rule.default:
        return PolicyLine(DEFAULT_SOURCE, None, dotted)
    return policy.line(dotted)
