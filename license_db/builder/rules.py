"""Curated rules: family, Ollama, package, derivative and modality rules -> rules.json."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from license_db.builder.report import BuildReport
from license_db.expression import LicenseExpressionError, ids, parse


def rule_regex(rule: Mapping[str, Any]) -> str:
    """The rule's whole-string regex (globs translated)."""
    if "regex" in rule:
        return str(rule["regex"])
    return glob_regex(str(rule["pattern"]).lower())


def glob_regex(pattern: str) -> str:
    """A glob (``*`` any run, ``?`` one character) as a plain regex every Python reads alike.

    ``fnmatch.translate`` emits atomic groups on Python 3.11+, which 3.10 cannot compile, and its
    output changes between versions; the bundled data must be the same for every interpreter.
    """
    parts = {"*": ".*", "?": "."}
    return "".join(parts.get(char) or re.escape(char) for char in pattern)


def check_rules(
    curated: Mapping[str, Any], license_ids: set[str], corpus: str, report: BuildReport
) -> None:
    """Every rule: unique id, a regex that compiles, known licenses, a source from the facts."""
    seen: dict[str, int] = {}
    family = curated["family"]
    for index, rule in enumerate([*family, *curated["ollama"], *curated["package"]]):
        rid = rule["id"]
        if rid in seen:
            report.errors.append(f"rule {rid}: duplicate id")
        seen[rid] = index
        if "name" not in rule:
            try:
                re.compile(rule_regex(rule))
            except re.error as exc:
                report.errors.append(f"rule {rid}: bad pattern: {exc}")
        check_expression(f"rule {rid}", rule["license"], license_ids, report)
        if rule["source"] not in corpus:
            report.errors.append(f"rule {rid}: source {rule['source']!r} is not in the facts")
    for index, rule in enumerate(family):
        parent = rule.get("exception_of")
        if parent is not None and not (seen.get(parent, -1) > index):
            report.errors.append(f"rule {rule['id']}: exception_of {parent!r} must follow it")
    if curated["derivatives"]["source"] not in corpus:
        report.errors.append("derivatives: source is not in the facts")
    check_modality(curated.get("modality", ()), corpus, report)


def check_modality(rules: Iterable[Mapping[str, Any]], corpus: str, report: BuildReport) -> None:
    """Every modality rule: unique id, a regex that compiles, a boolean, a source and a note."""
    seen: set[str] = set()
    for rule in rules:
        rid = rule["id"]
        if rid in seen:
            report.errors.append(f"modality {rid}: duplicate id")
        seen.add(rid)
        try:
            re.compile(rule["regex"])
        except re.error as exc:
            report.errors.append(f"modality {rid}: bad regex: {exc}")
        if not isinstance(rule.get("multimodal"), bool):
            report.errors.append(f"modality {rid}: multimodal must be true or false")
        if rule["source"] not in corpus or not rule.get("note"):
            report.errors.append(f"modality {rid}: needs a note and a source from the facts")


def rule_conflicts(
    models: list[dict[str, Any]], family: list[Mapping[str, Any]]
) -> list[tuple[str, str, str, str]]:
    """(model, rule id, rule license, fact license) for every matching rule that disagrees.

    Every matching rule is a candidate at lookup time (the strictest wins), so each one must
    agree with the verified records it covers, not just the first.
    """
    compiled = [(r, re.compile(rule_regex(r))) for r in family]
    found = []
    for rec in models:
        lowered = rec["model_id"].lower()
        for rule, rx in compiled:
            if rx.fullmatch(lowered) and rule["license"] != rec["license"]:
                found.append((rec["model_id"], rule["id"], rule["license"], rec["license"]))
    return found


def compiled_rules(curated: Mapping[str, Any]) -> dict[str, Any]:
    """rules.json: family and Ollama rules with their regex, packages, derivative markers."""

    def rule(r: Mapping[str, Any]) -> dict[str, Any]:
        """The rule's kept keys plus its whole-string ``match`` regex."""
        keep = ("id", "license", "source", "note", "exception_of", "pattern", "regex")
        out = {k: r[k] for k in keep if k in r}
        out["match"] = rule_regex(r)
        return out

    derivatives = curated["derivatives"]
    return {
        "family": [rule(r) for r in curated["family"]],
        "ollama": [rule(r) for r in curated["ollama"]],
        "package": [dict(r) for r in curated["package"]],
        "derivatives": {
            "repackagers": sorted(s.lower() for s in derivatives["repackagers"]),
            "suffixes": sorted(
                {s.lower() for s in derivatives["suffixes"]}, key=lambda s: (-len(s), s)
            ),
            "source": derivatives["source"],
            "note": derivatives["note"],
        },
        "api_prefixes": dict(sorted(curated["api"]["prefixes"].items())),
        "modality": [
            {k: r[k] for k in ("id", "regex", "multimodal", "source", "note")}
            for r in curated.get("modality", ())
        ],
    }


def check_expression(where: str, text: str, license_ids: set[str], report: BuildReport) -> None:
    """An error for a license expression that does not parse or names an unknown license."""
    try:
        keys = ids(parse(text))
    except LicenseExpressionError as exc:
        report.errors.append(f"{where}: {exc}")
        return
    report.errors.extend(f"{where}: unknown license {k!r}" for k in keys if k not in license_ids)
