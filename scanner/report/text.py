"""Human-readable report: one line per finding grouped by file, reasons indented beneath.

``path:line:col  model  license  verdict``; under each warning or failure its reasons (code,
name, message), the license term and policy line that decided, and the fix. Then obligations,
unresolved references, files not scanned, stale baseline entries and a closing summary line.
Colour only when asked (the CLI passes ``isatty``). Every repository-derived value goes through
``escape.terminal`` and the whole text through ``escape.inert_lines`` (see that module).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from scanner.report.common import (
    error_where,
    group_obligations,
    ordered,
    ordered_errors,
    ordered_unresolved,
    rule_name,
    summarize,
    summary_line,
    totals_line,
    where,
)
from scanner.report.escape import inert_lines, terminal
from scanner.types import Decision, Reason, Report, Verdict

_COLORS = {Verdict.FAIL: "\033[1;31m", Verdict.WARN: "\033[33m", Verdict.PASS: "\033[32m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


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


def render(report: Report, *, color: bool = False) -> str:
    """The report as text for a terminal; ANSI colours only when ``color``."""
    style = _Style(color)
    source, db_version = terminal(report.policy_source), terminal(report.db_version)
    lines = [style.dim(f"policy: {source}  database: {db_version}")]
    for _, group in groupby(ordered(report.decisions), key=lambda d: d.ref.path):
        lines.append("")
        lines.extend(_file_block(list(group), style))
    for section in (_obligations(report), _unresolved(report), _errors(report), _stale(report)):
        if section:
            lines += ["", *section]
    summary = summarize(report)
    lines += ["", style.dim(totals_line(report.totals, report.unscanned_verdict))]
    lines += [style.verdict(summary.worst, summary_line(summary))]
    return inert_lines("\n".join(lines) + "\n")


def _file_block(decisions: list[Decision], style: _Style) -> Iterator[str]:
    rows = [
        tuple(terminal(v) for v in (where(d.ref), d.model, d.license or "unknown"))
        for d in decisions
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for decision, row in zip(decisions, rows, strict=True):
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        yield f"{cells}  {_verdict(decision, style)}"
        if decision.verdict is not Verdict.PASS and decision.suppressed is None:
            yield from _details(decision)


def _verdict(decision: Decision, style: _Style) -> str:
    if decision.suppressed is not None:
        return style.dim(f"{decision.verdict.value} (suppressed: {terminal(decision.suppressed)})")
    return style.verdict(decision.verdict, decision.verdict.value)


def _details(decision: Decision) -> Iterator[str]:
    for reason in decision.reasons:
        if reason.verdict is not Verdict.PASS:
            yield from _reason(reason)
    match = decision.match
    if match is not None and (match.inferred or match.rule.value not in ("exact", "alias")):
        yield f"    resolved by {match.rule.value}: {terminal(match.detail)}"
    if decision.ref.via:
        yield f"    via {terminal(decision.ref.via)}"


def _reason(reason: Reason) -> Iterator[str]:
    yield f"    {terminal(reason.code)} {rule_name(reason.code)}: {terminal(reason.message)}"
    if reason.term:
        source = f"  ({terminal(reason.term_source)})" if reason.term_source else ""
        yield f"        term: {terminal(reason.term)}{source}"
    if reason.policy:
        yield f"        policy: {terminal(str(reason.policy))} ({terminal(reason.policy.key)})"
    if reason.fix:
        yield f"        fix: {terminal(reason.fix)}"


def _obligations(report: Report) -> list[str]:
    grouped = group_obligations(report.decisions)
    lines = [
        f"  {terminal(code)} {rule_name(code)} [{terminal(lic)}]: {terminal(text)} "
        f"({', '.join(terminal(model) for model in models)})"
        for (code, lic, text), models in grouped.items()
    ]
    return ["obligations:", *lines] if lines else []


def _unresolved(report: Report) -> list[str]:
    refs = ordered_unresolved(report.unresolved)
    head = f"unresolved references ({report.unresolved_verdict.value}):"
    return (
        [
            head,
            *(
                f"  {terminal(where(u))}  {terminal(u.expression)}  {terminal(u.reason)}"
                f"{_suppressed(u.suppressed)}"
                for u in refs
            ),
        ]
        if refs
        else []
    )


def _suppressed(label: str | None) -> str:
    return "" if label is None else f"  (suppressed: {terminal(label)})"


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
