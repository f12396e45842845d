"""SARIF output: schema-valid, one result per flagged reason, fingerprints stable across moves."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_report import empty_report, sample_report

from scanner.report import sarif
from scanner.rules import RULES
from scanner.types import Report

SCHEMA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)


def log(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(report))
    return data


@pytest.mark.skipif(not SCHEMA.is_file(), reason=f"SARIF schema not found at {SCHEMA}")
@pytest.mark.parametrize("build", [sample_report, empty_report])
def test_validates_against_the_sarif_schema(build: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    errors = sorted(validator.iter_errors(log(build())), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_driver_lists_every_rule_once() -> None:
    driver = log(empty_report())["runs"][0]["tool"]["driver"]
    assert [(r["id"], r["name"]) for r in driver["rules"]] == [
        (info.code, info.name) for info in RULES.values()
    ]
    assert driver["name"] == "model-license-guard"


def test_results_rules_levels_locations_and_suppressions() -> None:
    results = log(sample_report())["runs"][0]["results"]
    rows = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"].get("region"),
            [s["kind"] for s in r.get("suppressions", [])],
        )
        for r in results
    ]
    assert rows == [
        ("MDL001", "error", "configs/model.yaml", {"startLine": 2, "startColumn": 8}, ["external"]),
        (
            "MDL011",
            "error",
            "notebooks/eda.ipynb",
            {"startLine": 3, "startColumn": 7},
            ["inSource"],
        ),
        (
            "MDL013",
            "warning",
            "notebooks/eda.ipynb",
            {"startLine": 3, "startColumn": 7},
            ["inSource"],
        ),
        ("MDL023", "warning", "requirements.txt", {"startLine": 5, "startColumn": 1}, []),
        ("MDL016", "warning", "src/serve.py", {"startLine": 4, "startColumn": 12}, []),
        ("MDL003", "error", "src/train.py", {"startLine": 12, "startColumn": 5}, []),
        ("MDL002", "warning", "src/serve.py", {"startLine": 20, "startColumn": 30}, []),
        ("MDL019", "warning", "data/huge.json", None, []),
        ("MDL019", "warning", "src/broken.py", {"startLine": 7}, []),
    ]
    assert [r["ruleIndex"] for r in results[:3]] == [0, 10, 12]
    assert results[1]["locations"][0]["properties"] == {"cell": 2}
    assert results[1]["suppressions"][0]["justification"] == "inline: ignore[MDL011]"


def fingerprints(report: Report) -> list[str]:
    return [r["partialFingerprints"][sarif.FINGERPRINT] for r in log(report)["runs"][0]["results"]]


def test_fingerprints_survive_line_moves_but_not_model_changes() -> None:
    report = sample_report()
    moved = replace(
        report,
        decisions=tuple(
            replace(d, ref=replace(d.ref, line=d.ref.line + 40, column=d.ref.column + 2))
            for d in report.decisions
        ),
    )
    assert fingerprints(moved) == fingerprints(report)
    renamed = replace(
        report, decisions=tuple(replace(d, model=d.model + "-v2") for d in report.decisions)
    )
    changed = [a != b for a, b in zip(fingerprints(report), fingerprints(renamed), strict=True)]
    assert changed == [True] * 6 + [False] * 3  # the unresolved ref and errors name no model


def test_repeated_reference_gets_distinct_occurrence_numbers() -> None:
    report = sample_report()
    cohere = next(d for d in report.decisions if d.ref.raw.startswith("CohereForAI"))
    again = replace(cohere, ref=replace(cohere.ref, line=80))
    prints = fingerprints(replace(report, decisions=(*report.decisions, again)))
    cohere_prints = [p for p in prints if p.startswith(prints[5].split(":")[0])]
    assert [p.split(":")[1] for p in cohere_prints] == ["1", "2"]


def test_internal_error_marks_the_run_unsuccessful() -> None:
    report = sample_report()
    broken = replace(report, errors=(replace(report.errors[0], internal=True),))
    run = log(broken)["runs"][0]
    assert run["invocations"] == [{"executionSuccessful": False}]
    assert run["results"][-1]["level"] == "error"
    assert log(report)["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_reasons_sharing_a_code_share_one_result() -> None:
    report = sample_report()
    llama = next(d for d in report.decisions if d.model == "meta-llama/Llama-3.1-8B")
    second = replace(llama.reasons[0], message="the revenue limit is not verified", policy=None)
    doubled = replace(llama, reasons=(*llama.reasons, second))
    results = log(replace(report, decisions=(doubled,), unresolved=(), errors=()))["runs"][0]
    assert [(r["ruleId"], r["level"], r["message"]["text"]) for r in results["results"]] == [
        (
            "MDL016",
            "warning",
            "meta-llama/Llama-3.1-8B (llama3.1): the monthly active user limit is not verified. "
            "License term: mau_limit = 700000000. Policy: .model-license-guard.toml:5 "
            "(usage.monthly_active_users). the revenue limit is not verified. "
            "License term: mau_limit = 700000000.",
        )
    ]
