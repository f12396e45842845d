"""Markdown report: the pull-request / job summary, grouped as the text report is.

A headline with the counts; a table with one row per model that needs attention (failing and
warning models, and passes that rest on an exception, a baseline entry or an inline ignore):
verdict, license and resolution, the deciding reasons, the decisions it rests on, its scopes and
first places (GitHub shows only the first ten annotations of each level, so this table is the
complete list); a line counting the other passes; the policy facts to state, once each, with the
TOML to paste; obligations; unresolved references grouped by expression and reason; files not
scanned; stale baseline entries and exceptions; the policy used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scanner.decide.facts import fact_question
from scanner.report.common import (
    TOOL_NAME,
    error_where,
    exception_label,
    group_obligations,
    ordered_errors,
    ordered_unresolved,
    plural,
    rule_name,
    totals_line,
    where,
)
from scanner.report.escape import markdown_code, markdown_text
from scanner.report.groups import (
    MissingFact,
    ModelGroup,
    Tally,
    attention,
    closing_line,
    group_models,
    group_unresolved,
    missing_facts,
    scope_note,
    tally,
)
from scanner.types import Reason, Report, Verdict

PLACES_SHOWN = 3
"""Places listed per model and per unresolved expression."""
MODELS_SHOWN = 8
"""Models named per missing policy fact."""

_ICONS = {Verdict.FAIL: ":x:", Verdict.WARN: ":warning:", Verdict.PASS: ":white_check_mark:"}


def render(report: Report) -> str:
    """The report as GitHub-flavoured Markdown."""
    groups = group_models(report.decisions)
    counts = tally(report, groups)
    note = scope_note(groups)
    sections = [
        [_headline(counts, report.worst), "", escape(closing_line(counts, None))],
        _models(groups),
        _passes(groups) + ([f"Note: {escape(note)}."] if note else []),
        _facts(missing_facts(groups)),
        _obligations(report),
        _unresolved(report),
        _errors(report),
        _stale(report),
        _stale_exceptions(report),
        [
            f"Policy: {escape(report.policy_source)}. "
            f"License database: {escape(report.db_version)}. "
            + totals_line(report.totals, report.unscanned_verdict).capitalize()
            + "."
        ],
    ]
    return "\n\n".join("\n".join(lines) for lines in sections if lines) + "\n"


def escape(text: str) -> str:
    """``text`` as literal Markdown text, safe inside a table cell (``escape.markdown_text``)."""
    return markdown_text(text)


def code(text: str, *, table: bool = True) -> str:
    """``text`` as an inline code span holding it exactly (``escape.markdown_code``)."""
    return markdown_code(text, table=table)


def _headline(counts: Tally, worst: Verdict) -> str:
    if worst is Verdict.FAIL:
        status = plural(counts.fail, "failing model") if counts.fail else "failing findings"
    elif worst is Verdict.WARN:
        status = f"{plural(counts.warn, 'model')} with warnings, nothing fails"
    else:
        status = "no license problems"
    return f"## {_ICONS[worst]} {TOOL_NAME}: {status}"


def _models(groups: Sequence[ModelGroup]) -> list[str]:
    shown = [g for g in groups if attention(g)]
    if not shown:
        return []
    head = [
        "| Verdict | Model | License | Why | Scopes | Places |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    return ["### Models", "", *head, *(_model_row(g) for g in shown)]


def _model_row(group: ModelGroup) -> str:
    first = group.first
    license_text = escape(first.license or "unknown")
    if first.match is not None:
        license_text += f" ({escape(first.match.rule.value)})"
    why = [_reason(r) for r in group.reasons]
    if group.missing:
        keys = ", ".join(code(k) for k in group.missing)
        why.append(f"**MDL016** needs policy facts: {keys} (see *Policy facts to state*)")
    if group.exception is not None:
        why.append(f"passes by {escape(exception_label(group.exception))}")
    for label, count in sorted(group.suppressed.items()):
        why.append(f"suppressed ({plural(count, 'place')}): {escape(label)}")
    if group.duties:
        why.append("obligations: " + ", ".join(escape(code) for code in group.duties))
    scopes = ", ".join(f"{scope.value} {count}" for scope, count in group.scopes.items())
    shown, more = group.places(PLACES_SHOWN)
    places = "<br>".join(code(where(d.ref)) for d in shown)
    if more:
        places += f"<br>and {more} more"
    cells = [
        f"{_ICONS[group.verdict]} {group.verdict.value}",
        code(group.model),
        license_text,
        "<br>".join(why),
        scopes,
        places,
    ]
    return "| " + " | ".join(cells) + " |"


def _passes(groups: Sequence[ModelGroup]) -> list[str]:
    plain = [g for g in groups if not attention(g)]
    return [f"{plural(len(plain), 'other model')} pass."] if plain else []


def _reason(reason: Reason) -> str:
    text = f"**{escape(reason.code)}** {rule_name(reason.code)}: {escape(reason.message)}"
    if reason.policy:
        text += f" (policy {code(str(reason.policy))})"
    if reason.fix:
        text += f". Fix: {escape(reason.fix)}"
    return text


def _facts(facts: Sequence[MissingFact]) -> list[str]:
    lines: list[str] = []
    for fact in facts:
        models = _models_list(fact.models[:MODELS_SHOWN])
        more = len(fact.models) - MODELS_SHOWN
        if more > 0:
            models += f" and {more} more"
        licenses = ", ".join(escape(x) for x in fact.licenses)
        lines += [
            f"- {code(fact.key, table=False)}: {escape(fact_question(fact.key))}. "
            f"Needed by {licenses} for {models}.",
            "",
            "  ```toml",
            *(f"  {line}" for line in fact.snippet.splitlines()),
            "  ```",
        ]
    return ["### Policy facts to state (MDL016)", "", *lines] if lines else []


def _obligations(report: Report) -> list[str]:
    grouped = group_obligations(report.decisions)
    lines = [
        f"- **{escape(obl)}** {rule_name(obl)} ({escape(lic)}): {escape(text)}: "
        f"{_models_list(models)}"
        for (obl, lic, text), models in grouped.items()
    ]
    return ["### Obligations", "", *lines] if lines else []


def _models_list(models: Iterable[str]) -> str:
    return ", ".join(code(model, table=False) for model in models)


def _unresolved(report: Report) -> list[str]:
    groups = group_unresolved(report)
    rows = []
    for group in groups:
        refs = group.refs[:PLACES_SHOWN]
        more = len(group.refs) - len(refs)
        places = "<br>".join(code(where(r)) for r in refs)
        places += f"<br>and {more} more" if more else ""
        scopes = ", ".join(f"{scope.value} {count}" for scope, count in group.scopes.items())
        cells = [
            f"{_ICONS[group.verdict]} {group.verdict.value}",
            code(group.expression),
            escape(group.reason),
            str(len(group.refs)),
            scopes,
            places,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    rows += [
        f"| suppressed | {code(u.expression)} | {escape(u.suppressed or '')} | 1 | "
        f"{u.scope.value} | {code(where(u))} |"
        for u in ordered_unresolved(report.unresolved)
        if u.suppressed is not None
    ]
    if not rows:
        return []
    head = [
        "| Verdict | Expression | Reason | Places | Scopes | First places |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    return ["### Unresolved model references (MDL002)", "", *head, *rows]


def _errors(report: Report) -> list[str]:
    errors = ordered_errors(report.errors)
    lines = [
        f"- {code(error_where(e), table=False)}: "
        f"{'internal error: ' if e.internal else ''}{escape(e.message)}"
        for e in errors
    ]
    return ["### Files not scanned (MDL019)", "", *lines] if lines else []


def _stale(report: Report) -> list[str]:
    lines = [f"- {code(entry, table=False)}" for entry in sorted(report.stale_baseline)]
    title = "### Stale baseline entries (no current finding matches; remove them)"
    return [title, "", *lines] if lines else []


def _stale_exceptions(report: Report) -> list[str]:
    lines = [
        f"- {code(str(r.policy), table=False) if r.policy else ''}: {escape(r.message)}"
        for r in report.stale_exceptions
    ]
    return ["### Stale exceptions (MDL018)", "", *lines] if lines else []
