"""JSON report: every finding with its reasons, for machines. ``load`` reads it back.

The top level is ``{"findings", "unresolved", "errors", ...}``; findings are ordered by path,
cell, line, column and model. The document carries everything a Report holds, so other formats
can be rendered from it later (the GitHub Action scans once and renders the rest from here).
"""

from __future__ import annotations

import json
from dataclasses import fields
from enum import Enum
from typing import Any

from license_db.schema import (
    Commercial,
    LicenseTerms,
    LimitEffect,
    LimitScope,
    Match,
    OutputTraining,
    Period,
    Rule,
)
from scanner.report import jsontext
from scanner.report.common import (
    TOOL_NAME,
    ordered,
    ordered_errors,
    ordered_unresolved,
    rule_name,
    summarize,
    tool_version,
)
from scanner.types import (
    Confidence,
    Decision,
    ExceptionUse,
    FileError,
    ModelId,
    ModelRef,
    Obligation,
    PolicyLine,
    Privacy,
    Reason,
    RefKind,
    Report,
    ScanTotals,
    Scope,
    SourceKind,
    UnresolvedRef,
    Unscanned,
    Use,
    UseFinding,
    UseKind,
    Verdict,
    plain,
)

FORMAT_VERSION = 1


def render(report: Report) -> str:
    """The report as indented JSON text."""
    return jsontext.dumps(to_json(report)) + "\n"


def to_json(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    return {
        "tool": {"name": TOOL_NAME, "version": tool_version(), "format": FORMAT_VERSION},
        "db_version": report.db_version,
        "policy": report.policy_source,
        "summary": summarize(report).as_dict(),
        "findings": [_finding(d) for d in ordered(report.decisions)],
        "unresolved_verdict": report.unresolved_verdict.value,
        "unresolved": [
            _unresolved(u, report.unresolved_verdict) for u in ordered_unresolved(report.unresolved)
        ],
        "errors": [_error(e) for e in ordered_errors(report.errors)],
        "unscanned_verdict": report.unscanned_verdict.value,
        "totals": plain(report.totals),
        "stale_baseline": sorted(report.stale_baseline),
        "stale_exceptions": [_reason(r) for r in report.stale_exceptions],
        "licenses": [plain(terms) for terms in sorted(report.licenses, key=_by_id)],
        "uses": [plain(use) for use in report.uses],
        "use_findings": [_use_finding(f) for f in report.use_findings],
    }


def _use_finding(finding: UseFinding) -> dict[str, Any]:
    return {
        "use": plain(finding.use),
        "reason": _reason(finding.reason),
        "suppressed": finding.suppressed,
    }


def _by_id(terms: LicenseTerms) -> str:
    return terms.id


def _finding(decision: Decision) -> dict[str, Any]:
    ref, match = decision.ref, decision.match
    return {
        "model": decision.model,
        "path": ref.path,
        "line": ref.line,
        "column": ref.column,
        "cell": ref.cell,
        "kind": ref.kind.value,
        "source": ref.source.value,
        "raw": ref.raw,
        "extractor": ref.extractor,
        "confidence": ref.confidence.value,
        "provider": ref.provider,
        "via": ref.via,
        "scope": decision.scope.value,
        "uses": [plain(use) for use in ref.uses],
        "license": decision.license,
        "verdict": decision.verdict.value,
        "rule": match.rule.value if match else None,
        "resolution": plain(match) if match else None,
        "reasons": [_reason(r) for r in decision.reasons],
        "obligations": [plain(o) for o in decision.obligations],
        "suppressed": decision.suppressed,
        "exception": plain(decision.exception) if decision.exception else None,
    }


def _reason(reason: Reason) -> dict[str, Any]:
    policy = reason.policy
    return {
        "code": reason.code,
        "name": rule_name(reason.code),
        "verdict": reason.verdict.value,
        "message": reason.message,
        "term": reason.term,
        "term_source": reason.term_source,
        "policy": str(policy) if policy else None,
        "policy_line": plain(policy) if policy else None,
        "fix": reason.fix,
        "missing": reason.missing,
        "waived": reason.waived.value if reason.waived else None,
    }


def _unresolved(ref: UnresolvedRef, verdict: Verdict) -> dict[str, Any]:
    return {**plain(ref), "verdict": (ref.verdict or verdict).value}


def _error(error: FileError) -> dict[str, Any]:
    return {
        "path": error.path,
        "message": error.message,
        "line": error.line,
        "internal": error.internal,
        "unscanned": error.unscanned.value if error.unscanned else None,
    }


# -- reading a report back ------------------------------------------------------------------


def load(text: str) -> Report:
    """Read a JSON report written by ``render``; ValueError when it is not one."""
    try:
        data = json.loads(text)
        return _report(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a model-license-guard JSON report: {exc!r}") from exc


def _report(data: dict[str, Any]) -> Report:
    verdict = Verdict(data.get("unresolved_verdict", Verdict.WARN.value))
    return Report(
        decisions=tuple(_decision(item) for item in data["findings"]),
        unresolved=tuple(_unresolved_ref(item, verdict) for item in data["unresolved"]),
        errors=tuple(_file_error(item) for item in data["errors"]),
        db_version=data["db_version"],
        policy_source=data["policy"],
        unresolved_verdict=verdict,
        licenses=tuple(_terms(item) for item in data.get("licenses", ())),
        stale_baseline=tuple(data.get("stale_baseline", ())),
        totals=ScanTotals(**_known(ScanTotals, data.get("totals", {}))),
        unscanned_verdict=Verdict(data.get("unscanned_verdict", Verdict.FAIL.value)),
        stale_exceptions=tuple(_reason_of(r) for r in data.get("stale_exceptions", ())),
        uses=tuple(_use_of(item) for item in data.get("uses", ())),
        use_findings=tuple(_use_finding_of(item) for item in data.get("use_findings", ())),
    )


def _use_of(data: dict[str, Any]) -> Use:
    values = _known(Use, data)
    privacy = values.get("privacy")
    values["privacy"] = Privacy(**_known(Privacy, privacy)) if privacy else None
    return Use(**{**values, "kind": UseKind(values["kind"])})


def _use_finding_of(data: dict[str, Any]) -> UseFinding:
    return UseFinding(_use_of(data["use"]), _reason_of(data["reason"]), data.get("suppressed"))


def _file_error(item: dict[str, Any]) -> FileError:
    values = _known(FileError, item)
    unscanned = values.get("unscanned")
    return FileError(**{**values, "unscanned": Unscanned(unscanned) if unscanned else None})


def _decision(item: dict[str, Any]) -> Decision:
    ref = ModelRef(
        path=item["path"],
        line=item["line"],
        column=item["column"],
        kind=RefKind(item["kind"]),
        raw=item.get("raw", item["model"]),
        extractor=item["extractor"],
        source=SourceKind(item["source"]),
        cell=item.get("cell"),
        confidence=Confidence(item.get("confidence", Confidence.HIGH.value)),
        provider=item.get("provider"),
        via=item.get("via"),
        uses=tuple(_use_of(use) for use in item.get("uses", ())),
    )
    resolution = item.get("resolution")
    return Decision(
        ref=ref,
        model=ModelId(item["model"]),  # read back, not identified anew
        verdict=Verdict(item["verdict"]),
        license=item["license"],
        match=_match(resolution) if resolution else None,
        reasons=tuple(_reason_of(r) for r in item["reasons"]),
        obligations=tuple(Obligation(**_known(Obligation, o)) for o in item.get("obligations", ())),
        suppressed=item.get("suppressed"),
        scope=Scope(item.get("scope", Scope.RUNTIME.value)),
        exception=_exception(item.get("exception")),
    )


def _exception(data: dict[str, Any] | None) -> ExceptionUse | None:
    if not data:
        return None
    policy = data.get("policy")
    values = _known(ExceptionUse, data)
    values["policy"] = PolicyLine(**_known(PolicyLine, policy)) if policy else None
    return ExceptionUse(**values)


def _match(data: dict[str, Any]) -> Match:
    return Match(**{**_known(Match, data), "rule": Rule(data["rule"])})


def _reason_of(data: dict[str, Any]) -> Reason:
    policy = data.get("policy_line")
    return Reason(
        code=data["code"],
        verdict=Verdict(data["verdict"]),
        message=data["message"],
        term=data.get("term"),
        term_source=data.get("term_source"),
        policy=PolicyLine(**_known(PolicyLine, policy)) if policy else None,
        fix=data.get("fix"),
        missing=data.get("missing"),
        waived=Verdict(data["waived"]) if data.get("waived") else None,
    )


def _unresolved_ref(data: dict[str, Any], default: Verdict) -> UnresolvedRef:
    """An unresolved reference; its verdict None when it is the report's ``default``."""
    values = _known(UnresolvedRef, data)
    values["source"] = SourceKind(values["source"])
    values["scope"] = Scope(values.get("scope", Scope.RUNTIME.value))
    verdict = Verdict(values["verdict"]) if values.get("verdict") else None
    values["verdict"] = None if verdict is default else verdict
    return UnresolvedRef(**values)


def _known(cls: type[Any], data: dict[str, Any]) -> dict[str, Any]:
    """The items of ``data`` that are fields of ``cls`` (others ignored); lists as tuples."""
    names = {field.name for field in fields(cls)}
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names}


def _terms(data: dict[str, Any]) -> LicenseTerms:
    values = _known(LicenseTerms, data)
    values["commercial"] = Commercial(values["commercial"])
    for key, enum in _TERM_ENUMS.items():
        if values.get(key) is not None:
            values[key] = enum(values[key])
    return LicenseTerms(**values)


_TERM_ENUMS: dict[str, type[Enum]] = {
    "limit_effect": LimitEffect,
    "limits_apply_to": LimitScope,
    "revenue_limit_period": Period,
    "output_training_effect": OutputTraining,
}
"""LicenseTerms fields stored as enum values in JSON."""
