"""Training evidence and dataset licenses in every format: JSON (and read back), SARIF results at
the places, CycloneDX (datasets as ``data`` components, training in the model card), text,
``explain --in-code``; and the dataset table's build checks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from license_db.builder.datasets import dataset_records
from license_db.builder.report import BuildReport
from scanner.cli import main
from scanner.report import FORMATS
from scanner.report import json as json_report
from scanner.types import Report

SCHEMA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)
SOURCE = """\
from transformers import AutoModelForCausalLM, Trainer
from datasets import load_dataset
from opacus import PrivacyEngine

model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1")
data = load_dataset("tatsu-lab/alpaca")
model, opt, dl = PrivacyEngine().make_private_with_epsilon(
    module=model, optimizer=opt, data_loader=dl, target_epsilon=8.0, target_delta=1e-5, epochs=3)
model.push_to_hub("me/mistral-alpaca")
"""
POLICY = """\
[usage]
commercial = true
distributes_models = false
[privacy]
max_epsilon = 4
[datasets]
evaluate = true
"""
PLACES = [
    "fine-tuning  train.py:7:18  opacus.PrivacyEngine.make_private_with_epsilon  "
    "-> mistralai/Mistral-7B-v0.1  DP: yes (opacus PrivacyEngine), epsilon = 8 at "
    "delta = 1e-05 (stated)",
    "distribution  train.py:9:1  model.push_to_hub  -> mistralai/Mistral-7B-v0.1",
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "train.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / ".model-license-guard.toml").write_text(POLICY, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main([*args, "--today", "2026-11-22"])
    return code, capsys.readouterr().out


def report_of(repo: Path, capsys: pytest.CaptureFixture[str]) -> Report:
    code, out = run(capsys, "scan", "--root", str(repo), "--format", "json")
    assert code == 1
    return json_report.load(out)


def test_json_carries_places_and_reads_back(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = report_of(repo, capsys)
    assert json_report.to_json(json_report.load(json_report.render(report))) == (
        json_report.to_json(report)
    )
    assert [u.kind.value for u in report.uses] == ["fine-tuning", "distribution"]
    model = next(d for d in report.decisions if d.model == "mistralai/Mistral-7B-v0.1")
    assert model.ref.uses == report.uses
    assert [(f.reason.code, f.reason.verdict.value) for f in report.use_findings] == [
        ("MDL029", "fail"),
        ("MDL026", "warn"),
    ]
    assert json_report.to_json(report)["summary"]["use_findings"] == 2


def test_sarif_has_a_result_at_each_flagged_place(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarif = json.loads(FORMATS["sarif"](report_of(repo, capsys)))
    run_ = sarif["runs"][0]
    places = [
        (r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run_["results"]
        if r["ruleId"] in ("MDL026", "MDL029")
    ]
    assert places == [("MDL029", "error", 7), ("MDL026", "warning", 9)]
    assert run_["properties"]["uses"] == PLACES
    if SCHEMA.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        assert list(jsonschema.Draft4Validator(schema).iter_errors(sarif)) == []


def test_cyclonedx_datasets_and_model_card(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = FORMATS["cyclonedx"](report_of(repo, capsys))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    components: list[dict[str, Any]] = json.loads(text)["components"]
    kinds = {c["bom-ref"]: c["type"] for c in components}
    assert kinds == {
        "dataset:tatsu-lab/alpaca": "data",
        "huggingface:mistralai/Mistral-7B-v0.1": "machine-learning-model",
    }
    model = next(c for c in components if c["type"] == "machine-learning-model")
    assert model["modelCard"] == {
        "considerations": {
            "useCases": PLACES,
            "ethicalConsiderations": [
                {
                    "name": "training-data privacy at train.py:7:18",
                    "mitigationStrategy": "DP: yes (opacus PrivacyEngine), epsilon = 8 at "
                    "delta = 1e-05 (stated)",
                }
            ],
        }
    }
    dataset = next(c for c in components if c["type"] == "data")
    assert dataset["licenses"] == [
        {"license": {"id": "CC-BY-NC-4.0", "acknowledgement": "declared"}}
    ]


def test_text_lists_places_with_their_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, text = run(capsys, "scan", "--root", str(repo))
    section = text.split(
        "training and distribution (2 places: distribution 1, fine-tuning 1):\n", 1
    )
    section = section[1].split("\n\n", 1)[0]
    lines = section.splitlines()
    assert [line.strip() for line in lines if not line.startswith("    ")] == PLACES
    assert "MDL029 dp-epsilon-over-limit" in section and "MDL026" in section
    assert "; 2 training/distribution findings; " in text.splitlines()[-1]


def test_explain_in_code_shows_the_places(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, text = run(capsys, "explain", "mistralai/Mistral-7B-v0.1", "--in-code", "--root", str(repo))
    shown = text.split("in the code:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.strip() for line in shown] == PLACES
    _, out = run(capsys, "explain", "tatsu-lab/alpaca", "--json", "--root", str(repo))
    explained = json.loads(out)
    assert (explained["kind"], explained["license"], explained["verdict"]) == (
        "dataset",
        "cc-by-nc-4.0",
        "fail",
    )


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        ([{"dataset_id": "a/b", "license": "mit", "source": "https://x", "notes": "n"}], []),
        ([{"dataset_id": "a/b", "license": "mit", "source": "a card", "notes": "n"}],
         ["extra_datasets.csv:2: the source names no URL"]),
        ([{"dataset_id": "a/b", "license": "", "source": "https://x", "notes": "n"}],
         ["extra_datasets.csv:2: missing license"]),
        ([{"dataset_id": "a/b", "license": "mit", "source": "https://x", "notes": "n"},
          {"dataset_id": "A/B", "license": "mit", "source": "https://y", "notes": "n"}],
         ["extra_datasets.csv:3: A/B is listed twice"]),
    ],
)  # fmt: skip
def test_dataset_rows_are_validated(rows: list[dict[str, str]], errors: list[str]) -> None:
    report = BuildReport()
    dataset_records(rows, report)
    assert report.errors == errors


def test_every_bundled_dataset_has_a_source_and_a_known_license() -> None:
    import license_db

    db = license_db.load()
    rows = json.loads((Path(license_db.__file__).parent / "data" / "datasets.json").read_text())
    assert len(rows) >= 12
    for row in rows:
        assert "http" in row["source"], row
        match = db.lookup(row["dataset_id"], "dataset")
        assert match is not None and match.license == row["license"]
        assert db.license(row["license"]) is not None, row


def test_github_annotates_flagged_places(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = FORMATS["github"](report_of(repo, capsys)).splitlines()
    places = [line.split("::", 2)[1] for line in lines if "title=MDL02" in line]
    assert places == [
        "error file=train.py,line=7,col=18,title=MDL029 dp-epsilon-over-limit",
        "warning file=train.py,line=9,col=1,title=MDL026 undeclared-model-distribution",
    ]
