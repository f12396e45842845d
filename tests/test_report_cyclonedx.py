"""CycloneDX 1.6 ML-BOM: validated by cyclonedx-python-lib, one component per distinct model."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from test_report import empty_report, sample_report

from scanner.report import cyclonedx
from scanner.types import Report


def bom(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cyclonedx.render(report))
    return data


@pytest.mark.parametrize("build", [sample_report, empty_report])
def test_validates_with_the_cyclonedx_strict_validator(build: Any) -> None:
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(cyclonedx.render(build()))
    assert errors is None


def test_components_purls_and_licenses() -> None:
    components = bom(sample_report())["components"]
    rows = sorted(
        (c["bom-ref"], c["type"], c.get("group"), c["name"], c.get("purl"), c.get("licenses"))
        for c in components
    )
    declared = "declared"
    assert rows == [
        (
            "huggingface:CohereForAI/c4ai-command-r-v01",
            "machine-learning-model",
            "CohereForAI",
            "c4ai-command-r-v01",
            "pkg:huggingface/CohereForAI/c4ai-command-r-v01",
            [
                {
                    "license": {
                        "acknowledgement": declared,
                        "name": "CC-BY-NC-4.0 with the C4AI Acceptable Use Policy",
                    }
                }
            ],
        ),
        (
            "huggingface:acme/llama-ft",
            "machine-learning-model",
            "acme",
            "llama-ft",
            "pkg:huggingface/acme/llama-ft",
            [{"acknowledgement": "concluded", "expression": "MIT AND LicenseRef-llama3.1"}],
        ),
        (
            "huggingface:bert-base-uncased",
            "machine-learning-model",
            None,
            "bert-base-uncased",
            "pkg:huggingface/bert-base-uncased",
            [{"license": {"acknowledgement": declared, "id": "Apache-2.0"}}],
        ),
        (
            "huggingface:meta-llama/Llama-3.1-8B",
            "machine-learning-model",
            "meta-llama",
            "Llama-3.1-8B",
            "pkg:huggingface/meta-llama/Llama-3.1-8B",
            [{"license": {"acknowledgement": declared, "name": "Llama 3.1 Community License"}}],
        ),
        (
            "huggingface:some-org/unknown-model",
            "machine-learning-model",
            "some-org",
            "unknown-model",
            "pkg:huggingface/some-org/unknown-model",
            None,
        ),
        (
            "package:ultralytics",
            "machine-learning-model",
            None,
            "ultralytics",
            "pkg:pypi/ultralytics",
            [{"license": {"acknowledgement": declared, "id": "AGPL-3.0-only"}}],
        ),
    ]


def test_one_component_per_model_with_every_location() -> None:
    report = sample_report()
    cohere = next(d for d in report.decisions if d.ref.raw.startswith("CohereForAI"))
    second = replace(cohere, ref=replace(cohere.ref, path="src/eval.py", line=3, column=1))
    components = bom(replace(report, decisions=(*report.decisions, second)))["components"]
    assert len(components) == 6
    cohere_component = next(c for c in components if c["name"] == "c4ai-command-r-v01")
    props = [(p["name"], p["value"]) for p in cohere_component["properties"]]
    assert props == [
        ("model-license-guard:license", "cohere-c4ai-cc-by-nc-4.0"),
        (
            "model-license-guard:license-source",
            "https://huggingface.co/CohereForAI/c4ai-command-r-v01",
        ),
        ("model-license-guard:location", "src/eval.py:3:1"),
        ("model-license-guard:location", "src/train.py:12:5"),
        ("model-license-guard:reason", "MDL003"),
        ("model-license-guard:resolution", "exact"),
        ("model-license-guard:resolution-detail", "CohereForAI/c4ai-command-r-v01"),
        ("model-license-guard:scope", "runtime"),
        ("model-license-guard:verdict", "fail"),
    ]


def test_output_is_reproducible() -> None:
    first, second = cyclonedx.render(sample_report()), cyclonedx.render(sample_report())
    assert first == second
    assert "timestamp" not in bom(sample_report())["metadata"]
    assert bom(sample_report())["serialNumber"] != bom(empty_report())["serialNumber"]
