"""GitHub Actions workflow commands: one annotation per warning or failing finding.

``::error file=src/a.py,line=12,col=5,title=MDL003 commercial-use-not-permitted::message``.
Unresolved references are annotated at the policy's level for them, files not scanned as
warnings (internal errors as errors), stale baseline entries as notices, stale exceptions as
warnings at their policy line, training and distribution places the policy flags at the
place. A model that passes by an exception, a baseline entry or an inline
ignore gets one notice at its first place naming that decision (the JSON, SARIF and Markdown
reports list every suppressed finding); a finding outside the runtime scope says its scope.
GitHub shows only the first ten annotations of each level on a run; the Markdown job summary
lists them all. Repository values in a message go through ``escape.terminal``, so only the
tool's own line breaks split it; the message and properties are then escaped per the runner's
rules (see ``scanner.report.escape``).
"""

from __future__ import annotations

from scanner.decide.suppress import deciding_reasons
from scanner.report.common import (
    TOOL_NAME,
    exception_label,
    ordered,
    ordered_errors,
    ordered_unresolved,
    rule_name,
)
from scanner.report.escape import terminal, workflow_data, workflow_property
from scanner.types import (
    Decision,
    FileError,
    ModelRef,
    Reason,
    Report,
    Scope,
    UnresolvedRef,
    Use,
    Verdict,
)

_COMMANDS = {Verdict.FAIL: "error", Verdict.WARN: "warning", Verdict.PASS: "notice"}


def render(report: Report) -> str:
    """The report as ``::error``/``::warning`` workflow commands, one per line."""
    lines = [
        _decision(d)
        for d in ordered(report.decisions)
        if d.verdict is not Verdict.PASS and d.suppressed is None
    ]
    lines += _exceptions(report)
    lines += [
        _unresolved(u, u.verdict or report.unresolved_verdict)
        for u in ordered_unresolved(report.unresolved)
        if u.suppressed is None and (u.verdict or report.unresolved_verdict) is not Verdict.PASS
    ]
    lines += [_error(e) for e in ordered_errors(report.errors)]
    lines += [_stale_exception(reason) for reason in report.stale_exceptions]
    lines += [
        _use_finding(f.use, f.reason)
        for f in report.use_findings
        if f.suppressed is None and f.reason.verdict is not Verdict.PASS
    ]
    lines += [
        command("notice", f"stale baseline entry: {terminal(entry)}", title="stale baseline entry")
        for entry in sorted(report.stale_baseline)
    ]
    return "".join(line + "\n" for line in lines)


def _use_finding(use: Use, reason: Reason) -> str:
    """A training or distribution place the policy flags (MDL025/026, MDL028-031)."""
    title = f"{reason.code} {rule_name(reason.code)}"
    return command(_COMMANDS[reason.verdict], terminal(reason.message), file=use.path,
                   line=use.line, col=use.column, title=title)  # fmt: skip


def command(name: str, message: str, **properties: str | int | None) -> str:
    """One workflow command, properties and message escaped per GitHub's rules."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Escape a command's message: ``%``, CR and LF encoded, other controls shown as escapes."""
    return workflow_data(text)


def escape_property(text: str) -> str:
    """Escape a command property value: as ``escape_data`` plus ``:`` and ``,``."""
    return workflow_property(text)


def _decision(decision: Decision) -> str:
    reasons = deciding_reasons(decision)
    license_text = terminal(decision.license or "unknown license")
    scope = "" if decision.scope is Scope.RUNTIME else f" [scope {decision.scope.value}]"
    lines = [f"{terminal(decision.model)} ({license_text}): {decision.verdict.value}{scope}"]
    lines += [_reason(reason) for reason in reasons]
    title = f"{terminal(reasons[0].code)} {rule_name(reasons[0].code)}" if reasons else TOOL_NAME
    return _annotate(_COMMANDS[decision.verdict], decision.ref, lines, title)


def _exceptions(report: Report) -> list[str]:
    """A notice at the first place of each model that passes by an exception, and of each
    model whose findings a baseline entry or an inline ignore suppresses."""
    seen: set[tuple[str, str]] = set()
    lines = []
    for decision in ordered(report.decisions):
        why = _decided_by(decision)
        if why is None or (decision.model, why[0]) in seen:
            continue
        seen.add((decision.model, why[0]))
        lines.append(_annotate("notice", decision.ref, [why[1]], why[0]))
    return lines


def _decided_by(decision: Decision) -> tuple[str, str] | None:
    """(title, message) of the decision a passing finding rests on, or None."""
    model = terminal(decision.model)
    if decision.suppressed is not None:
        label = terminal(decision.suppressed)
        return f"suppressed: {label}", f"{model}: {decision.verdict.value}, suppressed ({label})"
    if decision.exception is not None:
        return (
            "policy exception",
            f"{model} passes by {terminal(exception_label(decision.exception))}",
        )
    return None


def _stale_exception(reason: Reason) -> str:
    policy = reason.policy
    title = f"{reason.code} {rule_name(reason.code)}"
    return command(
        "warning",
        terminal(reason.message),
        file=policy.file if policy else None,
        line=policy.line if policy else None,
        title=title,
    )


def _reason(reason: Reason) -> str:
    line = f"{terminal(reason.code)} {rule_name(reason.code)}: {terminal(reason.message)}"
    if reason.policy:
        line += f" [policy {terminal(str(reason.policy))}]"
    if reason.fix:
        line += f" Fix: {terminal(reason.fix)}"
    return line


def _unresolved(ref: UnresolvedRef, verdict: Verdict) -> str:
    lines = [f"model argument `{terminal(ref.expression)}`: {terminal(ref.reason)}"]
    return _annotate(_COMMANDS[verdict], ref, lines, "MDL002 unresolved-model-reference")


def _annotate(name: str, ref: ModelRef | UnresolvedRef, lines: list[str], title: str) -> str:
    if ref.cell is not None:  # a line inside a cell is not a line of the .ipynb file
        lines = [*lines, f"notebook cell {ref.cell}, line {ref.line}, column {ref.column}"]
        return command(name, "\n".join(lines), file=ref.path, title=title)
    return command(
        name, "\n".join(lines), file=ref.path, line=ref.line, col=ref.column, title=title
    )


def _error(error: FileError) -> str:
    name = "error" if error.internal else "warning"
    message = terminal(error.message)
    return command(name, message, file=error.path, line=error.line, title="MDL019 file-not-scanned")
