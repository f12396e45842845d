"""SARIF 2.1.0 report for code scanning (GitHub upload-sarif and other SARIF viewers).

One rule per rule code. Results: one per rule code among a decision's warning and failing
reasons (reasons sharing a code share a result), one per unresolved reference (MDL002) and one
per file not scanned (MDL019), one per warning or failure at a training or distribution place
(MDL025/026, MDL028-031). Suppressed findings stay in the log with a ``suppressions`` entry
(inline comment: ``inSource``; baseline: ``external``). The partial fingerprint hashes code, path
and model (plus an occurrence number), never the line, so an alert survives code moving around.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from scanner.decide.baseline import SUPPRESSED as BASELINE_SUPPRESSED
from scanner.report import jsontext
from scanner.report.common import (
    INFORMATION_URI,
    TOOL_NAME,
    exception_label,
    ordered,
    ordered_errors,
    ordered_unresolved,
    tool_version,
    via_place,
)
from scanner.report.usage import privacy_text, use_text
from scanner.rules import RULES, RuleInfo
from scanner.types import (
    Decision,
    FileError,
    ModelRef,
    Reason,
    Report,
    UnresolvedRef,
    Use,
    UseFinding,
    Verdict,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "modelLicenseGuard/v1"
_LEVELS = {Verdict.FAIL: "error", Verdict.WARN: "warning", Verdict.PASS: "note"}
_INDEX = {code: index for index, code in enumerate(RULES)}


def render(report: Report) -> str:
    """The report as a SARIF 2.1.0 log (JSON text)."""
    return jsontext.dumps(to_sarif(report)) + "\n"


def to_sarif(report: Report) -> dict[str, Any]:
    """The report as a SARIF log object."""
    results = [
        *(r for d in ordered(report.decisions) for r in _decision_results(d)),
        *(_unresolved(u, report.unresolved_verdict) for u in ordered_unresolved(report.unresolved)),
        *(_error(e, report.unscanned_verdict) for e in ordered_errors(report.errors)),
        *(_stale_exception(r) for r in report.stale_exceptions),
        *(_use_result(f) for f in report.use_findings if f.reason.verdict is not Verdict.PASS),
    ]
    _number_occurrences(results)
    run = {
        "tool": {"driver": _driver()},
        "invocations": [{"executionSuccessful": not any(e.internal for e in report.errors)}],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "dbVersion": report.db_version,
            "policy": report.policy_source,
            "staleBaseline": sorted(report.stale_baseline),
            "totals": asdict(report.totals),
            "uses": [use_text(use) for use in report.uses],
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _driver() -> dict[str, Any]:
    return {
        "name": TOOL_NAME,
        "version": tool_version(),
        "informationUri": INFORMATION_URI,
        "rules": [_rule(info) for info in RULES.values()],
    }


def _rule(info: RuleInfo) -> dict[str, Any]:
    text = info.summary[:1].upper() + info.summary[1:] + "."
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": text},
        "fullDescription": {"text": f"{info.code} {info.name}: {info.summary}."},
        "help": {"text": f"{info.code} {info.name}: {info.summary}."},
    }


def _decision_results(decision: Decision) -> list[dict[str, Any]]:
    """One result per rule code among the decision's warning and failing reasons, and among
    the reasons an exception waived (those carry an accepted ``external`` suppression)."""
    by_code: dict[str, list[Reason]] = {}
    for reason in decision.reasons:
        if reason.verdict is not Verdict.PASS or reason.waived is not None:
            by_code.setdefault(reason.code, []).append(reason)
    return [_decision_result(decision, reasons) for reasons in by_code.values()]


def _level(reason: Reason) -> Verdict:
    return reason.waived if reason.waived is not None else reason.verdict


def _decision_result(decision: Decision, reasons: list[Reason]) -> dict[str, Any]:
    ref, code = decision.ref, reasons[0].code
    level = max((_level(r) for r in reasons), key=lambda v: v.rank)
    head = f"{decision.model} ({decision.license or 'unknown license'}):"
    message = " ".join([head, *(_message(reason) for reason in reasons)])
    result = _result(code, level, message, _location(ref))
    related = _related(ref.via)
    if related is not None:
        result["relatedLocations"] = [related]
    result["partialFingerprints"] = {FINGERPRINT: _digest(code, ref.path, decision.model)}
    result["properties"] = {
        "model": decision.model,
        "license": decision.license,
        "verdict": decision.verdict.value,
        "resolution": decision.match.rule.value if decision.match else None,
        "policy": sorted({str(r.policy) for r in reasons if r.policy}),
        "scope": decision.scope.value,
        "uses": [use_text(use) for use in ref.uses],
    }
    if decision.exception is not None:
        result["properties"]["exception"] = exception_label(decision.exception)
    if decision.suppressed is not None:
        result["suppressions"] = [_suppression(decision.suppressed)]
    elif all(r.waived is not None for r in reasons) and decision.exception is not None:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": exception_label(decision.exception),
            }
        ]
    return result


def _message(reason: Reason) -> str:
    parts = [reason.message.rstrip(".") + "."]
    if reason.term:
        parts.append(f"License term: {reason.term}.")
    if reason.policy:
        parts.append(f"Policy: {reason.policy} ({reason.policy.key}).")
    if reason.fix:
        parts.append(f"Fix: {reason.fix.rstrip('.')}.")
    return " ".join(parts)


def _suppression(label: str) -> dict[str, str]:
    kind = "external" if label == BASELINE_SUPPRESSED else "inSource"
    return {"kind": kind, "status": "accepted", "justification": label}


def _unresolved(ref: UnresolvedRef, verdict: Verdict) -> dict[str, Any]:
    message = f"Model argument `{ref.expression}`: {ref.reason}."
    result = _result("MDL002", ref.verdict or verdict, message, _location(ref))
    result["partialFingerprints"] = {FINGERPRINT: _digest("MDL002", ref.path, ref.expression)}
    result["properties"] = {"scope": ref.scope.value}
    if ref.suppressed is not None:
        result["suppressions"] = [_suppression(ref.suppressed)]
    return result


def _use_result(finding: UseFinding) -> dict[str, Any]:
    """A result at a training or distribution place (MDL025/026, MDL028-031)."""
    use, reason = finding.use, finding.reason
    result = _result(reason.code, reason.verdict, _message(reason), _location(use))
    subject = f"{use.kind.value}|{use.call}|{','.join(use.models)}"
    result["partialFingerprints"] = {FINGERPRINT: _digest(reason.code, use.path, subject)}
    result["properties"] = {"use": use.kind.value, "models": list(use.models),
                            "privacy": privacy_text(use.privacy) or None}  # fmt: skip
    if finding.suppressed is not None:
        result["suppressions"] = [_suppression(finding.suppressed)]
    return result


def _error(error: FileError, unscanned: Verdict) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": uri(error.path)}}
    if error.line:
        location["region"] = {"startLine": error.line}
    level = Verdict.FAIL if error.internal else Verdict.WARN
    if error.unscanned is not None and not error.internal:
        level = unscanned
    result = _result("MDL019", level, error.message, {"physicalLocation": location})
    result["partialFingerprints"] = {FINGERPRINT: _digest("MDL019", error.path, error.message)}
    return result


def _stale_exception(reason: Reason) -> dict[str, Any]:
    """MDL018 at the exception's line of the policy file."""
    policy = reason.policy
    path = policy.file if policy is not None else "policy"
    location: dict[str, Any] = {"artifactLocation": {"uri": path}}
    if policy is not None and policy.line:
        location["region"] = {"startLine": policy.line}
    result = _result(reason.code, reason.verdict, _message(reason), {"physicalLocation": location})
    key = policy.key if policy is not None else reason.message
    result["partialFingerprints"] = {FINGERPRINT: _digest(reason.code, path, key)}
    return result


def _result(code: str, verdict: Verdict, message: str, location: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": code}
    if code in _INDEX:
        result["ruleIndex"] = _INDEX[code]
    result["level"] = _LEVELS[verdict]
    result["message"] = {"text": message}
    result["locations"] = [location]
    return result


def _location(ref: ModelRef | UnresolvedRef | Use) -> dict[str, Any]:
    region = {"startLine": ref.line, "startColumn": ref.column}
    physical = {"artifactLocation": {"uri": uri(ref.path)}, "region": region}
    location: dict[str, Any] = {"physicalLocation": physical}
    if ref.cell is not None:
        location["properties"] = {"cell": ref.cell}
    return location


def uri(path: str) -> str:
    """A repo-relative path as a relative URI reference: every byte outside the unreserved
    characters and ``/`` percent-encoded (spaces, ``%``, ``#``, ``?``, ``:``, controls)."""
    return quote(path, safe="/", errors="backslashreplace")


def _related(via: str | None) -> dict[str, Any] | None:
    """The ``via`` place (the loader a caller's value reaches, or a constant's definition)."""
    place = via_place(via)
    if place is None:
        return None
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(place.path)}}
    if place.cell is None:
        physical["region"] = {"startLine": place.line}
    related: dict[str, Any] = {"id": 0, "physicalLocation": physical}
    related["message"] = {"text": f"via {place.what}"}
    if place.cell is not None:
        related["properties"] = {"cell": place.cell, "line": place.line}
    return related


def _digest(code: str, path: str, subject: str) -> str:
    return hashlib.sha256(f"{code}|{path}|{subject}".encode()).hexdigest()


def _number_occurrences(results: list[dict[str, Any]]) -> None:
    """Append ``:n`` to each fingerprint: the n-th result with that key, in report order."""
    seen: Counter[str] = Counter()
    for result in results:
        digest = result["partialFingerprints"][FINGERPRINT]
        seen[digest] += 1
        result["partialFingerprints"][FINGERPRINT] = f"{digest}:{seen[digest]}"
