"""The seed examples against the real bundled database: lookup -> evaluate -> obligations."""

from __future__ import annotations

import datetime

import pytest

import license_db
from license_db import LicenseDB
from scanner.decide.evaluate import evaluate
from scanner.decide.obligations import render_notice
from scanner.decide.policy import PolicyError, default_policy, policy_from_text
from scanner.decide.policy_template import STARTER_POLICY
from scanner.types import Decision, Known, ModelId, ModelRef, RefKind, SourceKind, Verdict

P = ".model-license-guard.toml"
TODAY = datetime.date(2026, 11, 22)
PASS, WARN, FAIL = Verdict.PASS, Verdict.WARN, Verdict.FAIL

SEED = """\
[usage]
commercial = true
monthly_active_users = 500000
annual_revenue_usd = 2000000
distributes_models = false
modifies_models = true
hosted_service = true
region = "US"
intended_uses = []
outputs_train_models = false
"""


@pytest.fixture(scope="module")
def db() -> LicenseDB:
    return license_db.load()


def decide(
    db: LicenseDB, model: str, text: str | None, kind: RefKind = RefKind.HUGGINGFACE
) -> Decision:
    found = db.lookup(model, kind.value)
    assert found is not None, model
    ref = ModelRef("app.py", 1, 1, kind, model, "py.from_pretrained", SourceKind.PYTHON)
    policy = default_policy() if text is None else policy_from_text(text, P, db)
    return evaluate(Known(ref, ModelId(model), found), policy, db, TODAY)


def failing(decision: Decision) -> list[tuple[str, str]]:
    return [(r.code, r.message) for r in decision.reasons if r.verdict is FAIL]


ROWS = [
    # (id, model, kind, policy text, verdict, failing codes, fragment of a failing/warning reason)
    (
        "llama3.1-500k",
        "meta-llama/Llama-3.1-8B-Instruct",
        RefKind.HUGGINGFACE,
        SEED,
        PASS,
        [],
        None,
    ),
    (
        "llama3.1-800m",
        "meta-llama/Llama-3.1-8B-Instruct",
        RefKind.HUGGINGFACE,
        SEED.replace("500000", "800000000"),
        FAIL,
        ["MDL004"],
        "800,000,000 monthly active users: above the 700,000,000 limit of llama3.1 (Llama 3.1 "
        "Community License Agreement); the license counts monthly active users",
    ),
    (
        "cc-by-nc-commercial",
        "axiotic/ogma-base",
        RefKind.HUGGINGFACE,
        SEED,
        FAIL,
        ["MDL003"],
        "cc-by-nc-4.0 (Creative Commons Attribution-NonCommercial 4.0), a non-commercial "
        "license, does not permit commercial use",
    ),
    (
        "rail-medical-advice",
        "runwayml/stable-diffusion-v1-5",
        RefKind.HUGGINGFACE,
        SEED.replace("intended_uses = []", 'intended_uses = ["medical-advice"]'),
        FAIL,
        ["MDL008"],
        "intended use 'medical-advice' is restricted by creativeml-openrail-m (CreativeML Open "
        "RAIL-M) (license tag: "
        "medical-advice)",
    ),
    (
        "bloom-rail-law-enforcement",
        "bigscience/bloom",
        RefKind.HUGGINGFACE,
        SEED.replace("intended_uses = []", 'intended_uses = ["law-enforcement"]'),
        FAIL,
        ["MDL008"],
        "intended use 'law-enforcement' is restricted by bigscience-bloom-rail-1.0 (BigScience "
        "RAIL License v1.0 (BLOOM))",
    ),
    (
        "llama-medical-advice",
        "meta-llama/Llama-3.1-8B-Instruct",
        RefKind.HUGGINGFACE,
        SEED.replace("intended_uses = []", 'intended_uses = ["medical-advice"]'),
        FAIL,
        ["MDL008"],
        "intended use 'medical-advice' is restricted by llama3.1 (Llama 3.1 Community License "
        "Agreement)",
    ),
    (
        "non-production-hosted",
        "mistralai/Codestral-22B-v0.1",
        RefKind.HUGGINGFACE,
        SEED,
        FAIL,
        ["MDL003", "MDL015"],
        "mnpl (Mistral AI Non-Production License v0.1) does not permit offering the model as a "
        "hosted service",
    ),
    (
        "stability-revenue",
        "stabilityai/stable-diffusion-3.5-large",
        RefKind.HUGGINGFACE,
        SEED,
        FAIL,
        ["MDL005"],
        "annual revenue of USD 2,000,000: above the USD 1,000,000 limit",
    ),
    (
        "distill-and",
        "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
        RefKind.HUGGINGFACE,
        SEED,
        PASS,
        [],
        None,
    ),
    (
        "agpl-hosted",
        "yolo11n.pt",
        RefKind.ULTRALYTICS,
        SEED,
        WARN,
        [],
        "agpl-3.0 (GNU Affero General Public License v3.0) reaches network use",
    ),
    (
        "quantised-copy-inferred",
        "unsloth/Llama-3.2-1B-Instruct-bnb-4bit",
        RefKind.HUGGINGFACE,
        SEED,
        WARN,
        [],
        "license llama3.2 is inferred from meta-llama/Llama-3.2-1B-Instruct",
    ),
    (
        "api-output-training",
        "gpt-4o",
        RefKind.API,
        SEED.replace("outputs_train_models = false", "outputs_train_models = true"),
        FAIL,
        ["MDL009"],
        "proprietary-api-openai (OpenAI Terms of Use / Services Agreement (API models)) "
        "restricts training models on its outputs",
    ),
]


@pytest.mark.parametrize(
    ("model", "kind", "text", "verdict", "codes", "fragment"),
    [r[1:] for r in ROWS],
    ids=[r[0] for r in ROWS],
)
def test_real_database(
    db: LicenseDB,
    model: str,
    kind: RefKind,
    text: str,
    verdict: Verdict,
    codes: list[str],
    fragment: str | None,
) -> None:
    decision = decide(db, model, text, kind)
    assert decision.verdict is verdict, decision.reasons
    assert [code for code, _ in failing(decision)] == codes
    if fragment is not None:
        assert any(fragment in r.message for r in decision.reasons), decision.reasons
    for r in decision.reasons:
        if r.verdict is not PASS:
            assert r.term_source and r.term_source.startswith("https://"), r


def test_reasons_cite_the_license_text_not_the_id_list(db: LicenseDB) -> None:
    text = SEED.replace("500000", "800000000").replace("= []", '= ["medical-advice"]')
    reasons = {r.code: r for r in decide(db, "meta-llama/Llama-3.1-8B-Instruct", text).reasons}
    assert reasons["MDL004"].term_source == (
        "https://github.com/meta-llama/llama-models/blob/a9c89c471f793423afd4cc3ca8671d6e56fe64cb/"
        "models/llama3_1/LICENSE"
    )
    assert reasons["MDL008"].term_source == "https://llama.meta.com/llama3_1/use-policy"


def test_distributing_a_rail_model_passes_with_flow_down(db: LicenseDB) -> None:
    text = SEED.replace("distributes_models = false", "distributes_models = true")
    decision = decide(db, "runwayml/stable-diffusion-v1-5", text)
    assert decision.verdict is PASS
    flow_down = [o for o in decision.obligations if o.code == "OBL005"]
    assert len(flow_down) == 1 and "medical-advice" in flow_down[0].text
    assert "Use restrictions to pass on to your users:" in render_notice([decision], db)


def test_proprietary_api_is_decided_by_on_proprietary_api_alone(db: LicenseDB) -> None:
    text = SEED + '\n[on]\nproprietary_api = "pass"\n'
    for model in ("gpt-4o", "claude-3-5-sonnet-20240620"):
        decision = decide(db, model, text, RefKind.API)
        assert decision.verdict is PASS, decision.reasons
        assert [o.code for o in decision.obligations] == ["OBL008"]


def test_default_policy_warns_for_llama_and_fails_non_commercial(db: LicenseDB) -> None:
    assert decide(db, "meta-llama/Llama-3.1-8B-Instruct", None).verdict is WARN
    assert decide(db, "axiotic/ogma-base", None).verdict is FAIL


def test_validation_suggests_real_license_ids(db: LicenseDB) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_text('[licenses]\nallow = ["apache2", "Apache-2.0", "llama-3.1"]\n', P, db)
    assert [str(p) for p in caught.value.problems] == [
        f"{P}:2: unknown license 'apache2' (did you mean apache-2.0?)",
        f"{P}:2: unknown license 'llama-3.1' (did you mean llama3.1?)",
    ]


def test_starter_policy_is_valid_against_the_real_database(db: LicenseDB) -> None:
    assert policy_from_text(STARTER_POLICY, P, db).source == P
