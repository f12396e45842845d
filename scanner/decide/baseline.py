"""Baselines: accept today's failing findings so that only new ones block.

An entry is ``(code, path, model)``: no line numbers and no timestamps, so moving code around
never invalidates it. The file is sorted JSON with a version key. A failing decision is accepted
when every code behind its verdict has an entry for its path and model; a new reason code, a new
file or a new model is not covered. Entries that match no current finding are reported as stale.

Entries also record the license the finding had when it was accepted (files written before that
have none and are read as before). When the database now gives the model another license, the
entry no longer accepts it and the decision says so (MDL035: "license changed from X to Y in
database D"): the acceptance was of the old terms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from scanner.decide.suppress import UNRESOLVED_CODE, deciding_codes
from scanner.decide.terms.reasons import worst
from scanner.types import Decision, Reason, Report, UnresolvedRef, Verdict

VERSION = 1
SUPPRESSED = "baseline"


@dataclass(frozen=True, slots=True, order=True)
class Entry:
    """One accepted finding: rule code, repo-relative path and model id (and, not part of the
    key, the license it had when accepted; None in older files)."""

    path: str
    model: str
    code: str
    license: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.code} {self.model}"


@dataclass(frozen=True, slots=True)
class Baseline:
    """The accepted findings, sorted and without duplicates."""

    entries: tuple[Entry, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Baseline:
        """A baseline of ``entries``, sorted and deduplicated."""
        return cls(tuple(sorted(set(entries))))


def entries_of(decision: Decision) -> tuple[Entry, ...]:
    """The entries that accept ``decision`` (one per code behind its verdict)."""
    codes = sorted(deciding_codes(decision))
    path, model, license_text = decision.ref.path, decision.model, decision.license or "unknown"
    return tuple(Entry(path, model, code, license_text) for code in codes)


def unresolved_entry(ref: UnresolvedRef) -> Entry:
    """The entry that accepts an unresolved reference: its expression stands for the model."""
    return Entry(ref.path, ref.expression, UNRESOLVED_CODE)


def from_report(report: Report) -> Baseline:
    """The baseline accepting every failing, not otherwise suppressed finding of ``report``."""
    failing = (d for d in report.decisions if d.verdict is Verdict.FAIL and d.suppressed is None)
    entries = [entry for decision in failing for entry in entries_of(decision)]
    if report.unresolved_verdict is Verdict.FAIL:
        entries += [unresolved_entry(r) for r in report.unresolved if r.suppressed is None]
    return Baseline.of(entries)


def dumps(baseline: Baseline) -> str:
    """``baseline`` as the file's JSON text (sorted, stable, newline-terminated)."""
    entries = [_entry_json(e) for e in baseline.entries]
    document = {"tool": "model-license-guard", "version": VERSION, "entries": entries}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _entry_json(entry: Entry) -> dict[str, str]:
    document = {"code": entry.code, "path": entry.path, "model": entry.model}
    return document if entry.license is None else {**document, "license": entry.license}


def write(report: Report) -> str:
    """The baseline file text accepting the failing findings of ``report``."""
    return dumps(from_report(report))


def load(text: str) -> Baseline:
    """Parse a baseline file; ValueError with a pointed message when it is malformed."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ValueError(f"not valid JSON: {where}: {exc.msg}") from exc
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object with 'version' and 'entries'")
    version = document.get("version")
    if version != VERSION:
        raise ValueError(f"unsupported baseline version {version!r} (expected {VERSION})")
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise ValueError("'entries' must be a list")
    return Baseline.of(_entry(index, item) for index, item in enumerate(entries))


def _entry(index: int, item: object) -> Entry:
    if not isinstance(item, dict):
        raise ValueError(f"entries[{index}]: expected an object with code, path and model")
    values: list[str] = []
    for key in ("path", "model", "code"):
        value = item.get(key)
        if not isinstance(value, str) or not value:
            raise ValueError(f"entries[{index}]: '{key}' must be a non-empty string")
        values.append(value)
    license_text = item.get("license")
    if license_text is not None and (not isinstance(license_text, str) or not license_text):
        raise ValueError(f"entries[{index}]: 'license' must be a non-empty string when given")
    path, model, code = values
    return Entry(path, model, code, license_text)


def apply(report: Report, baseline: Baseline) -> Report:
    """``report`` with accepted failing decisions marked ``suppressed="baseline"``.

    Entries that match no failing finding (fixed, moved to another file, renamed) are listed in
    ``Report.stale_baseline``.
    """
    accepted = frozenset(baseline.entries)
    recorded = _recorded_licenses(baseline.entries)
    used: set[Entry] = set()
    decisions: list[Decision] = []
    for decision in report.decisions:
        was = recorded.get((decision.ref.path, decision.model))
        if was is not None and _changed(was, decision.license):
            used.update(entry for entry in entries_of(decision) if entry in accepted)
            decisions.append(_license_changed(decision, was, report.db_version))
            continue
        entries = entries_of(decision) if decision.verdict is Verdict.FAIL else ()
        used.update(entry for entry in entries if entry in accepted)
        covered = bool(entries) and all(entry in accepted for entry in entries)
        if covered and decision.suppressed is None:
            decision = replace(decision, suppressed=SUPPRESSED)
        decisions.append(decision)
    unresolved = tuple(_accept_unresolved(report, ref, accepted, used) for ref in report.unresolved)
    stale = tuple(str(entry) for entry in baseline.entries if entry not in used)
    return replace(report, decisions=tuple(decisions), unresolved=unresolved, stale_baseline=stale)


def _recorded_licenses(entries: Iterable[Entry]) -> Mapping[tuple[str, str], str]:
    """(path, model) -> the license its entries recorded (entries without one say nothing)."""
    return {(e.path, e.model): e.license for e in entries if e.license is not None}


def _changed(was: str, now: str | None) -> bool:
    return " ".join(was.split()).lower() != " ".join((now or "unknown").split()).lower()


def _license_changed(decision: Decision, was: str, db_version: str) -> Decision:
    """``decision`` with MDL035: the baseline accepted it under another license."""
    now = decision.license or "unknown"
    reason = Reason(
        code="MDL035",
        verdict=Verdict.PASS if decision.verdict is Verdict.PASS else Verdict.WARN,
        message=(
            f"license changed from {was} to {now} in database {db_version}: the baseline "
            f"accepted this finding under {was}, so it no longer covers it"
        ),
        term=f"license = {now}",
        fix="review the model under its new license, then fix it or run baseline again",
    )
    reasons = (*decision.reasons, reason)
    return replace(decision, reasons=reasons, verdict=worst(r.verdict for r in reasons))


def _accept_unresolved(
    report: Report, ref: UnresolvedRef, accepted: frozenset[Entry], used: set[Entry]
) -> UnresolvedRef:
    entry = unresolved_entry(ref)
    if report.unresolved_verdict is not Verdict.FAIL or entry not in accepted:
        return ref
    used.add(entry)
    return ref if ref.suppressed is not None else replace(ref, suppressed=SUPPRESSED)
