"""Findings grouped for people: one group per model, one per missing policy fact, one per
unresolved expression. The text and Markdown reports render these.

A model group's verdict is the worst among its places that are not suppressed; its reasons are
the distinct deciding reasons of the places at that verdict; reasons that only ask the policy to
state a fact (``Reason.missing``) are gathered into one ``MissingFact`` per policy key instead.
Groups come failing first, then warnings, then passes, each by model id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scanner.decide.facts import fact_snippet
from scanner.decide.suppress import deciding_reasons
from scanner.report.common import ordered, ordered_unresolved, plural
from scanner.types import (
    Decision,
    ExceptionUse,
    Obligation,
    Reason,
    RefKind,
    Report,
    Scope,
    UnresolvedRef,
    Verdict,
)

SCOPES_SHOWN = tuple(Scope)
"""The order scopes are listed in: runtime, test, example, docs, dev."""


@dataclass(frozen=True, slots=True)
class ModelGroup:
    """Every place one model is referenced, with the verdict and reasons that matter."""

    kind: RefKind
    model: str
    decisions: tuple[Decision, ...]  # report order
    verdict: Verdict  # worst among places not suppressed (PASS when all are suppressed)
    reasons: tuple[Reason, ...]  # distinct deciding reasons at that verdict, facts aside
    missing: tuple[str, ...]  # policy keys the model's reasons ask for

    @property
    def first(self) -> Decision:
        """The place whose license and resolution stand for the group."""
        return next((d for d in self.decisions if d.verdict is self.verdict), self.decisions[0])

    @property
    def scopes(self) -> dict[Scope, int]:
        """Places per scope, in scope order."""
        counts = Counter(d.scope for d in self.decisions)
        return {scope: counts[scope] for scope in SCOPES_SHOWN if counts[scope]}

    @property
    def suppressed(self) -> dict[str, int]:
        """Suppressed places per label (``baseline``, ``inline: ignore[...]``)."""
        return dict(Counter(d.suppressed for d in self.decisions if d.suppressed is not None))

    @property
    def flagged_suppressed(self) -> Verdict | None:
        """The worst verdict among suppressed places (None when none is suppressed)."""
        found = [d.verdict for d in self.decisions if d.suppressed is not None]
        return max(found, key=lambda v: v.rank) if found else None

    @property
    def exception(self) -> ExceptionUse | None:
        """The exception some of the places rely on."""
        return next((d.exception for d in self.decisions if d.exception is not None), None)

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        """The obligations of the places that are not suppressed, once each."""
        found = (o for d in self.decisions if d.suppressed is None for o in d.obligations)
        return tuple(dict.fromkeys(found))

    @property
    def duties(self) -> tuple[str, ...]:
        """The codes of ``obligations``, once each (the same duty of places that spell the
        model differently is one line of a summary)."""
        return tuple(dict.fromkeys(o.code for o in self.obligations))

    def places(self, limit: int | None) -> tuple[Sequence[Decision], int]:
        """The places to show, deciding ones first (at most ``limit``), and how many are left."""
        ranked = sorted(self.decisions, key=lambda d: d.verdict is not self.verdict)
        shown = ranked if limit is None else ranked[:limit]
        return shown, len(ranked) - len(shown)


def attention(group: ModelGroup) -> bool:
    """Failing and warning models, and passes that rest on a decision someone made (an
    exception, a baseline entry, an inline ignore): the models a report shows in full."""
    decided = group.exception is not None or group.flagged_suppressed is not None
    return group.verdict is not Verdict.PASS or decided


def group_models(decisions: Iterable[Decision]) -> list[ModelGroup]:
    """One group per (kind, model), failing first, then warnings, then passes."""
    by_model: dict[tuple[RefKind, str], list[Decision]] = {}
    for decision in ordered(decisions):
        by_model.setdefault((decision.ref.kind, decision.model), []).append(decision)
    groups = [_group(kind, model, items) for (kind, model), items in by_model.items()]
    return sorted(groups, key=lambda g: (-g.verdict.rank, g.model.lower(), g.kind.value))


def _group(kind: RefKind, model: str, decisions: list[Decision]) -> ModelGroup:
    active = [d for d in decisions if d.suppressed is None]
    verdict = max((d.verdict for d in active), key=lambda v: v.rank, default=Verdict.PASS)
    deciding = [d for d in active if d.verdict is verdict] or decisions
    reasons: dict[tuple[str, str], Reason] = {}
    missing: dict[str, None] = {}
    for decision in deciding:
        for reason in _shown_reasons(decision):
            if reason.missing is not None and reason.waived is None:
                missing[reason.missing] = None
            else:
                reasons.setdefault((reason.code, reason.message), reason)
    return ModelGroup(
        kind, model, tuple(decisions), verdict, tuple(reasons.values()), tuple(missing)
    )


DECISION_NOTES = frozenset({"MDL018", "MDL035"})
"""Codes that say an earlier decision (an exception, a baseline entry) no longer holds: shown
whatever the verdict, since they explain why a model accepted before is judged again."""


def _shown_reasons(decision: Decision) -> tuple[Reason, ...]:
    """The reasons a place shows: deciding ones or those an exception waived, and notes."""
    if decision.verdict is Verdict.PASS:
        shown = tuple(r for r in decision.reasons if r.waived is not None)
    else:
        shown = deciding_reasons(decision)
    notes = tuple(r for r in decision.reasons if r.code in DECISION_NOTES and r not in shown)
    return shown + notes


@dataclass(frozen=True, slots=True)
class MissingFact:
    """A policy key the policy does not state, and what depends on it."""

    key: str
    licenses: tuple[str, ...]  # license ids whose terms need it
    terms: tuple[tuple[str, str], ...]  # (license, term that needs it: ``mau_limit = 7e8``)
    models: tuple[str, ...]
    snippet: str  # ready-to-paste TOML


def missing_facts(groups: Iterable[ModelGroup]) -> list[MissingFact]:
    """One entry per policy key some model asks for, in key order."""
    licenses: dict[str, dict[str, None]] = {}
    terms: dict[str, dict[tuple[str, str], None]] = {}
    models: dict[str, dict[str, None]] = {}
    for group in groups:
        for decision in group.decisions:
            if decision.suppressed is not None:
                continue
            for reason in decision.reasons:
                if reason.missing is None or reason.verdict is Verdict.PASS:
                    continue
                key = reason.missing
                models.setdefault(key, {})[group.model] = None
                license_text = decision.license or "unknown"
                licenses.setdefault(key, {})[license_text] = None
                if reason.term:
                    terms.setdefault(key, {})[(license_text, reason.term)] = None
    return [
        MissingFact(
            key,
            tuple(sorted(licenses[key])),
            tuple(sorted(terms.get(key, {}))),
            tuple(sorted(models[key], key=str.lower)),
            fact_snippet(key),
        )
        for key in sorted(models)
    ]


@dataclass(frozen=True, slots=True)
class UnresolvedGroup:
    """Unresolved references with the same expression and reason."""

    expression: str
    reason: str
    verdict: Verdict
    refs: tuple[UnresolvedRef, ...]

    @property
    def scopes(self) -> dict[Scope, int]:
        """References per scope, in scope order."""
        counts = Counter(ref.scope for ref in self.refs)
        return {scope: counts[scope] for scope in SCOPES_SHOWN if counts[scope]}


def group_unresolved(report: Report) -> list[UnresolvedGroup]:
    """Unsuppressed unresolved references grouped by verdict, expression and reason; the
    worst and most frequent first."""
    grouped: dict[tuple[Verdict, str, str], list[UnresolvedRef]] = {}
    for ref in ordered_unresolved(report.unresolved):
        if ref.suppressed is None:
            verdict = ref.verdict or report.unresolved_verdict
            grouped.setdefault((verdict, ref.expression, ref.reason), []).append(ref)
    groups = [UnresolvedGroup(e, r, v, tuple(refs)) for (v, e, r), refs in grouped.items()]
    return sorted(groups, key=lambda g: (-g.verdict.rank, -len(g.refs), g.expression, g.reason))


@dataclass(frozen=True, slots=True)
class Tally:
    """Models and places by verdict, for the closing line."""

    models: int
    places: int
    fail: int
    warn: int
    passed: int
    suppressed: int  # models whose every flagged place is suppressed
    unresolved: int
    errors: int
    use_findings: int = 0  # flagged training and distribution places (MDL025-031)


def tally(report: Report, groups: Sequence[ModelGroup]) -> Tally:
    """The counts of the closing summary line."""
    verdicts = Counter(g.verdict for g in groups if not _all_suppressed(g))
    return Tally(
        models=len(groups),
        places=len(report.decisions),
        fail=verdicts[Verdict.FAIL],
        warn=verdicts[Verdict.WARN],
        passed=verdicts[Verdict.PASS],
        suppressed=sum(_all_suppressed(g) for g in groups),
        unresolved=sum(ref.suppressed is None for ref in report.unresolved),
        errors=len(report.errors),
        use_findings=sum(
            f.suppressed is None and f.reason.verdict is not Verdict.PASS
            for f in report.use_findings
        ),
    )


def _all_suppressed(group: ModelGroup) -> bool:
    return group.verdict is Verdict.PASS and group.flagged_suppressed is not None


def scope_note(groups: Iterable[ModelGroup]) -> str | None:
    """One sentence for the models with an unknown license that pass only because they are
    used in tests alone and a scope rule lets unknown licenses pass there (None: there are none)."""
    tests_only = [
        g
        for g in groups
        if g.verdict is Verdict.PASS
        and set(g.scopes) == {Scope.TEST}
        and any(_scope_graded(r, "MDL001") for d in g.decisions for r in d.reasons)
    ]
    if not tests_only:
        return None
    verb = "passes" if len(tests_only) == 1 else "pass"
    return (
        f"{plural(len(tests_only), 'model')} with an unknown license, used only in tests, "
        f'{verb} by the scope rule scopes.test.on.unknown = "pass": tests are not shipped, so no '
        "license term reaches them (state [scopes.test.on] unknown to change this)"
    )


def _scope_graded(reason: Reason, code: str) -> bool:
    key = reason.policy.key if reason.policy is not None else ""
    return reason.code == code and key.startswith("scopes.")


def closing_line(counts: Tally, seconds: float | None) -> str:
    """``12 models in 40 places: 1 fail, 2 warn, 9 pass; 3 unresolved; 0 errors; 1.2 s``."""
    if not counts.models and not counts.unresolved and not counts.errors:
        head = "no model references found"
    else:
        verdicts = f"{counts.fail} fail, {counts.warn} warn, {counts.passed} pass"
        if counts.suppressed:
            verdicts += f", {counts.suppressed} suppressed"
        places = plural(counts.places, "place")
        head = f"{plural(counts.models, 'model')} in {places}: {verdicts}"
    parts = [head, f"{counts.unresolved} unresolved", plural(counts.errors, "error")]
    if counts.use_findings:
        parts.append(plural(counts.use_findings, "training/distribution finding"))
    if seconds is not None:
        parts.append(f"{seconds:.1f} s")
    return "; ".join(parts)
