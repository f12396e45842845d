"""Helpers every report format shares: ordering, counts, locations and the tool's identity."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scanner.report.escape import inert_lines, terminal
from scanner.rules import describe
from scanner.types import (
    Decision,
    ExceptionUse,
    FileError,
    ModelRef,
    Obligation,
    Report,
    ScanTotals,
    UnresolvedRef,
    Verdict,
)

TOOL_NAME = "model-license-guard"
INFORMATION_URI = "https://pypi.org/project/model-license-guard/"


def tool_version() -> str:
    """The installed package's version, or ``0+unknown`` when running from a bare checkout."""
    from importlib.metadata import PackageNotFoundError, version  # ~20 ms: only when asked

    try:
        return version(TOOL_NAME)
    except PackageNotFoundError:
        return "0+unknown"


def decision_order(decision: Decision) -> tuple[str, int, int, int, str]:
    """Sort key: path, cell, line, column, model."""
    ref = decision.ref
    return (ref.path, ref.cell or 0, ref.line, ref.column, decision.model)


def ordered(decisions: Iterable[Decision]) -> list[Decision]:
    """``decisions`` in report order (path, cell, line, column, model)."""
    return sorted(decisions, key=decision_order)


def ordered_unresolved(refs: Iterable[UnresolvedRef]) -> list[UnresolvedRef]:
    """Unresolved references in report order."""
    return sorted(refs, key=lambda u: (u.path, u.cell or 0, u.line, u.column, u.expression))


def ordered_errors(errors: Iterable[FileError]) -> list[FileError]:
    """File errors in report order."""
    return sorted(errors, key=lambda e: (e.path, e.line or 0, e.message))


def where(ref: ModelRef | UnresolvedRef) -> str:
    """``path:line:column``, with the notebook cell when there is one."""
    cell = f"cell {ref.cell}:" if ref.cell is not None else ""
    return f"{ref.path}:{cell}{ref.line}:{ref.column}"


_VIA = re.compile(r"(?P<what>.*) at (?P<path>.+?)(?::cell (?P<cell>\d+))?:(?P<line>\d+)")


@dataclass(frozen=True, slots=True)
class ViaPlace:
    """Where a reference's value was read or came from (``ModelRef.via``), as a place."""

    what: str  # ``load(model_id)``, ``MODEL``
    path: str
    line: int
    cell: int | None = None


def via_place(via: str | None) -> ViaPlace | None:
    """The place ``via`` names (``load(model_id) at src/lib.py:12``), or None."""
    match = _VIA.fullmatch(via or "")
    if match is None:
        return None
    cell = match.group("cell")
    return ViaPlace(match.group("what"), match.group("path"), int(match.group("line")),
                    int(cell) if cell else None)  # fmt: skip


FAIL_ON: dict[str, Verdict | None] = {"fail": Verdict.FAIL, "warn": Verdict.WARN, "never": None}
"""The ``--fail-on`` / ``fail-on`` choices: the verdict from which a run fails (never: none)."""


def reaches(report: Report, fail_on: Verdict | None) -> bool:
    """True when the report's worst verdict is at least ``fail_on`` (the CLI and the Action)."""
    return fail_on is not None and report.worst.rank >= fail_on.rank


def error_where(error: FileError) -> str:
    """``path:line`` of a file error, or just the path."""
    return f"{error.path}:{error.line}" if error.line else error.path


def flagged(decision: Decision) -> bool:
    """True for a warning or failing decision (suppressed or not)."""
    return decision.verdict is not Verdict.PASS


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts of one report. Verdict counts exclude suppressed decisions."""

    findings: int
    fail: int
    warn: int
    passed: int
    suppressed: int
    unresolved: int
    errors: int
    stale_baseline: int
    worst: Verdict
    use_findings: int = 0  # training/distribution places with a warning or failure

    def as_dict(self) -> dict[str, object]:
        """The counts as a JSON object."""
        return {
            "findings": self.findings,
            "fail": self.fail,
            "warn": self.warn,
            "pass": self.passed,
            "suppressed": self.suppressed,
            "unresolved": self.unresolved,
            "errors": self.errors,
            "stale_baseline": self.stale_baseline,
            "worst": self.worst.value,
            "use_findings": self.use_findings,
        }


def summarize(report: Report) -> Summary:
    """Count the report's findings by verdict."""
    active = [d for d in report.decisions if d.suppressed is None]
    return Summary(
        findings=len(report.decisions),
        fail=sum(d.verdict is Verdict.FAIL for d in active),
        warn=sum(d.verdict is Verdict.WARN for d in active),
        passed=sum(d.verdict is Verdict.PASS for d in active),
        suppressed=len(report.decisions) - len(active),
        unresolved=sum(ref.suppressed is None for ref in report.unresolved),
        errors=len(report.errors),
        stale_baseline=len(report.stale_baseline),
        worst=report.worst,
        use_findings=sum(
            f.suppressed is None and f.reason.verdict is not Verdict.PASS
            for f in report.use_findings
        ),
    )


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 file`` / ``2 files``."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def summary_line(summary: Summary) -> str:
    """One line of counts, e.g. ``3 findings: 1 fail, 1 warn, 1 pass; 2 unresolved``."""
    parts = []
    if summary.findings:
        counts = f"{summary.fail} fail, {summary.warn} warn, {summary.passed} pass"
        parts.append(counts + (f", {summary.suppressed} suppressed" if summary.suppressed else ""))
    if summary.use_findings:
        parts.append(plural(summary.use_findings, "training/distribution finding"))
    if summary.unresolved:
        parts.append(plural(summary.unresolved, "unresolved reference"))
    if summary.errors:
        parts.append(plural(summary.errors, "file", "files") + " not scanned")
    if summary.stale_baseline:
        stale = plural(summary.stale_baseline, "stale baseline entry", "stale baseline entries")
        parts.append(stale)
    head = plural(summary.findings, "finding") if summary.findings else "no model references found"
    return "; ".join([head + (": " + parts.pop(0) if summary.findings else ""), *parts])


def totals_line(totals: ScanTotals, verdict: Verdict) -> str:
    """``files: 12 seen, 10 scanned, 1 skipped, 1 unreadable (fail)``: the files of a kind the
    scanner reads, and the verdict the unscanned ones got."""
    line = (
        f"files: {totals.seen} seen, {totals.scanned} scanned, "
        f"{totals.skipped} skipped, {totals.unreadable} unreadable"
    )
    return line + (f" ({verdict.value})" if totals.skipped or totals.unreadable else "")


def rule_name(code: str) -> str:
    """The kebab-case name of a rule or obligation code (``unknown-rule`` for a foreign code)."""
    try:
        return describe(code).name
    except KeyError:
        return "unknown-rule"


def group_obligations(decisions: Iterable[Decision]) -> dict[tuple[str, str, str], list[str]]:
    """(code, license, text) of each obligation of unsuppressed decisions -> its models, sorted."""
    grouped: dict[tuple[str, str, str], set[str]] = {}
    for decision in decisions:
        if decision.suppressed is None:
            for item in decision.obligations:
                grouped.setdefault(_obligation_key(item), set()).add(decision.model)
    return {key: sorted(grouped[key]) for key in sorted(grouped)}


def _obligation_key(item: Obligation) -> tuple[str, str, str]:
    return (item.code, item.license, item.text)


def exception_label(use: ExceptionUse) -> str:
    """``exception exceptions[0] for x/* (reason, approved by a, no expiry date)``: which
    exception a finding passes by, as every format names it."""
    expires = f"expires {use.expires}" if use.expires else "no expiry date"
    where_ = f", {use.policy}" if use.policy is not None and use.policy.line else ""
    return (
        f"exception {use.key} for {use.model} ({use.reason}, approved by {use.approved_by}, "
        f"{expires}{where_})"
    )


def diagnostics(errors: Iterable[FileError]) -> str:
    """One ``path:line: MDL019 message`` line per file error (for stderr), repository text
    made inert."""
    code = describe("MDL019").code
    lines = (f"{terminal(error_where(e))}: {code} {terminal(e.message)}" for e in errors)
    return "".join(inert_lines(line) + "\n" for line in lines)
