"""What the code does against the policy, on small generated repositories scanned by the CLI:
usage facts from the code (MDL025-MDL027), [privacy] (MDL028-MDL031) with the accountant, and
datasets (MDL032-MDL034, dataset licenses through the same term checks)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.resolve import accountant
from scanner.types import Privacy

LOAD = (
    "from transformers import AutoModelForCausalLM, Trainer\n"
    "from opacus import PrivacyEngine\n"
    "from datasets import load_dataset\n"
    'model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B")\n'
)
PLAIN_TRAINING = LOAD + "Trainer(model=model).train()\n"
STATED_EPSILON = LOAD + (
    "model, opt, dl = PrivacyEngine().make_private_with_epsilon(module=model, optimizer=opt,\n"
    "    data_loader=dl, target_epsilon=8.0, target_delta=1e-5, epochs=3, max_grad_norm=1.0)\n"
)
NOISE_ONLY = LOAD + (
    "model, opt, dl = PrivacyEngine().make_private(module=model, optimizer=opt,\n"
    "    data_loader=dl, noise_multiplier=1.1, max_grad_norm=1.0)\n"
)
ALL_PARAMETERS = LOAD + (
    "engine = PrivacyEngine(model, batch_size=256, sample_size=60000, noise_multiplier=1.1,\n"
    "    max_grad_norm=1.0, epochs=60)\n"
)
PUSH = LOAD + 'model.push_to_hub("me/llama-tuned")\n'
BASE = "[usage]\ncommercial = true\n"


def scan(tmp_path: Path, source: str, policy: str, capsys: pytest.CaptureFixture[str]) -> dict:
    """The JSON report of a one-file repository under ``policy``."""
    (tmp_path / "train.py").write_text(source, encoding="utf-8")
    (tmp_path / ".model-license-guard.toml").write_text(policy, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    capsys.readouterr()
    code = main(["scan", "--root", str(tmp_path), "--format", "json", "--today", "2026-11-22"])
    report = json.loads(capsys.readouterr().out)
    report["exit"] = code
    return report


def place_reasons(report: dict) -> list[tuple[str, str, int, str]]:
    return [
        (f["reason"]["code"], f["reason"]["verdict"], f["use"]["line"], f["reason"]["message"])
        for f in report["use_findings"]
    ]


PRIVACY_CASES = [
    pytest.param(
        PLAIN_TRAINING,
        BASE + '[privacy]\ntraining_data = "personal"\n',
        [
            (
                "MDL028",
                "fail",
                5,
                "transformers.Trainer(...).train trains meta-llama/Llama-3.1-8B "
                "at train.py:5 without differential privacy, which the policy requires",
            )
        ],
        1,
        id="personal-data-without-dp-fails",
    ),
    pytest.param(
        PLAIN_TRAINING,
        BASE + '[privacy]\ntraining_data = "personal"\nrequire_dp = false\n',
        [],
        0,
        id="require-dp-false-overrides",
    ),
    pytest.param(
        PLAIN_TRAINING,
        BASE + '[privacy]\ntraining_data = "public"\n',
        [],
        0,
        id="public-data",
    ),
    pytest.param(
        STATED_EPSILON,
        BASE + "[privacy]\nrequire_dp = true\nmax_epsilon = 4\n",
        [
            (
                "MDL029",
                "fail",
                5,
                "opacus.PrivacyEngine.make_private_with_epsilon at train.py:5 trains "
                "with epsilon = 8, above the policy's max_epsilon = 4",
            )
        ],
        1,
        id="stated-epsilon-over-the-limit",
    ),
    pytest.param(
        STATED_EPSILON,
        BASE + "[privacy]\nmax_epsilon = 10\nmax_delta = 1e-6\n",
        [
            (
                "MDL030",
                "fail",
                5,
                "opacus.PrivacyEngine.make_private_with_epsilon at train.py:5 trains "
                "with delta = 1e-05, above the policy's max_delta = 1e-06",
            )
        ],
        1,
        id="stated-delta-over-the-limit",
    ),
    pytest.param(
        NOISE_ONLY,
        BASE + '[privacy]\nmax_epsilon = 4\n[on]\nunresolved = "fail"\n',
        [
            (
                "MDL031",
                "fail",
                5,
                "the epsilon of opacus.PrivacyEngine.make_private at train.py:5 is unknown: "
                "epsilon is not stated and sample_rate, steps or epochs not known statically",
            )
        ],
        1,
        id="noise-only-epsilon-unresolved",
    ),
    pytest.param(
        ALL_PARAMETERS,
        BASE + "[privacy]\nmax_epsilon = 2\nmax_delta = 1e-5\n",
        [
            (
                "MDL029",
                "fail",
                5,
                "opacus.PrivacyEngine at train.py:5 trains with epsilon = 2.6 "
                "(computed by the RDP (dp-accounting 0.6.0) accountant), above the policy's "
                "max_epsilon = 2",
            )
        ],
        1,
        id="accountant-epsilon-over-the-limit",
    ),
    pytest.param(
        ALL_PARAMETERS,
        BASE + "[privacy]\nmax_epsilon = 3\nmax_delta = 1e-5\n",
        [],
        0,
        id="accountant-epsilon-within-the-limit",
    ),
]


@pytest.mark.parametrize(("source", "policy", "expected", "exit_code"), PRIVACY_CASES)
def test_privacy_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, policy: str,
    expected: list[tuple[str, str, int, str]], exit_code: int,
) -> None:  # fmt: skip
    pytest.importorskip("dp_accounting")
    report = scan(tmp_path, source, policy, capsys)
    assert place_reasons(report) == expected
    assert report["exit"] == exit_code


def test_accountant_epsilon_is_carried_on_the_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("dp_accounting")
    report = scan(tmp_path, ALL_PARAMETERS, BASE + "[privacy]\nmax_delta = 1e-5\n", capsys)
    (place,) = report["uses"]
    privacy = place["privacy"]
    assert (round(privacy["epsilon"], 3), privacy["delta"], privacy["accountant"]) == (
        2.597,
        1e-5,
        "RDP (dp-accounting 0.6.0)",
    )
    assert (privacy["sample_rate"], privacy["steps"]) == (256 / 60000, 14063)
    assert report["findings"][0]["uses"] == [place]


@pytest.mark.parametrize(
    ("noise", "steps", "expected"),
    [(1.1, 14063, 2.597), (1.1, 3516, 1.281), (2.0, 14063, 1.111)],
)
def test_rdp_accountant(noise: float, steps: int, expected: float) -> None:
    pytest.importorskip("dp_accounting")
    epsilon, name = accountant.rdp_epsilon(noise, 256 / 60000, steps, 1e-5)
    assert (round(epsilon, 3), name) == (expected, "RDP (dp-accounting 0.6.0)")


def test_without_the_extra_epsilon_is_unresolved(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*_: object) -> tuple[float, str]:
        raise ImportError("No module named 'dp_accounting'")

    monkeypatch.setattr(accountant, "rdp_epsilon", missing)
    stated = Privacy(True, "opacus", noise_multiplier=1.1, sample_rate=0.01, steps=100)
    assert accountant.account(stated, 1e-5) == replace(
        stated, unresolved=f"epsilon is not stated; {accountant.EXTRA_HINT}"
    )


@pytest.mark.parametrize(
    ("privacy", "delta", "unresolved"),
    [
        (Privacy(True, noise_multiplier=1.1, sample_rate=0.01, steps=100), None,
         "epsilon is not stated and no delta is known"),
        (Privacy(True, missing=("sample_rate",)), 1e-5,
         "epsilon is not stated and sample_rate not known statically"),
    ],
)  # fmt: skip
def test_epsilon_needs_every_parameter(
    privacy: Privacy, delta: float | None, unresolved: str
) -> None:
    assert accountant.account(privacy, delta).unresolved == unresolved


USAGE_CASES = [
    pytest.param(
        PUSH,
        BASE + "distributes_models = false\n",
        [
            (
                "MDL026",
                "warn",
                5,
                "model.push_to_hub ships meta-llama/Llama-3.1-8B (distribution) "
                "but the policy says distributes_models = false",
            )
        ],
        id="push-against-the-policy-warns",
    ),
    pytest.param(
        PUSH,
        BASE + 'distributes_models = false\n[on]\nundeclared_distribution = "fail"\n',
        [
            (
                "MDL026",
                "fail",
                5,
                "model.push_to_hub ships meta-llama/Llama-3.1-8B (distribution) "
                "but the policy says distributes_models = false",
            )
        ],
        id="knob-makes-it-fail",
    ),
    pytest.param(
        PLAIN_TRAINING,
        BASE + "modifies_models = false\n",
        [
            (
                "MDL025",
                "warn",
                5,
                "transformers.Trainer(...).train modifies meta-llama/Llama-3.1-8B "
                "(fine-tuning) but the policy says modifies_models = false",
            )
        ],
        id="fine-tune-against-the-policy-warns",
    ),
    pytest.param(PLAIN_TRAINING, BASE + "modifies_models = true\n", [], id="declared"),
]


@pytest.mark.parametrize(("source", "policy", "expected"), USAGE_CASES)
def test_usage_contradicting_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, policy: str,
    expected: list[tuple[str, str, int, str]],
) -> None:  # fmt: skip
    assert place_reasons(scan(tmp_path, source, policy, capsys)) == expected


@pytest.mark.parametrize(
    ("source", "taken", "naming"),
    [
        (LOAD, [], "if you distribute a model derived from it: models created/trained/improved "
         "with Llama 3.1 materials or outputs and distributed must have names beginning with "
         '"Llama"'),
        (PLAIN_TRAINING, ["the code modifies this model (fine-tuning at train.py:5): evaluated "
                          "with modifies_models = true (the policy does not state it)"],
         "models created/trained/improved with Llama 3.1 materials or outputs and distributed "
         'must have names beginning with "Llama"'),
    ],
)  # fmt: skip
def test_evidence_stands_in_for_an_unstated_fact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, taken: list[str],
    naming: str,
) -> None:  # fmt: skip
    report = scan(tmp_path, source, BASE + "distributes_models = true\n", capsys)
    (finding,) = [f for f in report["findings"] if f["kind"] == "huggingface"]
    assert [r["message"] for r in finding["reasons"] if r["code"] == "MDL027"] == taken
    assert [o["text"] for o in finding["obligations"] if o["code"] == "OBL004"] == [naming]


DATASETS = LOAD + 'ds = load_dataset("{name}")\n'
EVALUATE = BASE + "[datasets]\nevaluate = true\n"


@pytest.mark.parametrize(
    ("name", "policy", "license", "verdict", "codes"),
    [
        ("tatsu-lab/alpaca", EVALUATE, "cc-by-nc-4.0", "fail", ["MDL003"]),
        ("databricks/databricks-dolly-15k", EVALUATE, "cc-by-sa-3.0", "pass", []),
        ("allenai/c4", EVALUATE, "odc-by", "pass", []),
        ("acme/private-chats", EVALUATE, None, "warn", ["MDL034"]),
        ("acme/private-chats", EVALUATE + '[on]\nunknown_dataset = "fail"\n', None, "fail",
         ["MDL034"]),
        ("laion/laion2B-en", EVALUATE, "unknown", "warn", ["MDL001"]),
        ("allenai/c4", EVALUATE + 'deny = ["allenai/*"]\n', "odc-by", "fail", ["MDL032"]),
        ("allenai/c4", EVALUATE + 'allow = ["HuggingFaceFW/fineweb"]\n', "odc-by", "fail",
         ["MDL033"]),
        ("allenai/c4", EVALUATE + 'allow = ["AllenAI/C4"]\n', "odc-by", "pass", []),
    ],
)  # fmt: skip
def test_dataset_licenses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, policy: str,
    license: str | None, verdict: str, codes: list[str],
) -> None:  # fmt: skip
    report = scan(tmp_path, DATASETS.format(name=name), policy, capsys)
    (dataset,) = [f for f in report["findings"] if f["kind"] == "dataset"]
    failing = [r["code"] for r in dataset["reasons"] if r["verdict"] != "pass"]
    assert (dataset["license"], dataset["verdict"], failing) == (license, verdict, codes)


def test_share_alike_dataset_lists_its_duties(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = EVALUATE.replace("[datasets]", "distributes_models = true\nmodifies_models = true\n"
                              "[datasets]")  # fmt: skip
    report = scan(tmp_path, DATASETS.format(name="databricks/databricks-dolly-15k"), policy, capsys)
    (dataset,) = [f for f in report["findings"] if f["kind"] == "dataset"]
    assert sorted({o["code"] for o in dataset["obligations"]}) == ["OBL001", "OBL007"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[privacy]\ntraining_data = "secret"\n',
         'privacy.training_data must be one of "personal", "public", "unknown"'),
        ("[privacy]\nmax_delta = 1\n", "privacy.max_delta must be above 0 and below 1 (1)"),
        ('[privacy]\nmax_epsilon = "low"\n', "privacy.max_epsilon must be a number"),
        ('[privacy]\nrequire_dp = "yes"\n', "privacy.require_dp must be true or false"),
        ('[datasets]\nallow = ["a/b"]\ndeny = ["A/B"]\n', "'a/b' is both allowed and denied"),
        ("[privacy]\nmax_epsilon = 1\nepsilon = 2\n",
         "unknown key 'epsilon' in [privacy] (did you mean max_epsilon?)"),
    ],
)  # fmt: skip
def test_invalid_privacy_and_dataset_keys(text: str, problem: str) -> None:
    import license_db
    from scanner.decide.policy import PolicyError, policy_from_text

    with pytest.raises(PolicyError) as caught:
        policy_from_text(text, "p.toml", license_db.load())
    assert [p.message for p in caught.value.problems] == [problem]
