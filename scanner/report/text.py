"""Human-readable report: one block per model that needs attention, the rest counted.

A block: verdict, model, license and how it was resolved; the deciding reasons (code, name,
message, the license term and policy line that decided, the fix); the policy facts it waits for
(stated once below, in "policy facts to state"); the exception, baseline or inline ignore it
relies on; its obligations once; its scopes and places, the first few (all with ``verbose``).
Failing models first, then warnings, then models that pass only by a decision, then one line
counting the other passes. Then the missing policy facts (one block per key, with the TOML to
paste), obligations, unresolved references grouped by expression and reason, files not scanned,
stale baseline entries and exceptions, and a closing summary line. Colour only when asked.
Every repository-derived value goes through ``escape.terminal`` and the whole text through
``escape.inert_lines`` (see that module).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from scanner.decide.facts import fact_question
from scanner.report.common import (
    error_where,
    exception_label,
    group_obligations,
    ordered_errors,
    plural,
    rule_name,
    totals_line,
    where,
)
from scanner.report.escape import inert_lines, terminal
from scanner.report.groups import (
    MissingFact,
    ModelGroup,
    UnresolvedGroup,
    attention,
    closing_line,
    group_models,
    group_unresolved,
    missing_facts,
    scope_note,
    tally,
)
from scanner.report.usage import use_text
from scanner.types import Decision, Reason, Report, Scope, Use, Verdict

_COLORS = {Verdict.FAIL: "\033[1;31m", Verdict.WARN: "\033[33m", Verdict.PASS: "\033[32m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"
PLACES_SHOWN = 3
"""Places listed per model (and per unresolved expression) without ``verbose``."""
MODELS_SHOWN = 5
"""Models named per missing fact or obligation without ``verbose``."""


class _Style:
    """ANSI styling that is a no-op when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def verdict(self, verdict: Verdict, text: str) -> str:
        return f"{_COLORS[verdict]}{text}{_RESET}" if self.color else text

    def dim(self, text: str) -> str:
        return f"{_DIM}{text}{_RESET}" if self.color else text

    def bold(self, text: str) -> str:
        return f"{_BOLD}{text}{_RESET}" if self.color else text


def render(
    report: Report, *, color: bool = False, verbose: bool = False, seconds: float | None = None
) -> str:
    """The report as text for a terminal; ANSI colours only when ``color``, every place and
    passing model with ``verbose``, the scan's duration in the last line when ``seconds``."""
    style = _Style(color)
    source, db_version = terminal(report.policy_source), terminal(report.db_version)
    lines = [style.dim(f"policy: {source}  database: {db_version}")]
    groups = group_models(report.decisions)
    limit = None if verbose else PLACES_SHOWN
    said: set[tuple[str, str, str]] = set()  # (code, policy, fix) already printed in full
    for group in groups:
        if attention(group) or verbose:
            lines += ["", *_model_block(group, style, limit, said)]
    sections = (
        _passes(groups, verbose),
        _facts(missing_facts(groups), report, verbose),
        _uses(report, verbose),
        _obligations(report, verbose),
        _unresolved(report, limit),
        _errors(report),
        _stale(report),
        _stale_exceptions(report),
    )
    for section in sections:
        if section:
            lines += ["", *section]
    lines += ["", style.dim(totals_line(report.totals, report.unscanned_verdict))]
    lines += [style.verdict(report.worst, closing_line(tally(report, groups), None))]
    return with_duration(inert_lines("\n".join(lines) + "\n"), seconds)


def with_duration(text: str, seconds: float | None) -> str:
    """A text report with the scan's duration at the end of its closing line (its last), as
    ``closing_line`` writes it (a replayed report is rendered once, its duration every time)."""
    if seconds is None:
        return text
    body, _, last = text.removesuffix("\n").rpartition("\n")
    reset = _RESET if last.endswith(_RESET) else ""
    return f"{body}\n{last.removesuffix(reset)}; {seconds:.1f} s{reset}\n"


# -- one model ------------------------------------------------------------------------------


def _model_block(
    group: ModelGroup, style: _Style, limit: int | None, said: set[tuple[str, str, str]]
) -> Iterator[str]:
    first = group.first
    verdict = style.verdict(group.verdict, group.verdict.value.upper())
    license_text = terminal(first.license or "unknown")
    head = f"{verdict}  {style.bold(terminal(group.model))}  {license_text}"
    if first.match is not None:
        head += style.dim(f"  ({terminal(first.match.rule.value)})")
    yield head
    for reason in group.reasons:
        yield from _reason(reason, said)
    if group.missing:
        keys = ", ".join(terminal(key) for key in group.missing)
        yield f'  MDL016 needs policy facts: {keys} (see "policy facts to state" below)'
    yield from _decided(group)
    found = first.match
    if found is not None and (found.inferred or found.rule.value not in ("exact", "alias")):
        yield f"  resolved by {terminal(found.rule.value)}: {terminal(found.detail)}"
    if group.duties:
        duties = ", ".join(f"{terminal(code)} {rule_name(code)}" for code in group.duties)
        yield f"  obligations: {duties}"
    yield from _places(group, limit)


def _reason(reason: Reason, said: set[tuple[str, str, str]]) -> Iterator[str]:
    """A reason with its term, policy line and fix; a policy line and fix already printed
    for the same code above become "policy and fix as above"."""
    yield f"  {terminal(reason.code)} {rule_name(reason.code)}: {terminal(reason.message)}"
    if reason.term:
        source = f"  ({terminal(reason.term_source)})" if reason.term_source else ""
        yield f"      term: {terminal(reason.term)}{source}"
    where_ = f"{reason.policy} ({reason.policy.key})" if reason.policy else ""
    key = (reason.code, where_, reason.fix or "")
    if key in said and (reason.policy or reason.fix):
        yield f"      policy and fix as for {terminal(reason.code)} above"
        return
    said.add(key)
    if reason.policy:
        yield f"      policy: {terminal(str(reason.policy))} ({terminal(reason.policy.key)})"
    if reason.fix:
        yield f"      fix: {terminal(reason.fix)}"


def _decided(group: ModelGroup) -> Iterator[str]:
    """The exception, baseline entries and inline ignores the model's verdict rests on."""
    if group.exception is not None:
        yield f"  passes by {terminal(exception_label(group.exception))}"
    for label, count in sorted(group.suppressed.items()):
        worst = group.flagged_suppressed
        level = f"{worst.value} " if worst is not None else ""
        yield f"  suppressed ({level}{plural(count, 'place')}): {terminal(label)}"


def _places(group: ModelGroup, limit: int | None) -> Iterator[str]:
    scopes = ", ".join(f"{scope.value} {count}" for scope, count in group.scopes.items())
    shown, more = group.places(limit)
    total = plural(len(group.decisions), "place")
    if limit is not None:
        listed = ", ".join(terminal(where(d.ref)) for d in shown)
        tail = f" and {more} more (--verbose lists all)" if more else ""
        yield f"  {total} ({scopes}): {listed}{tail}"
        via = next((d.ref.via for d in shown if d.ref.via), None)
        if via:
            yield f"  via {terminal(via)}"
        return
    yield f"  {total} ({scopes}):"
    for decision in shown:
        yield f"    {_place(decision)}"


def _place(decision: Decision) -> str:
    text = f"{terminal(where(decision.ref))}  {decision.scope.value}  {decision.verdict.value}"
    if decision.suppressed is not None:
        text += f" (suppressed: {terminal(decision.suppressed)})"
    if decision.ref.via:
        text += f"  via {terminal(decision.ref.via)}"
    return text


# -- the rest -------------------------------------------------------------------------------


def _passes(groups: Sequence[ModelGroup], verbose: bool) -> list[str]:
    plain = [g for g in groups if g.verdict is Verdict.PASS and not attention(g)]
    lines = []
    if plain and not verbose:
        verb = "passes" if len(plain) == 1 else "pass"
        lines.append(f"{plural(len(plain), 'other model')} {verb} (--verbose lists them)")
    note = scope_note(groups)
    return [*lines, f"note: {note}"] if note else lines


def _facts(facts: Sequence[MissingFact], report: Report, verbose: bool) -> list[str]:
    if not facts:
        return []
    target = "the policy" if report.policy_source.startswith("embedded") else report.policy_source
    lines = [
        f"policy facts to state (MDL016): license terms wait for them; "
        f"review the values and add to {terminal(target)}"
    ]
    for fact in facts:
        lines.append(f"  {terminal(fact.key)}: {fact_question(fact.key)}")
        for license_id, term in fact.terms:
            lines.append(f"    {terminal(license_id)}: {terminal(_short(term))}")
        lines.append(f"    models: {_names(fact.models, verbose)}")
        lines += [f"    | {terminal(line)}" for line in fact.snippet.splitlines()]
    return lines


def _short(text: str, width: int = 72) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip(" ,") + "..."


def _names(names: Sequence[str], verbose: bool) -> str:
    shown = names if verbose else names[:MODELS_SHOWN]
    more = len(names) - len(shown)
    return ", ".join(terminal(n) for n in shown) + (f" and {more} more" if more else "")


def _uses(report: Report, verbose: bool) -> list[str]:
    """Training, merging, distillation, distribution and export places: counted by kind, and
    listed where the policy has findings on them (every place with ``--verbose``)."""
    if not report.uses:
        return []
    by_use: dict[Use, list[Reason]] = {}
    for finding in report.use_findings:
        if finding.suppressed is None and finding.reason.verdict is not Verdict.PASS:
            by_use.setdefault(finding.use, []).append(finding.reason)
    kinds = Counter(use.kind.value for use in report.uses)
    counted = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    lines = [f"training and distribution ({plural(len(report.uses), 'place')}: {counted}):"]
    shown = report.uses if verbose else [use for use in report.uses if use in by_use]
    for use in shown:
        lines.append(f"  {terminal(use_text(use))}")
        for reason in by_use.get(use, ()):
            lines.extend("  " + line for line in _reason(reason, set()))
    if len(shown) < len(report.uses):
        lines.append("  (--verbose lists every place)")
    return lines


def _obligations(report: Report, verbose: bool) -> list[str]:
    grouped = group_obligations(report.decisions)
    lines = [
        f"  {terminal(code)} {rule_name(code)} [{terminal(lic)}]: {terminal(text)} "
        f"({_names(models, verbose)})"
        for (code, lic, text), models in grouped.items()
    ]
    return ["obligations:", *lines] if lines else []


def _unresolved(report: Report, limit: int | None) -> list[str]:
    groups = group_unresolved(report)
    if not groups:
        return _suppressed_unresolved(report)
    total = sum(len(g.refs) for g in groups)
    head = (
        f"unresolved references (MDL002): {plural(total, 'place')}, "
        f"{plural(len(groups), 'expression')}"
    )
    lines = [head]
    for verdict in Verdict.FAIL, Verdict.WARN, Verdict.PASS:
        level = [g for g in groups if g.verdict is verdict]
        if level:
            lines += _unresolved_level(verdict, level, limit)
    return lines + _suppressed_unresolved(report)


def _unresolved_level(
    verdict: Verdict, groups: Sequence[UnresolvedGroup], limit: int | None
) -> list[str]:
    count = sum(len(g.refs) for g in groups)
    if verdict is Verdict.PASS and limit is not None:
        scopes = _scope_counts(g.scopes for g in groups)
        return [f"  pass: {plural(count, 'place')} ({scopes}) pass by their scope's on.unresolved"]
    lines = [f"  {verdict.value}: {plural(count, 'place')}"]
    shown_groups = groups if limit is None else groups[: limit * 5]
    for group in shown_groups:
        refs = group.refs if limit is None else group.refs[:limit]
        more = len(group.refs) - len(refs)
        places = ", ".join(terminal(where(r)) for r in refs) + (f" and {more} more" if more else "")
        what = f"{terminal(group.expression)} ({terminal(group.reason)})"
        lines.append(f"    {what} x{len(group.refs)}: {places}")
    hidden = len(groups) - len(shown_groups)
    if hidden:
        lines.append(f"    and {plural(hidden, 'more expression')} (--verbose lists all)")
    return lines


def _scope_counts(items: Iterable[dict[Scope, int]]) -> str:
    total: dict[Scope, int] = {}
    for counts in items:
        for scope, count in counts.items():
            total[scope] = total.get(scope, 0) + count
    return ", ".join(f"{scope.value} {total[scope]}" for scope in Scope if scope in total)


def _suppressed_unresolved(report: Report) -> list[str]:
    refs = [u for u in report.unresolved if u.suppressed is not None]
    return [
        f"  suppressed: {terminal(where(u))}  {terminal(u.expression)}"
        f" ({terminal(u.suppressed or '')})"
        for u in refs
    ]


def _errors(report: Report) -> list[str]:
    errors = ordered_errors(report.errors)
    lines = [
        f"  {terminal(error_where(e))}: {'internal error: ' if e.internal else ''}"
        f"{terminal(e.message)}"
        for e in errors
    ]
    return ["files not scanned (MDL019):", *lines] if lines else []


def _stale(report: Report) -> list[str]:
    stale = sorted(report.stale_baseline)
    head = "stale baseline entries (no current finding matches; remove them):"
    return [head, *(f"  {terminal(entry)}" for entry in stale)] if stale else []


def _stale_exceptions(report: Report) -> list[str]:
    lines = [
        f"  {terminal(str(r.policy)) if r.policy else ''}: {terminal(r.message)}"
        for r in report.stale_exceptions
    ]
    return ["stale exceptions (MDL018):", *lines] if lines else []
