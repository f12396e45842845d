"""Report formats on one synthetic report: golden files, registry, JSON shape and round trip.

``sample_report()`` is shared by the other tests/test_report_*.py modules. Regenerate the golden
files after an intended change with ``MLG_UPDATE_GOLDEN=1 pytest tests/test_report.py``.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from license_db.schema import Commercial, LicenseTerms, Match, Rule
from scanner.report import FORMATS, common, text
from scanner.report import json as json_format
from scanner.types import (
    Confidence,
    Decision,
    FileError,
    ModelId,
    ModelRef,
    Obligation,
    PolicyLine,
    Reason,
    RefKind,
    Report,
    SourceKind,
    UnresolvedRef,
    Verdict,
)

GOLDEN = Path(__file__).parent / "golden"
POLICY = ".model-license-guard.toml"


def ref(path: str, line: int, column: int, raw: str, **extra: object) -> ModelRef:
    """A ModelRef with the usual defaults for a Python from_pretrained call."""
    values: dict[str, object] = {
        "kind": RefKind.HUGGINGFACE,
        "extractor": "py.from_pretrained",
        "source": SourceKind.PYTHON,
    }
    values.update(extra)
    return ModelRef(path=path, line=line, column=column, raw=raw, **values)  # type: ignore[arg-type]


def match(model: str, license_id: str, rule: Rule = Rule.EXACT, **extra: object) -> Match:
    """A database answer for ``model``."""
    values: dict[str, object] = {"detail": model, "source": f"https://huggingface.co/{model}"}
    values.update(extra)
    return Match(query=model, model_id=model, license=license_id, rule=rule, **values)  # type: ignore[arg-type]


def decision(
    where: ModelRef, license_id: str | None, verdict: Verdict, *reasons: Reason, **extra: object
) -> Decision:
    """A Decision for ``where`` (the model id is the raw text)."""
    found = match(where.raw, license_id) if license_id else None
    values: dict[str, object] = {"match": found}
    values.update(extra)
    return Decision(
        ref=where,
        model=ModelId(where.raw),
        verdict=verdict,
        license=license_id,
        reasons=reasons,
        **values,
    )  # type: ignore[arg-type]


COMMERCIAL = Reason(
    code="MDL003",
    verdict=Verdict.FAIL,
    message="the license forbids commercial use and the policy says this repository is commercial",
    term="commercial = no",
    term_source="https://cohere.com/c4ai-cc-by-nc-license",
    policy=PolicyLine(POLICY, 3, "usage.commercial"),
    fix="pick a model whose license permits commercial use | ask legal, 100% sure",
)
UNVERIFIED = Reason(
    code="MDL016",
    verdict=Verdict.WARN,
    message="the monthly active user limit is not verified",
    term="mau_limit = 700000000",
    policy=PolicyLine(POLICY, 5, "usage.monthly_active_users"),
)
DENIED = Reason(
    "MDL011",
    Verdict.FAIL,
    "llama3.1 is on the deny-list",
    policy=PolicyLine(POLICY, 8, "licenses.deny"),
)
INFERRED = Reason("MDL013", Verdict.WARN, "the license is inferred from the base model")
UNKNOWN = Reason(
    "MDL001",
    Verdict.FAIL,
    "the database does not know this model's license",
    policy=PolicyLine("embedded default", None, "on.unknown"),
)
AGPL = Reason(
    "MDL023",
    Verdict.WARN,
    "AGPL-3.0 terms reach the hosted service",
    fix="keep the service source available",
)


def terms(license_id: str, name: str, spdx: str | None, commercial: Commercial) -> LicenseTerms:
    """Minimal license terms."""
    return LicenseTerms(
        id=license_id,
        name=name,
        family=license_id.split("-")[0],
        category="permissive",
        commercial=commercial,
        sources=(f"https://example.org/{license_id}",),
        spdx=spdx,
    )


def sample_report() -> Report:
    """A report exercising every part of every format (given out of order on purpose)."""
    derived = ref(
        "notebooks/eda.ipynb",
        3,
        7,
        "acme/llama-ft",
        source=SourceKind.NOTEBOOK,
        cell=2,
        extractor="nb.from_pretrained",
    )
    derived_match = match(
        "acme/llama-ft",
        "mit AND llama3.1",
        Rule.DERIVATIVE,
        base_model="meta-llama/Llama-3.1-8B",
        inferred=True,
    )
    decisions = (
        decision(
            ref("src/train.py", 30, 9, "bert-base-uncased"),
            "apache-2.0",
            Verdict.PASS,
            obligations=(
                Obligation("OBL002", "apache-2.0", "ship a copy of the license"),
                Obligation("OBL003", "apache-2.0", "ship the NOTICE file"),
            ),
        ),
        decision(
            ref("src/train.py", 12, 5, "CohereForAI/c4ai-command-r-v01"),
            "cohere-c4ai-cc-by-nc-4.0",
            Verdict.FAIL,
            COMMERCIAL,
        ),
        decision(
            ref(
                "src/serve.py",
                4,
                12,
                "meta-llama/Llama-3.1-8B",
                via="MODEL_NAME at src/config.py:2",
            ),
            "llama3.1",
            Verdict.WARN,
            UNVERIFIED,
            obligations=(Obligation("OBL001", "llama3.1", 'display "Built with Llama"'),),
        ),
        decision(
            derived,
            "mit AND llama3.1",
            Verdict.FAIL,
            DENIED,
            INFERRED,
            match=derived_match,
            suppressed="inline: ignore[MDL011]",
        ),
        decision(
            ref(
                "configs/model.yaml",
                2,
                8,
                "some-org/unknown-model",
                source=SourceKind.YAML,
                extractor="yaml.model_key",
            ),
            None,
            Verdict.FAIL,
            UNKNOWN,
            suppressed="baseline",
        ),
        decision(
            ref(
                "requirements.txt",
                5,
                1,
                "ultralytics",
                kind=RefKind.PACKAGE,
                source=SourceKind.REQUIREMENTS,
                extractor="req.package",
                confidence=Confidence.HIGH,
            ),
            "agpl-3.0",
            Verdict.WARN,
            AGPL,
        ),
    )
    return Report(
        decisions=decisions,
        unresolved=(
            UnresolvedRef(
                "src/serve.py", 20, 30, "args.model_name", "py.from_pretrained", SourceKind.PYTHON
            ),
        ),
        errors=(
            FileError("src/broken.py", "invalid syntax: unexpected indent", 7),
            FileError("data/huge.json", "file is larger than 50 MB"),
        ),
        db_version="2025.06.1",
        policy_source=POLICY,
        licenses=(
            terms("apache-2.0", "Apache License 2.0", "Apache-2.0", Commercial.YES),
            terms(
                "cohere-c4ai-cc-by-nc-4.0",
                "CC-BY-NC-4.0 with the C4AI Acceptable Use Policy",
                None,
                Commercial.NO,
            ),
            terms("llama3.1", "Llama 3.1 Community License", None, Commercial.CONDITIONAL),
            terms("mit", "MIT License", "MIT", Commercial.YES),
            terms(
                "agpl-3.0",
                "GNU Affero General Public License v3.0",
                "AGPL-3.0-only",
                Commercial.YES,
            ),
        ),
        stale_baseline=("old/script.py: MDL003 org/removed-model",),
    )


def empty_report() -> Report:
    """A report with nothing in it."""
    return Report((), (), (), db_version="2025.06.1", policy_source="embedded default")


def normalized(output: str) -> str:
    """``output`` with the package version (which changes on release) replaced by a marker."""
    return output.replace(json.dumps(common.tool_version())[1:-1], "<version>")


RENDERERS = sorted(FORMATS)
SUFFIX = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "cyclonedx": "cdx.json",
    "markdown": "md",
    "github": "github.txt",
}


def test_registry_names_every_format() -> None:
    assert RENDERERS == ["cyclonedx", "github", "json", "markdown", "sarif", "text"]


@pytest.mark.parametrize("name", RENDERERS)
@pytest.mark.parametrize(("label", "build"), [("sample", sample_report), ("empty", empty_report)])
def test_golden(name: str, label: str, build: object) -> None:
    assert callable(build)
    output = normalized(FORMATS[name](build()))
    golden = GOLDEN / f"{label}.{SUFFIX[name]}"
    if os.environ.get("MLG_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", RENDERERS)
def test_output_does_not_depend_on_input_order(name: str) -> None:
    report = sample_report()
    shuffled = replace(report, decisions=report.decisions[::-1], errors=report.errors[::-1])
    assert FORMATS[name](shuffled) == FORMATS[name](report)


@pytest.mark.parametrize("name", RENDERERS)
def test_json_round_trip_renders_the_same(name: str) -> None:
    report = sample_report()
    again = json_format.load(json_format.render(report))
    assert FORMATS[name](again) == FORMATS[name](report)


def test_json_round_trip_is_lossless() -> None:
    report = sample_report()
    again = json_format.load(json_format.render(report))
    assert sorted(again.decisions, key=common.decision_order) == common.ordered(report.decisions)
    assert sorted(again.licenses, key=lambda t: t.id) == sorted(report.licenses, key=lambda t: t.id)
    assert (again.unresolved, again.stale_baseline) == (report.unresolved, report.stale_baseline)
    assert sorted(again.errors, key=lambda e: e.path) == sorted(report.errors, key=lambda e: e.path)


def test_json_shape_of_a_finding() -> None:
    data = json.loads(json_format.render(sample_report()))
    first = data["findings"][0]
    assert [(f["path"], f["line"], f["column"], f["model"]) for f in data["findings"]] == [
        ("configs/model.yaml", 2, 8, "some-org/unknown-model"),
        ("notebooks/eda.ipynb", 3, 7, "acme/llama-ft"),
        ("requirements.txt", 5, 1, "ultralytics"),
        ("src/serve.py", 4, 12, "meta-llama/Llama-3.1-8B"),
        ("src/train.py", 12, 5, "CohereForAI/c4ai-command-r-v01"),
        ("src/train.py", 30, 9, "bert-base-uncased"),
    ]
    assert {
        k: first[k] for k in ("kind", "source", "license", "verdict", "rule", "suppressed")
    } == {
        "kind": "huggingface",
        "source": "yaml",
        "license": None,
        "verdict": "fail",
        "rule": None,
        "suppressed": "baseline",
    }
    assert first["reasons"] == [
        {
            "code": "MDL001",
            "name": "unknown-model-license",
            "verdict": "fail",
            "message": "the database does not know this model's license",
            "term": None,
            "term_source": None,
            "policy": "embedded default",
            "policy_line": {"file": "embedded default", "line": None, "key": "on.unknown"},
            "fix": None,
            "missing": None,
            "waived": None,
        }
    ]
    cohere = data["findings"][4]
    assert cohere["reasons"][0]["policy"] == ".model-license-guard.toml:3"
    assert cohere["resolution"]["rule"] == "exact"
    assert data["unresolved"] == [
        {
            "path": "src/serve.py",
            "line": 20,
            "column": 30,
            "expression": "args.model_name",
            "extractor": "py.from_pretrained",
            "source": "python",
            "cell": None,
            "reason": "value is not known statically",
            "suppressed": None,
            "scope": "runtime",
            "verdict": "warn",
        }
    ]
    assert data["errors"][0] == {
        "path": "data/huge.json",
        "message": "file is larger than 50 MB",
        "line": None,
        "internal": False,
        "unscanned": None,
    }
    assert data["summary"] == {
        "findings": 6,
        "fail": 1,
        "warn": 2,
        "pass": 1,
        "suppressed": 2,
        "unresolved": 1,
        "errors": 2,
        "stale_baseline": 1,
        "worst": "fail",
        "use_findings": 0,
    }
    assert (data["db_version"], data["policy"]) == ("2025.06.1", POLICY)


@pytest.mark.parametrize(
    "bad",
    [
        "[]",
        '{"findings": []}',
        '{"findings": [{"model": "x"}], "unresolved": [], "errors": []}',
        "not json",
    ],
)
def test_json_load_rejects_what_is_not_a_report(bad: str) -> None:
    with pytest.raises(ValueError):
        json_format.load(bad)


@pytest.mark.parametrize(
    ("color", "expected"),
    [(True, "\033[1;31mFAIL\033[0m"), (False, "\nFAIL  ")],
)
def test_text_colour_only_when_asked(color: bool, expected: str) -> None:
    output = text.render(sample_report(), color=color)
    assert expected in output
    assert ("\033[" in output) is color


def test_json_round_trip_keeps_every_bundled_license_with_its_types() -> None:
    import license_db

    terms = license_db.load().licenses()
    report = Report((), (), (), db_version="1", policy_source="embedded default", licenses=terms)
    again = json_format.load(json_format.render(report))
    assert again.licenses == terms
    for before, after in zip(terms, again.licenses, strict=True):
        assert [type(getattr(after, f)) for f in before.__slots__] == [
            type(getattr(before, f)) for f in before.__slots__
        ]


def test_a_group_names_each_obligation_code_once() -> None:
    """Two places of one model whose obligations read differently (the model as each place
    spells it) share one summary line per code, in text and Markdown."""
    places = [ref("a.py", 1, 1, "org/m"), ref("b.py", 2, 1, "org/m")]
    duties = [(Obligation("OBL001", "llama3", f"credit {place.path}"),) for place in places]
    decisions = tuple(
        decision(place, "llama3", Verdict.WARN, UNVERIFIED, obligations=owed)
        for place, owed in zip(places, duties, strict=True)
    )
    report = Report(decisions, (), (), db_version="1", policy_source="embedded default")
    assert text.render(report, verbose=True).count("obligations: OBL001 attribution\n") == 1
    markdown = FORMATS["markdown"](report)
    assert markdown.count("obligations: OBL001") == 1
    assert "OBL001, OBL001" not in markdown
