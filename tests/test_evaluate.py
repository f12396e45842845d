"""Evaluating findings against license terms and policy facts: verdicts, reasons, lines, fixes."""

from __future__ import annotations

import datetime

import pytest
from test_policy_fakes import DB, LLAMA31, known, unknown

from license_db.expression import parse
from scanner.decide.evaluate import dnf, evaluate, evaluate_unresolved, expression_key
from scanner.decide.policy import Policy, default_policy, policy_from_text
from scanner.types import Confidence, Decision, Known, PolicyLine, RefKind, Unknown, Verdict

P = ".model-license-guard.toml"
TODAY = datetime.date(2026, 11, 22)
PASS, WARN, FAIL = Verdict.PASS, Verdict.WARN, Verdict.FAIL

# The seed example's facts, one per line so the line numbers below are easy to read.
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
LINE = {
    "usage.commercial": 2,
    "usage.monthly_active_users": 3,
    "usage.annual_revenue_usd": 4,
    "usage.distributes_models": 5,
    "usage.modifies_models": 6,
    "usage.hosted_service": 7,
    "usage.region": 8,
    "usage.intended_uses": 9,
    "usage.outputs_train_models": 10,
}


def seed(**facts: object) -> str:
    """The seed policy with some facts replaced (TOML literals) or removed (None)."""
    lines = []
    for line in SEED.splitlines():
        key = line.split(" = ")[0]
        if key in facts:
            if facts[key] is None:
                continue
            line = f"{key} = {facts[key]}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def policy(text: str) -> Policy:
    return policy_from_text(text, P, DB)


def decide(
    resolved: Known | Unknown, text: str | None = None, today: datetime.date = TODAY
) -> Decision:
    chosen = default_policy() if text is None else policy(text)
    return evaluate(resolved, chosen, DB, today)


def codes(decision: Decision) -> list[tuple[str, Verdict]]:
    return [(r.code, r.verdict) for r in decision.reasons]


def reason(decision: Decision, code: str) -> str:
    """The message of the one reason with ``code``."""
    found = [r for r in decision.reasons if r.code == code]
    assert len(found) == 1, decision.reasons
    return found[0].message


# -- the seed examples -------------------------------------------------------------------------


def test_llama31_commercial_500k_users_passes() -> None:
    decision = decide(known("meta-llama/Llama-3.1-8B-Instruct", "llama3.1"), SEED)
    assert decision.verdict is PASS
    assert codes(decision) == [("MDL003", PASS), ("MDL004", PASS), ("MDL008", PASS)]
    assert reason(decision, "MDL004") == (
        "500,000 monthly active users: within the 700,000,000 limit of llama3.1 "
        "(Llama 3.1 Community License Agreement)"
    )
    assert [o.code for o in decision.obligations] == ["OBL001", "OBL006"]
    assert decision.obligations[0].text.startswith('display "Built with Llama"')


def test_llama31_above_700m_users_fails_naming_the_limit() -> None:
    decision = decide(
        known("meta-llama/Llama-3.1-8B", "llama3.1"), seed(monthly_active_users="800000000")
    )
    assert decision.verdict is FAIL
    mau = next(r for r in decision.reasons if r.code == "MDL004")
    assert mau.verdict is FAIL
    assert (
        mau.message == "800,000,000 monthly active users: above the 700,000,000 limit of llama3.1 "
        "(Llama 3.1 Community License Agreement); the license counts monthly active users of "
        "licensee + affiliates in the month before release"
    )
    assert mau.term == "mau_limit = 700000000"
    assert mau.term_source == LLAMA31.sources[0]
    assert mau.policy == PolicyLine(P, 3, "usage.monthly_active_users")
    assert mau.fix == (
        "obtain a separate license from the licensor, choose another model, add an exception in "
        ".model-license-guard.toml, or correct usage.monthly_active_users"
    )


def test_exactly_at_the_limit_passes() -> None:
    decision = decide(known("m/l", "llama3.1"), seed(monthly_active_users="700000000"))
    assert decision.verdict is PASS


def test_cc_by_nc_commercial_fails() -> None:
    decision = decide(known("x/alpaca", "cc-by-nc-4.0"), SEED)
    assert (decision.verdict, codes(decision)) == (FAIL, [("MDL003", FAIL)])
    only = decision.reasons[0]
    assert (
        only.message
        == "cc-by-nc-4.0 (Creative Commons Attribution-NonCommercial 4.0), a non-commercial "
        "license, does not permit commercial use"
    )
    assert (only.term, only.policy) == ("commercial = no", PolicyLine(P, 2, "usage.commercial"))
    assert only.term_source is not None and only.term_source.startswith("https://")


def test_cc_by_nc_non_commercial_passes() -> None:
    decision = decide(known("x/alpaca", "cc-by-nc-4.0"), seed(commercial="false"))
    assert (decision.verdict, codes(decision)) == (PASS, [("MDL003", PASS)])


def test_rail_model_for_medical_advice_fails_naming_the_restriction() -> None:
    text = seed(intended_uses='["medical-advice"]')
    decision = decide(known("runwayml/stable-diffusion-v1-5", "creativeml-openrail-m"), text)
    assert (decision.verdict, codes(decision)) == (FAIL, [("MDL008", FAIL)])
    assert reason(decision, "MDL008") == (
        "intended use 'medical-advice' is restricted by creativeml-openrail-m (CreativeML Open "
        "RAIL-M) (license tag: "
        "medical-advice): medical advice, clinical decisions, other unlicensed "
        "professional practice"
    )
    assert decision.reasons[0].policy == PolicyLine(P, 9, "usage.intended_uses[0]")


def test_distributing_a_rail_model_passes_with_the_flow_down_obligation() -> None:
    decision = decide(
        known("runwayml/stable-diffusion-v1-5", "creativeml-openrail-m"),
        seed(distributes_models="true"),
    )
    assert decision.verdict is PASS
    assert [o.code for o in decision.obligations] == ["OBL001", "OBL002", "OBL005"]
    flow_down = decision.obligations[2]
    assert flow_down.license == "creativeml-openrail-m"
    assert flow_down.text.startswith(
        "make the use restrictions of the CreativeML Open RAIL-M an enforceable term of every "
        "agreement with downstream users: automated-legal-decisions, child-safety"
    )
    assert flow_down.source == "https://github.com/CompVis/stable-diffusion/blob/21f890f/LICENSE"


# -- one row per license term ----------------------------------------------------------------

TERM_ROWS = [
    # (id, license, policy text, verdict, [(code, verdict)], message fragment)
    ("permissive", "mit", SEED, PASS, [], None),
    (
        "commercial-unstated-nc",
        "cc-by-nc-4.0",
        seed(commercial=None),
        WARN,
        [("MDL016", WARN)],
        "cc-by-nc-4.0 (Creative Commons Attribution-NonCommercial 4.0), a non-commercial "
        "license, forbids commercial use, and the policy does not state usage.commercial",
    ),
    (
        "commercial-unverified",
        "lgpl-lr",
        seed(),
        WARN,
        [("MDL016", WARN), ("MDL016", WARN)],
        "whether lgpl-lr (Lesser General Public License For Linguistic Resources) permits "
        "commercial use is not verified",
    ),
    (
        "commercial-unverified-noncommercial",
        "lgpl-lr",
        seed(commercial="false", modifies_models="false"),
        PASS,
        [],
        None,
    ),
    (
        "conditional-unmodelled",
        "openrail",
        seed(intended_uses=None),
        WARN,
        [("MDL016", WARN)] * 4,
        "openrail (OpenRAIL license family (variant unspecified)) permits commercial use only "
        "under conditions not modelled here",
    ),
    (
        "revenue-over",
        "stabilityai-ai-community",
        seed(),
        FAIL,
        [("MDL003", PASS), ("MDL005", FAIL)],
        "annual revenue of USD 2,000,000: above the USD 1,000,000 limit of "
        "stabilityai-ai-community (Stability AI Community License Agreement); "
        "the license counts annual revenue of licensee + affiliates",
    ),
    (
        "revenue-under",
        "stabilityai-ai-community",
        seed(annual_revenue_usd="999999"),
        PASS,
        [("MDL003", PASS), ("MDL005", PASS)],
        "annual revenue of USD 999,999: within the USD 1,000,000 limit of "
        "stabilityai-ai-community (Stability AI Community License Agreement)",
    ),
    (
        "revenue-unstated",
        "stabilityai-ai-community",
        seed(annual_revenue_usd=None),
        WARN,
        [("MDL003", PASS), ("MDL016", WARN)],
        "stabilityai-ai-community (Stability AI Community License Agreement) limits annual "
        "revenue to USD 1,000,000; the license counts annual "
        "revenue of licensee + affiliates, and the policy does not "
        "state usage.annual_revenue_usd",
    ),
    (
        "limit-duty-not-a-failure",
        "modified-mit-kimi",
        seed(monthly_active_users="200000000"),
        PASS,
        [("MDL004", PASS), ("MDL005", PASS)],
        "200,000,000 monthly active users: above the 100,000,000 threshold of modified-mit-kimi "
        '(Modified MIT License (Kimi K2)); the license counts display "Kimi K2" prominently in '
        "the user interface, which attaches a duty, not a loss of the grant (see obligations)",
    ),
    (
        "distribution-forbidden",
        "microsoft-research-license",
        seed(commercial="false", distributes_models="true", hosted_service="false"),
        FAIL,
        [("MDL003", PASS), ("MDL006", FAIL)],
        "microsoft-research-license (Microsoft Research License) does not permit distributing "
        "the model",
    ),
    (
        "distribution-unstated",
        "microsoft-research-license",
        seed(commercial="false", distributes_models=None),
        WARN,
        [("MDL003", PASS), ("MDL016", WARN), ("MDL015", WARN)],
        "microsoft-research-license (Microsoft Research License) does not permit distributing "
        "the model, and the policy does "
        "not state usage.distributes_models",
    ),
    (
        "distribution-unverified",
        "openrail",
        seed(distributes_models="true", intended_uses=None),
        WARN,
        [("MDL016", WARN)] * 5,
        "whether openrail (OpenRAIL license family (variant unspecified)) permits distributing "
        "the model is not verified",
    ),
    (
        "hosting-forbidden",
        "mnpl",
        seed(commercial="false"),
        FAIL,
        [("MDL003", PASS), ("MDL015", FAIL)],
        "mnpl (Mistral AI Non-Production License) does not permit offering the model as a hosted "
        "service",
    ),
    (
        "hosting-unstated",
        "mnpl",
        seed(commercial="false", hosted_service=None),
        WARN,
        [("MDL003", PASS), ("MDL016", WARN)],
        "and the policy does not state usage.hosted_service",
    ),
    (
        "research-only-hosted",
        "qwen-research",
        seed(commercial="false"),
        WARN,
        [("MDL003", PASS), ("MDL015", WARN)],
        "qwen-research (Qwen Research License) is a research-only license: a hosted service is "
        "production use",
    ),
    (
        "research-only-internal",
        "qwen-research",
        seed(commercial="false", hosted_service="false"),
        PASS,
        [("MDL003", PASS)],
        None,
    ),
    (
        "intended-uses-unstated",
        "creativeml-openrail-m",
        seed(intended_uses=None),
        WARN,
        [("MDL016", WARN)],
        "creativeml-openrail-m (CreativeML Open RAIL-M) restricts 10 kinds of use",
    ),
    (
        "intended-use-law-enforcement",
        "creativeml-openrail-m",
        seed(intended_uses='["spam", "law-enforcement"]'),
        FAIL,
        [("MDL008", FAIL)],
        "intended use 'law-enforcement' is restricted by creativeml-openrail-m (CreativeML Open "
        "RAIL-M) (license tag: "
        "law-enforcement-justice-immigration)",
    ),
    (
        "intended-uses-unverified",
        "openrail",
        seed(intended_uses='["spam"]'),
        WARN,
        [("MDL016", WARN)] * 4,
        "the use restrictions of openrail (OpenRAIL license family (variant unspecified)) are "
        "not (fully) verified",
    ),
    (
        "output-training-restricted",
        "llama2",
        seed(outputs_train_models="true"),
        FAIL,
        [("MDL003", PASS), ("MDL004", PASS), ("MDL008", PASS), ("MDL009", FAIL)],
        "llama2 (Llama 2 Community License Agreement) restricts training models on its outputs: "
        "Llama 2 outputs may not be used",
    ),
    (
        "output-training-unstated",
        "llama2",
        seed(outputs_train_models=None),
        WARN,
        [("MDL003", PASS), ("MDL004", PASS), ("MDL008", PASS), ("MDL016", WARN)],
        "llama2 (Llama 2 Community License Agreement) restricts training on its outputs, and the "
        "policy does not state",
    ),
    (
        "output-training-free",
        "llama3.1",
        seed(outputs_train_models="true"),
        PASS,
        [("MDL003", PASS), ("MDL004", PASS), ("MDL008", PASS)],
        None,
    ),
    (
        "region-restricted",
        "regional-test",
        seed(region='"CN"'),
        FAIL,
        [("MDL010", FAIL)],
        "regional-test (Region-restricted license) withholds its grant in CN: grant withheld in "
        "the EU and China",
    ),
    (
        "region-member-state",
        "regional-test",
        seed(region='"DE"'),
        FAIL,
        [("MDL010", FAIL)],
        "regional-test (Region-restricted license) withholds its grant in DE",
    ),
    ("region-free", "regional-test", seed(region='"US"'), PASS, [], None),
    (
        "region-unstated",
        "regional-test",
        seed(region=None),
        WARN,
        [("MDL016", WARN)],
        "regional-test (Region-restricted license) withholds its grant in EU, CN, and the policy "
        "does not state usage.region",
    ),
    (
        "region-scoped-clause",
        "llama3.2",
        seed(region='"FR"'),
        WARN,
        [("MDL003", PASS), ("MDL004", PASS), ("MDL008", PASS), ("MDL010", WARN)],
        "llama3.2 (Llama 3.2 Community License Agreement) withholds its grant from organisations "
        "in FR "
        "for some of its models only (AUP withholds the grant for the vision models in the EU): "
        "check whether this model is one of them",
    ),
    (
        "share-alike",
        "cc-by-sa-4.0",
        seed(distributes_models="true"),
        WARN,
        [("MDL022", WARN)],
        "cc-by-sa-4.0 (CC BY-SA 4.0) is share-alike",
    ),
    ("share-alike-not-distributed", "cc-by-sa-4.0", seed(), PASS, [], None),
    (
        "agpl-network",
        "agpl-3.0",
        seed(),
        WARN,
        [("MDL023", WARN)],
        "agpl-3.0 (GNU AGPL v3.0) reaches network use",
    ),
    ("agpl-not-hosted", "agpl-3.0", seed(hosted_service="false"), PASS, [], None),
    (
        "unknown-category",
        "unknown",
        seed(),
        WARN,
        [("MDL001", WARN)],
        "license 'unknown' is unknown (No license declared / unknown)",
    ),
    (
        "not-in-database",
        "bespoke-license-9",
        seed(),
        WARN,
        [("MDL001", WARN)],
        "license 'bespoke-license-9' is unknown (not in the license database)",
    ),
]


@pytest.mark.parametrize(
    ("license_text", "text", "verdict", "expected", "fragment"),
    [row[1:] for row in TERM_ROWS],
    ids=[row[0] for row in TERM_ROWS],
)
def test_license_terms_against_policy_facts(
    license_text: str,
    text: str,
    verdict: Verdict,
    expected: list[tuple[str, Verdict]],
    fragment: str | None,
) -> None:
    decision = decide(known("org/model", license_text), text)
    assert decision.verdict is verdict
    assert codes(decision) == expected
    if fragment is not None:
        assert any(fragment in r.message for r in decision.reasons), decision.reasons


@pytest.mark.parametrize(
    ("license_text", "text", "key"),
    [
        ("cc-by-nc-4.0", seed(commercial=None), "usage.commercial"),
        (
            "microsoft-research-license",
            seed(commercial="false", distributes_models=None),
            "usage.distributes_models",
        ),
        ("llama2", seed(outputs_train_models=None), "usage.outputs_train_models"),
        ("regional-test", seed(region=None), "usage.region"),
    ],
)
def test_unstated_fact_points_at_the_table_and_asks_for_the_key(
    license_text: str, text: str, key: str
) -> None:
    warning = next(
        r for r in decide(known("o/m", license_text), text).reasons if r.code == "MDL016"
    )
    assert warning.policy == PolicyLine(P, 1, key)  # the [usage] header: where to add it
    assert warning.fix == f"state {key} in {P}"


def test_every_failing_reason_carries_term_source_policy_and_fix() -> None:
    for row in TERM_ROWS:
        for r in decide(known("o/m", row[1]), row[2]).reasons:
            if r.verdict is not PASS:
                assert r.term and r.policy and r.fix, (row[0], r)


def test_hosting_that_counts_as_distribution_is_named_as_such() -> None:
    from dataclasses import replace

    from test_policy_fakes import MSR, FakeDB

    counting = replace(MSR, hosted_service_counts_as_distribution=True)
    db = FakeDB((counting,))
    decision = evaluate(
        known("o/m", "microsoft-research-license"),
        policy_from_text(seed(commercial="false"), P, db),
        db,
        TODAY,
    )
    failing = next(r for r in decision.reasons if r.code == "MDL006")
    assert (failing.verdict, failing.policy) == (FAIL, PolicyLine(P, 7, "usage.hosted_service"))


# -- the embedded default --------------------------------------------------------------------


def test_default_policy_warns_for_every_unstated_fact_a_term_needs() -> None:
    decision = decide(known("meta-llama/Llama-3.1-8B", "llama3.1"))
    assert decision.verdict is WARN
    assert codes(decision) == [("MDL003", PASS), ("MDL016", WARN), ("MDL016", WARN)]
    assert [r.policy for r in decision.reasons[1:]] == [
        PolicyLine("embedded default", None, "usage.monthly_active_users"),
        PolicyLine("embedded default", None, "usage.intended_uses"),
    ]
    assert all(o.text.startswith("if you ") for o in decision.obligations if o.code != "OBL006")


@pytest.mark.parametrize(
    ("license_text", "verdict"),
    [("mit", PASS), ("cc-by-nc-4.0", FAIL), ("apache-2.0", PASS), ("agpl-3.0", PASS)],
)
def test_default_policy_is_commercial_use(license_text: str, verdict: Verdict) -> None:
    assert decide(known("o/m", license_text)).verdict is verdict


# -- SPDX expressions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("license_text", "verdict", "expected", "chosen"),
    [
        ("MIT OR Apache-2.0", PASS, [("MDL024", PASS)], "MIT"),
        ("cc-by-nc-4.0 OR mit", PASS, [("MDL024", PASS)], "mit"),
        ("cc-by-nc-4.0 OR mnpl", FAIL, [("MDL024", PASS), ("MDL003", FAIL)], "cc-by-nc-4.0"),
        ("mit AND cc-by-nc-4.0", FAIL, [("MDL003", FAIL)], None),
        ("mit AND llama3.1", PASS, [("MDL003", PASS), ("MDL004", PASS), ("MDL008", PASS)], None),
        ("mit AND (cc-by-nc-4.0 OR apache-2.0)", PASS, [("MDL024", PASS)], "mit AND apache-2.0"),
        (
            "(mit OR cc-by-nc-4.0) AND agpl-3.0",
            WARN,
            [("MDL024", PASS), ("MDL023", WARN)],
            "mit AND agpl-3.0",
        ),
        ("not ( valid", WARN, [("MDL001", WARN)], None),
    ],
)
def test_expressions_and_means_every_branch_or_means_the_best(
    license_text: str, verdict: Verdict, expected: list[tuple[str, Verdict]], chosen: str | None
) -> None:
    decision = decide(known("o/m", license_text), SEED)
    assert (decision.verdict, codes(decision)) == (verdict, expected)
    assert decision.license == license_text
    if chosen is not None:
        assert f"evaluated under {chosen}, the choice that fits the policy best" in (
            decision.reasons[0].message
        )


@pytest.mark.parametrize(
    ("text", "branches"),
    [
        ("mit", [("mit",)]),
        ("a OR b", [("a",), ("b",)]),
        ("a AND (b OR c)", [("a", "b"), ("a", "c")]),
        ("(a OR b) AND (c OR a)", [("a", "c"), ("a",), ("b", "c"), ("b", "a")]),
    ],
)
def test_dnf(text: str, branches: list[tuple[str, ...]]) -> None:
    assert dnf(parse(text)) == branches


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("MIT", "mit", True),
        ("Apache-2.0 OR MIT", "mit OR apache-2.0", True),
        ("mit AND llama3.1", "llama3.1 AND MIT", True),
        ("mit AND llama3.1", "mit OR llama3.1", False),
        ("llama2", "llama3.1", False),
    ],
)
def test_expression_key(a: str, b: str, same: bool) -> None:
    assert (expression_key(a, DB) == expression_key(b, DB)) is same


# -- allow- and deny-lists -------------------------------------------------------------------

LIST_ROWS = [
    # (id, lists, license, verdict, [(code, verdict)], policy key of the deciding reason)
    (
        "denied",
        'deny = ["cc-by-sa-4.0"]',
        "cc-by-sa-4.0",
        FAIL,
        [("MDL011", FAIL)],
        "licenses.deny[0]",
    ),
    (
        "denied-by-spdx-id",
        'deny = ["GPL-3.0-only"]',
        "gpl-3.0",
        FAIL,
        [("MDL011", FAIL)],
        "licenses.deny[0]",
    ),
    (
        "deny-or-entry",
        'deny = ["mnpl", "agpl-3.0 OR gpl-3.0"]',
        "gpl-3.0",
        FAIL,
        [("MDL011", FAIL)],
        "licenses.deny[1]",
    ),
    ("deny-and-entry-needs-both", 'deny = ["mit AND llama3.1"]', "mit", PASS, [], None),
    (
        "deny-and-entry-both",
        'deny = ["mit AND llama3.1"]',
        "mit AND llama3.1",
        FAIL,
        [("MDL011", FAIL), ("MDL011", FAIL), ("MDL003", PASS), ("MDL004", PASS), ("MDL008", PASS)],
        "licenses.deny[0]",
    ),
    ("not-allowed", 'allow = ["mit"]', "apache-2.0", FAIL, [("MDL012", FAIL)], "licenses.allow"),
    ("allowed", 'allow = ["mit"]', "MIT", PASS, [("MDL012", PASS)], "licenses.allow[0]"),
    (
        "allow-or-entry",
        'allow = ["MIT OR Apache-2.0"]',
        "apache-2.0",
        PASS,
        [("MDL012", PASS)],
        "licenses.allow[0]",
    ),
    (
        "allow-and-entry-alone",
        'allow = ["mit AND llama3.1"]',
        "mit",
        FAIL,
        [("MDL012", FAIL)],
        "licenses.allow",
    ),
    (
        "allowed-still-checks-terms",
        'allow = ["cc-by-nc-4.0"]',
        "cc-by-nc-4.0",
        FAIL,
        [("MDL012", PASS), ("MDL003", FAIL)],
        "licenses.allow[0]",
    ),
    (
        "expression-passes-when-a-branch-is-allowed",
        'allow = ["mit"]',
        "gpl-3.0 OR mit",
        PASS,
        [("MDL024", PASS), ("MDL012", PASS)],
        "licenses.allow[0]",
    ),
    (
        "and-needs-every-term-allowed",
        'allow = ["mit"]',
        "mit AND apache-2.0",
        FAIL,
        [("MDL012", PASS), ("MDL012", FAIL)],
        "licenses.allow[0]",
    ),
]


@pytest.mark.parametrize(
    ("lists", "license_text", "verdict", "expected", "key"),
    [row[1:] for row in LIST_ROWS],
    ids=[row[0] for row in LIST_ROWS],
)
def test_allow_and_deny_lists(
    lists: str,
    license_text: str,
    verdict: Verdict,
    expected: list[tuple[str, Verdict]],
    key: str | None,
) -> None:
    text = seed(intended_uses="[]") + "\n[licenses]\n" + lists + "\n"
    decision = decide(known("o/m", license_text), text)
    assert (decision.verdict, codes(decision)) == (verdict, expected)
    if key is not None:
        first = next(r for r in decision.reasons if r.code in ("MDL011", "MDL012"))
        assert first.policy is not None and first.policy.key == key
        assert first.policy.line == 13  # the [licenses] entry's line


# -- special findings ------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "verdict"), [("fail", FAIL), ("warn", WARN), ("pass", PASS)])
def test_unknown_model_follows_on_unknown(action: str, verdict: Verdict) -> None:
    decision = decide(unknown("someone/mystery"), f'{SEED}\n[on]\nunknown = "{action}"\n')
    assert (decision.verdict, codes(decision)) == (verdict, [("MDL001", verdict)])
    assert decision.reasons[0].policy == PolicyLine(P, 13, "on.unknown")
    assert decision.license is None and decision.match is None
    assert "license of someone/mystery is unknown" in decision.reasons[0].message


@pytest.mark.parametrize(("action", "verdict"), [("fail", FAIL), ("warn", WARN), ("pass", PASS)])
def test_inferred_license_follows_on_inferred(action: str, verdict: Verdict) -> None:
    finding = known("someone/llama-ft", "mit", inferred=True, base="meta-llama/Llama-3.1-8B")
    decision = decide(finding, f'{SEED}\n[on]\ninferred = "{action}"\n')
    assert (decision.verdict, codes(decision)) == (verdict, [("MDL013", verdict)])
    assert reason(decision, "MDL013") == (
        "license mit is inferred from meta-llama/Llama-3.1-8B, not declared by someone/llama-ft "
        "(fine-tune of meta-llama/Llama-3.1-8B)"
    )


@pytest.mark.parametrize(("action", "verdict"), [("fail", FAIL), ("warn", WARN), ("pass", PASS)])
def test_proprietary_api_follows_on_proprietary_api(action: str, verdict: Verdict) -> None:
    finding = known("gpt-4o", "proprietary-api-openai", kind=RefKind.API)
    decision = decide(
        finding, seed(distributes_models="true") + f'\n[on]\nproprietary_api = "{action}"\n'
    )
    # no weights change hands: distribution and modification are not checked
    assert codes(decision) == [("MDL014", verdict), ("MDL008", PASS)]
    assert decision.verdict is verdict
    assert [o.code for o in decision.obligations] == ["OBL008"]


def test_proprietary_api_output_training_restriction() -> None:
    finding = known("gpt-4o", "proprietary-api-openai", kind=RefKind.API)
    decision = decide(finding, seed(outputs_train_models="true"))
    assert codes(decision) == [("MDL014", WARN), ("MDL008", PASS), ("MDL009", FAIL)]


@pytest.mark.parametrize(
    ("evaluate_datasets", "verdict", "expected"),
    [("false", PASS, [("MDL021", PASS)]), ("true", FAIL, [("MDL003", FAIL)])],
)
def test_datasets_are_evaluated_only_when_asked(
    evaluate_datasets: str, verdict: Verdict, expected: list[tuple[str, Verdict]]
) -> None:
    finding = known("org/data", "cc-by-nc-4.0", kind=RefKind.DATASET)
    decision = decide(finding, f"{SEED}\n[datasets]\nevaluate = {evaluate_datasets}\n")
    assert (decision.verdict, codes(decision)) == (verdict, expected)


def test_unknown_dataset_is_not_evaluated_by_default() -> None:
    decision = decide(unknown("org/data", RefKind.DATASET), SEED)
    assert (decision.verdict, codes(decision)) == (PASS, [("MDL021", PASS)])


@pytest.mark.parametrize(("action", "verdict"), [("fail", FAIL), ("warn", WARN), ("pass", PASS)])
def test_unresolved_follows_on_unresolved(action: str, verdict: Verdict) -> None:
    assert evaluate_unresolved(policy(f'[on]\nunresolved = "{action}"\n')) is verdict
    assert evaluate_unresolved(default_policy()) is WARN


@pytest.mark.parametrize(("license_text", "verdict"), [("mit", PASS), ("cc-by-nc-4.0", FAIL)])
def test_low_confidence_reference_keeps_its_verdict_and_says_so(
    license_text: str, verdict: Verdict
) -> None:
    from dataclasses import replace

    finding = known("org/model", license_text)
    finding = replace(finding, ref=replace(finding.ref, confidence=Confidence.LOW))
    decision = decide(finding, SEED)
    assert decision.verdict is verdict
    assert codes(decision)[-1] == ("MDL020", PASS)
    assert "found by the fallback tokenizer" in decision.reasons[-1].message


# -- exceptions ------------------------------------------------------------------------------

EXCEPTION = """
[[exceptions]]
model = "{model}"
license = "{license}"
reason = "evaluation only"
approved_by = "legal@example.com"
{expires}
"""


def with_exception(model: str, license_text: str, expires: str | None, extra: str = "") -> str:
    line = f"expires = {expires}" if expires else ""
    return (
        extra
        + seed(commercial="true")
        + EXCEPTION.format(model=model, license=license_text, expires=line)
    )


EXCEPTION_ROWS = [
    # (id, finding, exception model, license, expires, verdict, [(code, verdict)], fragment)
    (
        "covers",
        known("x/nc-model", "cc-by-nc-4.0"),
        "x/nc-model",
        "cc-by-nc-4.0",
        "2027-06-30",
        PASS,
        [("MDL003", PASS)],
        "covered by exception for x/nc-model (evaluation only, approved by legal@example.com, "
        "expires 2027-06-30): "
        "cc-by-nc-4.0 (Creative Commons Attribution-NonCommercial 4.0), a non-commercial "
        "license, does not permit commercial use",
    ),
    (
        "case-insensitive-id",
        known("X/NC-Model", "cc-by-nc-4.0"),
        "x/nc-model",
        "CC-BY-NC-4.0",
        None,
        PASS,
        [("MDL003", PASS)],
        "no expiry date",
    ),
    (
        "pattern",
        known("x/nc-7b", "cc-by-nc-4.0"),
        "x/nc-*",
        "cc-by-nc-4.0",
        None,
        PASS,
        [("MDL003", PASS)],
        "covered by exception",
    ),
    (
        "pattern-miss",
        known("y/nc-7b", "cc-by-nc-4.0"),
        "x/nc-*",
        "cc-by-nc-4.0",
        None,
        FAIL,
        [("MDL003", FAIL)],
        None,
    ),
    (
        "expiring-soon",
        known("x/nc", "cc-by-nc-4.0"),
        "x/nc",
        "cc-by-nc-4.0",
        "2026-12-10",
        WARN,
        [("MDL003", PASS), ("MDL017", WARN)],
        "exception for x/nc expires on 2026-12-10 (in 18 days)",
    ),
    (
        "expires-today-still-applies",
        known("x/nc", "cc-by-nc-4.0"),
        "x/nc",
        "cc-by-nc-4.0",
        "2026-11-22",
        WARN,
        [("MDL003", PASS), ("MDL017", WARN)],
        "(in 0 days)",
    ),
    (
        "expired",
        known("x/nc", "cc-by-nc-4.0"),
        "x/nc",
        "cc-by-nc-4.0",
        "2026-11-21",
        FAIL,
        [("MDL003", FAIL), ("MDL018", WARN)],
        "exception for x/nc no longer applies: expired on 2026-11-21",
    ),
    (
        "license-changed",
        known("meta-llama/Llama-2-7b-hf", "cc-by-nc-4.0"),
        "meta-llama/Llama-2-7b-hf",
        "llama2",
        "2027-06-30",
        FAIL,
        [("MDL003", FAIL), ("MDL018", WARN)],
        "license changed from llama2 to cc-by-nc-4.0 in database test: approved under llama2",
    ),
    (
        "changed-to-passing-license",
        known("x/m", "mit"),
        "x/m",
        "cc-by-nc-4.0",
        None,
        PASS,
        [("MDL018", PASS)],
        "license changed from cc-by-nc-4.0 to mit in database test",
    ),
    ("not-needed", known("x/m", "mit"), "x/m", "mit", "2026-12-01", PASS, [], None),
    (
        "expression-pinned",
        known("x/m", "cc-by-nc-4.0 AND mit"),
        "x/m",
        "MIT AND CC-BY-NC-4.0",
        None,
        PASS,
        [("MDL003", PASS)],
        "covered by exception",
    ),
    (
        "unknown-model",
        unknown("x/mystery"),
        "x/mystery",
        "unknown",
        None,
        PASS,
        [("MDL001", PASS)],
        "covered by exception for x/mystery (evaluation only",
    ),
    (
        "unknown-model-other-license",
        unknown("x/mystery"),
        "x/mystery",
        "mit",
        None,
        WARN,
        [("MDL001", WARN), ("MDL018", WARN)],
        "license changed from mit to unknown in database test",
    ),
]


@pytest.mark.parametrize(
    ("finding", "model", "license_text", "expires", "verdict", "expected", "fragment"),
    [row[1:] for row in EXCEPTION_ROWS],
    ids=[row[0] for row in EXCEPTION_ROWS],
)
def test_exceptions(
    finding: Known | Unknown,
    model: str,
    license_text: str,
    expires: str | None,
    verdict: Verdict,
    expected: list[tuple[str, Verdict]],
    fragment: str | None,
) -> None:
    text = with_exception(model, license_text, expires, extra='[on]\nunknown = "warn"\n')
    decision = decide(finding, text)
    assert (decision.verdict, codes(decision)) == (verdict, expected)
    if fragment is not None:
        assert any(fragment in r.message for r in decision.reasons), decision.reasons


def test_covered_reason_cites_the_exception_line() -> None:
    text = with_exception("x/nc", "cc-by-nc-4.0", "2026-12-10")
    decision = decide(known("x/nc", "cc-by-nc-4.0"), text)
    covered, expiring = decision.reasons
    assert covered.policy == PolicyLine(P, 12, "exceptions[0]")
    assert covered.term == "commercial = no" and covered.fix is None
    assert expiring.policy == PolicyLine(P, 17, "exceptions[0].expires")


def test_warn_days_is_configurable() -> None:
    text = with_exception("x/nc", "cc-by-nc-4.0", "2026-12-10", extra="exceptions_warn_days = 7\n")
    assert decide(known("x/nc", "cc-by-nc-4.0"), text).verdict is PASS


def test_first_applicable_exception_wins_and_stale_ones_stay_quiet() -> None:
    text = with_exception("x/nc", "cc-by-nc-4.0", "2020-01-01") + EXCEPTION.format(
        model="x/*", license="cc-by-nc-4.0", expires=""
    )
    decision = decide(known("x/nc", "cc-by-nc-4.0"), text)
    assert (decision.verdict, codes(decision)) == (PASS, [("MDL003", PASS)])
    assert decision.reasons[0].policy == PolicyLine(P, 19, "exceptions[1]")
