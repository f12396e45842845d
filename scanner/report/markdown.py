"""Markdown report: the pull-request / job summary.

A headline with the counts, a table of every failing and warning finding (GitHub shows only
the first ten annotations of each level, so this table is the complete list), obligations,
unresolved references, files not scanned, stale baseline entries and the policy used.
"""

from __future__ import annotations

from collections.abc import Iterable

from scanner.decide.suppress import deciding_reasons
from scanner.report.common import (
    TOOL_NAME,
    Summary,
    error_where,
    group_obligations,
    ordered,
    ordered_errors,
    ordered_unresolved,
    plural,
    rule_name,
    summarize,
    summary_line,
    totals_line,
    where,
)
from scanner.report.escape import markdown_code, markdown_text
from scanner.types import Decision, Reason, Report, Verdict

_ICONS = {Verdict.FAIL: ":x:", Verdict.WARN: ":warning:", Verdict.PASS: ":white_check_mark:"}


def render(report: Report) -> str:
    """The report as GitHub-flavoured Markdown."""
    summary = summarize(report)
    sections = [
        [_headline(summary), "", summary_line(summary)],
        _findings(report, suppressed=False),
        _findings(report, suppressed=True),
        _obligations(report),
        _unresolved(report),
        _errors(report),
        _stale(report),
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


def _headline(summary: Summary) -> str:
    if summary.worst is Verdict.FAIL:
        status = f"{plural(summary.fail, 'failing finding')}"
    elif summary.worst is Verdict.WARN:
        status = f"{plural(summary.warn, 'warning')}, nothing fails"
    else:
        status = "no license problems"
    return f"## {_ICONS[summary.worst]} {TOOL_NAME}: {status}"


def _findings(report: Report, *, suppressed: bool) -> list[str]:
    flagged = (d for d in ordered(report.decisions) if d.verdict is not Verdict.PASS)
    rows = [d for d in flagged if (d.suppressed is not None) == suppressed]
    if not rows:
        return []
    rows.sort(key=lambda d: -d.verdict.rank)  # failures first, report order within a level
    title = "### Suppressed findings" if suppressed else "### Findings"
    head = ["| Verdict | Location | Model | License | Reasons |", "| --- | --- | --- | --- | --- |"]
    return [title, "", *head, *(_row(d) for d in rows)]


def _row(decision: Decision) -> str:
    verdict = f"{_ICONS[decision.verdict]} {decision.verdict.value}"
    if decision.suppressed is not None:
        verdict += f" (suppressed: {escape(decision.suppressed)})"
    cells = [
        verdict,
        code(where(decision.ref)),
        code(decision.model),
        escape(decision.license or "unknown"),
        "<br>".join(_reason(r) for r in deciding_reasons(decision)) or "",
    ]
    return "| " + " | ".join(cells) + " |"


def _reason(reason: Reason) -> str:
    text = f"**{escape(reason.code)}** {rule_name(reason.code)}: {escape(reason.message)}"
    if reason.policy:
        text += f" (policy {code(str(reason.policy))})"
    if reason.fix:
        text += f". Fix: {escape(reason.fix)}"
    return text


def _obligations(report: Report) -> list[str]:
    grouped = group_obligations(report.decisions)
    lines = [
        f"- **{escape(obl)}** {rule_name(obl)} ({escape(lic)}): {escape(text)}: {_models(models)}"
        for (obl, lic, text), models in grouped.items()
    ]
    return ["### Obligations", "", *lines] if lines else []


def _models(models: Iterable[str]) -> str:
    return ", ".join(code(model, table=False) for model in models)


def _unresolved(report: Report) -> list[str]:
    refs = ordered_unresolved(report.unresolved)
    lines = [
        f"- {code(where(u), table=False)} {code(u.expression, table=False)}: {escape(u.reason)}"
        + (f" (suppressed: {escape(u.suppressed)})" if u.suppressed else "")
        for u in refs
    ]
    title = f"### Unresolved model references ({report.unresolved_verdict.value})"
    return [title, "", *lines] if lines else []


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
