"""Obligations per license and use, and the NOTICE summary a team can ship."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from test_policy_fakes import (
    AGPL3,
    CC_BY_SA,
    DB,
    KIMI,
    LLAMA31,
    MIT,
    OPENAI,
    RAIL,
    STABILITY,
    known,
    unknown,
)

from license_db.schema import LicenseTerms, LimitScope, OutputTraining, Period
from scanner.decide.evaluate import evaluate
from scanner.decide.obligations import obligations_for, render_notice
from scanner.decide.policy import Policy, Usage, policy_from_text
from scanner.decide.terms.common import all_of, any_of, distributes, revenue_over, term_source
from scanner.types import Decision, Known, Obligation, Unknown, Verdict

TODAY = datetime.date(2026, 11, 22)


def usage_policy(**facts: object) -> Policy:
    return Policy(usage=Usage(**facts), source="p.toml")  # type: ignore[arg-type]


INTERNAL = {
    "distributes_models": False,
    "hosted_service": False,
    "modifies_models": False,
    "outputs_train_models": False,
}
SHIPS = {**INTERNAL, "distributes_models": True}
SHIPS_CHANGES = {**SHIPS, "modifies_models": True}
HOSTS = {**INTERNAL, "hosted_service": True}

ROWS = [
    # (id, terms, usage facts, [(code, text prefix)])
    ("mit-internal", MIT, INTERNAL, []),
    (
        "mit-shipped",
        MIT,
        SHIPS,
        [
            ("OBL001", "keep copyright and permission notice"),
            ("OBL002", "ship a copy of the MIT License with the model"),
        ],
    ),
    (
        "mit-unknown-facts",
        MIT,
        {},
        [
            ("OBL001", "if you distribute or offer the model: keep copyright"),
            ("OBL002", "if you distribute the model: ship a copy of the MIT License"),
        ],
    ),
    (
        "llama-hosted",
        LLAMA31,
        HOSTS,
        [
            ("OBL001", 'display "Built with Llama"'),
            (
                "OBL006",
                "comply with the acceptable use policy: https://llama.meta.com/llama3_1/use-policy",
            ),
        ],
    ),
    (
        "llama-shipped-fine-tune",
        LLAMA31,
        SHIPS_CHANGES,
        [
            ("OBL001", 'display "Built with Llama"'),
            ("OBL002", "ship a copy of the Llama 3.1 Community License Agreement"),
            ("OBL003", "ship a NOTICE file that credits the Llama 3.1 Community License Agreement"),
            ("OBL004", "distributed models built with Llama 3.1 must have names beginning with"),
            ("OBL006", "comply with the acceptable use policy"),
        ],
    ),
    (
        "llama-shipped-unchanged",
        LLAMA31,
        SHIPS,
        [
            ("OBL001", 'display "Built with Llama"'),
            ("OBL002", "ship a copy"),
            ("OBL003", "ship a NOTICE file"),
            ("OBL006", "comply with"),
        ],
    ),
    (
        "llama-outputs-train-shipped",
        LLAMA31,
        {**SHIPS, "outputs_train_models": True},
        [
            ("OBL001", "display"),
            ("OBL002", "ship a copy"),
            ("OBL003", "ship a NOTICE"),
            ("OBL004", "distributed models built with Llama 3.1"),
            ("OBL006", "comply with"),
        ],
    ),
    (
        "rail-shipped",
        RAIL,
        SHIPS,
        [
            ("OBL001", "keep copyright/patent/trademark/attribution notices"),
            ("OBL002", "ship a copy of the CreativeML Open RAIL-M"),
            (
                "OBL005",
                "make the use restrictions of the CreativeML Open RAIL-M an enforceable term",
            ),
        ],
    ),
    (
        "rail-hosted-only",
        RAIL,
        HOSTS,
        [("OBL001", "keep copyright/patent/trademark/attribution notices")],
    ),
    (
        "rail-unknown-distribution",
        RAIL,
        {**INTERNAL, "distributes_models": None},
        [
            ("OBL001", "if you distribute or offer the model: keep copyright"),
            ("OBL002", "if you distribute the model: ship a copy"),
            ("OBL005", "if you distribute the model: make the use restrictions"),
        ],
    ),
    (
        "share-alike-changes",
        CC_BY_SA,
        SHIPS_CHANGES,
        [
            ("OBL001", "keep copyright"),
            ("OBL007", "license derivatives under the same terms (CC BY-SA 4.0)"),
        ],
    ),
    ("share-alike-unchanged", CC_BY_SA, SHIPS, [("OBL001", "keep copyright")]),
    ("agpl-hosted", AGPL3, HOSTS, [("OBL001", "keep copyright")]),
    (
        "stability-shipped",
        STABILITY,
        SHIPS,
        [
            ("OBL001", 'prominently display "Powered by Stability AI"'),
            ("OBL002", "ship a copy of the Stability AI Community License Agreement"),
            ("OBL006", "comply with the acceptable use policy: https://stability.ai/use-policy"),
        ],
    ),
    (
        "proprietary-api",
        OPENAI,
        INTERNAL,
        [
            (
                "OBL008",
                "inputs are sent to a third-party provider (OpenAI Terms of Use (API models))",
            )
        ],
    ),
    (
        "duty-above-threshold",
        KIMI,
        {**INTERNAL, "monthly_active_users": 150_000_000, "annual_revenue_usd": 1_000},
        [("OBL001", 'above 100,000,000 monthly active users: display "Kimi K2"')],
    ),
    (
        "duty-below-threshold",
        KIMI,
        {**INTERNAL, "monthly_active_users": 100_000_000, "annual_revenue_usd": 1_000},
        [],
    ),
    (
        "duty-unknown-size",
        KIMI,
        INTERNAL,
        [
            ("OBL001", "if you exceed it: above 100,000,000 monthly active users"),
            ("OBL001", "if you exceed it: above 20,000,000 USD annual revenue"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("terms", "facts", "expected"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_obligations_for(
    terms: LicenseTerms, facts: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    found = obligations_for(terms, usage_policy(**facts))
    assert [o.code for o in found] == [code for code, _ in expected]
    for duty, (_, prefix) in zip(found, expected, strict=True):
        assert duty.text.startswith(prefix), duty.text
        assert duty.license == terms.id
        assert duty.source == (terms.aup_url if duty.code == "OBL006" else term_source(terms))


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ((True, None), (True, None)),
        ((False, False), (False, False)),
        ((False, None), (None, False)),
        ((None, None), (None, None)),
        ((True, True), (True, True)),
    ],
)
def test_three_valued_logic(
    facts: tuple[bool | None, bool | None], expected: tuple[bool | None, bool | None]
) -> None:
    assert (any_of(*facts), all_of(*facts)) == expected


@pytest.mark.parametrize(
    ("counts", "shares", "hosted", "expected"),
    [
        (False, False, True, False),
        (True, False, True, True),
        (True, False, None, None),
        (False, None, True, None),
        (False, True, False, True),
    ],
)
def test_hosting_counts_as_distribution_only_where_the_license_says(
    counts: bool, shares: bool | None, hosted: bool | None, expected: bool | None
) -> None:
    from dataclasses import replace

    terms = replace(RAIL, hosted_service_counts_as_distribution=counts)
    assert distributes(terms, Usage(distributes_models=shares, hosted_service=hosted)) is expected


HUB_INDEX = (
    "https://github.com/huggingface/hub-docs/blob/242f4a1e/docs/hub/repositories-licenses.md"
)


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ((HUB_INDEX, "https://opensource.org/licenses/MIT"), "https://opensource.org/licenses/MIT"),
        (("https://a.example/LICENSE", "https://b.example/terms"), "https://a.example/LICENSE"),
        ((HUB_INDEX,), HUB_INDEX),  # nothing better: the index still says where the id is from
        ((), None),
    ],
)
def test_term_source_skips_license_id_indexes(
    sources: tuple[str, ...], expected: str | None
) -> None:
    from dataclasses import replace

    assert term_source(replace(MIT, sources=sources)) == expected


# -- NOTICE ----------------------------------------------------------------------------------

SHIPPING = """\
[usage]
commercial = true
monthly_active_users = 500000
distributes_models = true
modifies_models = false
hosted_service = false
intended_uses = []
outputs_train_models = false
"""


def decisions() -> list[Decision]:
    policy = policy_from_text(SHIPPING, ".model-license-guard.toml", DB)
    findings: list[Known | Unknown] = [
        known("meta-llama/Llama-3.1-8B", "llama3.1", path="src/b.py", line=9),
        known("runwayml/stable-diffusion-v1-5", "creativeml-openrail-m", path="gen.py", line=4),
        known("meta-llama/Llama-3.1-8B", "llama3.1", path="src/a.py", line=2),
        known("x/alpaca", "cc-by-nc-4.0", path="src/c.py", line=1),
        known("acme/combo", "MIT AND llama3.1", path="src/d.py", line=5),
        unknown("someone/mystery"),
    ]
    return [evaluate(f, policy, DB, TODAY) for f in findings]


def test_notice_groups_models_by_license_with_their_duties() -> None:
    notice = render_notice(decisions(), DB)
    assert notice == NOTICE


def test_notice_is_deterministic_whatever_the_order() -> None:
    assert render_notice(list(reversed(decisions())), DB) == render_notice(decisions(), DB)


def test_notice_of_nothing() -> None:
    assert render_notice([], DB).splitlines()[0] == "THIRD-PARTY MODEL NOTICES"
    assert "====" not in render_notice([], DB)


def test_notice_lists_a_license_missing_from_the_database() -> None:
    decision = evaluate(known("o/m", "bespoke-1"), policy_from_text("", "p", DB), DB, TODAY)
    assert decision.verdict is Verdict.WARN and decision.obligations == ()
    notice = render_notice([decision], DB)
    assert "License not in the database (bespoke-1)\n" in notice
    assert "  - o/m (app.py:3)\n" in notice


def test_obligations_are_reported_once_per_decision() -> None:
    decision = decisions()[4]  # MIT AND llama3.1: both licenses' duties, no duplicates
    assert len(decision.obligations) == len(set(decision.obligations))
    assert {o.license for o in decision.obligations} == {"mit", "llama3.1"}
    assert (
        Obligation(
            "OBL002",
            "mit",
            "ship a copy of the MIT License with the model",
            "https://opensource.org/licenses/MIT",
        )
        in decision.obligations
    )


NOTICE = """\
THIRD-PARTY MODEL NOTICES

The machine-learning models this project uses, grouped by license, with the duties
each license attaches. A summary, not legal advice: the license texts govern.
Not listed: 1 model(s) that fail the policy.

==============================================================================
CreativeML Open RAIL-M (creativeml-openrail-m)
==============================================================================
Models:
  - runwayml/stable-diffusion-v1-5 (gen.py:4)

Attribution:
  keep copyright/patent/trademark/attribution notices; mark modified files

Required notices and duties:
  - ship a copy of the CreativeML Open RAIL-M with the model (OBL002)
  - make the use restrictions of the CreativeML Open RAIL-M an enforceable
    term of every agreement with downstream users: automated-legal-decisions,
    child-safety, defamation-harassment, discrimination, disinformation,
    exploit-vulnerable-groups, illegal-activity, law-enforcement,
    medical-advice, personal-data (OBL005)

Use restrictions to pass on to your users:
  - automated-legal-decisions: automated decisions affecting a person's legal
    rights
  - child-safety: content or uses that harm or exploit minors, CSAM
  - defamation-harassment: defaming, harassing, bullying or intimidating
    people
  - discrimination: social scoring or decisions that discriminate on protected
    characteristics
  - disinformation: generating or spreading harmful disinformation, fraud or
    scams
  - exploit-vulnerable-groups: exploiting the vulnerabilities of a specific
    group of people
  - illegal-activity: any use that breaks the law or infringes third-party
    rights
  - law-enforcement: predictive policing, law-enforcement, justice or
    immigration decisions
  - medical-advice: medical advice, clinical decisions, other unlicensed
    professional practice
  - personal-data: collecting or processing personal or sensitive data without
    authorisation

Sources:
  - https://github.com/CompVis/stable-diffusion/blob/21f890f/LICENSE

==============================================================================
Llama 3.1 Community License Agreement (llama3.1)
==============================================================================
Models:
  - acme/combo (src/d.py:5)
  - meta-llama/Llama-3.1-8B (src/a.py:2, src/b.py:9)

Attribution:
  display "Built with Llama"; Notice file crediting the Llama 3.1 license

Required notices and duties:
  - ship a copy of the Llama 3.1 Community License Agreement with the model
    (OBL002)
  - ship a NOTICE file that credits the Llama 3.1 Community License Agreement
    and its copyright holder (OBL003)
  - comply with the acceptable use policy:
    https://llama.meta.com/llama3_1/use-policy (OBL006)

Use restrictions (binding on you):
  - child-safety: content or uses that harm or exploit minors, CSAM
  - critical-infrastructure: operating critical infrastructure, heavy
    machinery or transport
  - defamation-harassment: defaming, harassing, bullying or intimidating
    people
  - discrimination: social scoring or decisions that discriminate on protected
    characteristics
  - disinformation: generating or spreading harmful disinformation, fraud or
    scams
  - illegal-activity: any use that breaks the law or infringes third-party
    rights
  - impersonation: impersonating people or passing machine output off as human
  - malware: generating malicious code or attacking computer systems
  - medical-advice: medical advice, clinical decisions, other unlicensed
    professional practice
  - military: military, warfare, nuclear or espionage uses
  - personal-data: collecting or processing personal or sensitive data without
    authorisation
  - self-harm: promoting self-harm or suicide
  - sexual-content: sexually explicit content or sexual solicitation
  - spam: spam and fake engagement
  - violence: violence, terrorism, weapons, hate or incitement
  - weapons-drugs: weapons, illegal drugs or other illegal goods

Sources:
  - https://github.com/meta-llama/llama-models/blob/a9c89c4/models/llama3_1/LICENSE

==============================================================================
MIT License (mit)
==============================================================================
Models:
  - acme/combo (src/d.py:5)

Attribution:
  keep copyright and permission notice

Required notices and duties:
  - ship a copy of the MIT License with the model (OBL002)

Sources:
  - https://github.com/huggingface/hub-docs/blob/242f4a1e/docs/hub/repositories-licenses.md
  - https://opensource.org/licenses/MIT

==============================================================================
No license declared / unknown (unknown)
==============================================================================
Models:
  - someone/mystery (app.py:3)

Sources:
  - https://github.com/huggingface/hub-docs/blob/242f4a1e/docs/hub/repositories-licenses.md
"""


MONTHLY = replace(KIMI, revenue_limit_period=Period.MONTH, limits_apply_to=LimitScope.COMMERCIAL)
UNSTATED_PERIOD = replace(KIMI, revenue_limit_period=None)


@pytest.mark.parametrize(
    ("terms", "annual", "expected"),
    [
        (KIMI, 20_000_000, False),  # a yearly limit: not "above" at the limit itself
        (KIMI, 20_000_001, True),
        (MONTHLY, 240_000_000, False),  # USD 20M a month exactly
        (MONTHLY, 240_000_012, True),
        (MONTHLY, 200_000_000, False),  # above it per year, not per month
        (UNSTATED_PERIOD, 19_000_000, False),  # within it either way
        (UNSTATED_PERIOD, 200_000_000, None),  # the readings disagree
        (UNSTATED_PERIOD, 300_000_000, True),  # above it either way
        (replace(KIMI, revenue_limit_usd=None), 10**12, False),
    ],
)
def test_revenue_over_counts_the_limit_period(
    terms: LicenseTerms, annual: int, expected: bool | None
) -> None:
    assert revenue_over(terms, annual) is expected


DISPLAY = 'above 20,000,000 USD monthly revenue: display "Kimi K2" when monthly revenue exceeds'


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"annual_revenue_usd": 300_000_000, "commercial": True}, [DISPLAY]),
        ({"annual_revenue_usd": 200_000_000, "commercial": True}, []),
        ({"annual_revenue_usd": 300_000_000, "commercial": False}, []),
        ({"annual_revenue_usd": 300_000_000}, [f"if you use it commercially: {DISPLAY}"]),
        ({}, [f"if you use it commercially and exceed it: {DISPLAY}"]),
    ],
)
def test_threshold_duty_of_a_commercial_monthly_limit(
    facts: dict[str, object], expected: list[str]
) -> None:
    terms = replace(MONTHLY, mau_limit=None)
    found = obligations_for(terms, usage_policy(**{**INTERNAL, **facts}))
    assert [o.text for o in found] == [f"{text} USD 20 million" for text in expected]


GEMMA_LIKE = replace(
    KIMI,
    revenue_limit_usd=None,
    mau_limit=None,
    output_training_effect=OutputTraining.DERIVATIVE,
    name="Gemma Terms of Use",
)
DERIVED = (
    "a model trained on its outputs (distillation, synthetic data) is a derivative that stays "
    "under the Gemma Terms of Use: apply its terms to that model"
)


@pytest.mark.parametrize(
    ("trains", "expected"),
    [
        (True, [("OBL009", DERIVED)]),
        (None, [("OBL009", f"if you train models on its outputs: {DERIVED}")]),
        (False, []),
    ],
)
def test_output_trained_models_stay_under_the_license(
    trains: bool | None, expected: list[tuple[str, str]]
) -> None:
    found = obligations_for(
        GEMMA_LIKE, usage_policy(**{**INTERNAL, "outputs_train_models": trains})
    )
    assert [(o.code, o.text) for o in found] == expected
    assert all(o.source == term_source(GEMMA_LIKE) for o in found)
