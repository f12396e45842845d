"""Policy files: finding, loading, line numbers, and every validation error with its line."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from test_policy_fakes import DB

from license_db.vocabulary import USE_CATEGORIES
from scanner.decide.policy import (
    DEFAULT_SOURCE,
    LicenseLists,
    OnActions,
    Policy,
    PolicyError,
    PolicyException,
    PolicyProblem,
    Usage,
    default_policy,
    find_policy,
    load_policy,
    policy_from_text,
    validate_policy,
)
from scanner.decide.policy_lines import key_lines
from scanner.decide.policy_template import STARTER_POLICY
from scanner.types import PolicyLine, Verdict

FULL = """\
exceptions_warn_days = 14

[usage]
commercial = true
monthly_active_users = 500000
annual_revenue_usd = 2000000
distributes_models = false
modifies_models = true
hosted_service = true
region = "us"
intended_uses = [
  "medical-advice",   # clinical triage
  "law-enforcement",
]
outputs_train_models = false

[licenses]
allow = ["MIT OR Apache-2.0", "llama3.1"]
deny = ["cc-by-nc-4.0"]

[on]
unknown = "fail"
unresolved = "pass"
inferred = "warn"
proprietary_api = "FAIL"

[datasets]
evaluate = true

[[exceptions]]
model = "meta-llama/Llama-2-7b-hf"
license = "llama2"
reason = "evaluation only"
approved_by = "legal@example.com"
expires = 2027-06-30

[[exceptions]]
model = "acme/*"
license = "MIT"
reason = "our own models"
approved_by = "cto"
"""


def problems(text: str, source: str = ".model-license-guard.toml") -> list[str]:
    """Every problem of ``text`` as rendered strings ([] when it is valid)."""
    try:
        policy_from_text(text, source, DB)
    except PolicyError as exc:
        return [str(p) for p in exc.problems]
    return []


# -- loading ---------------------------------------------------------------------------------


def test_full_policy_loads_every_fact() -> None:
    policy = policy_from_text(FULL, ".model-license-guard.toml", DB)
    assert policy.usage == Usage(
        commercial=True,
        monthly_active_users=500_000,
        annual_revenue_usd=2_000_000,
        distributes_models=False,
        modifies_models=True,
        hosted_service=True,
        region="US",
        intended_uses=("medical-advice", "law-enforcement"),
        outputs_train_models=False,
    )
    assert policy.licenses == LicenseLists(("MIT OR Apache-2.0", "llama3.1"), ("cc-by-nc-4.0",))
    assert policy.on == OnActions(Verdict.FAIL, Verdict.PASS, Verdict.WARN, Verdict.FAIL)
    assert policy.exceptions == (
        PolicyException(
            "meta-llama/Llama-2-7b-hf",
            "llama2",
            "evaluation only",
            "legal@example.com",
            datetime.date(2027, 6, 30),
            "exceptions[0]",
        ),
        PolicyException("acme/*", "MIT", "our own models", "cto", None, "exceptions[1]"),
    )
    assert (policy.evaluate_datasets, policy.exceptions_warn_days) == (True, 14)
    assert policy.source == ".model-license-guard.toml" and not policy.is_default


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("exceptions_warn_days", 1),
        ("usage", 3),
        ("usage.commercial", 4),
        ("usage.monthly_active_users", 5),
        ("usage.region", 10),
        ("usage.intended_uses", 11),
        ("usage.intended_uses[0]", 12),
        ("usage.intended_uses[1]", 13),
        ("usage.outputs_train_models", 15),
        ("licenses.allow[1]", 18),
        ("licenses.deny[0]", 19),
        ("on.proprietary_api", 25),
        ("datasets.evaluate", 28),
        ("exceptions[0]", 30),
        ("exceptions[0].license", 32),
        ("exceptions[0].expires", 35),
        ("exceptions[1]", 37),
        ("exceptions[1].model", 38),
        # not written: the closest written parent, else the file
        ("exceptions[1].expires", 37),
        ("usage.intended_uses[7]", 11),
        ("nothing.here", None),
    ],
)
def test_policy_line_of_each_key(key: str, line: int | None) -> None:
    policy = policy_from_text(FULL, ".model-license-guard.toml", DB)
    assert policy.line(key) == PolicyLine(".model-license-guard.toml", line, key)


def test_default_policy_states_only_commercial_use() -> None:
    policy = default_policy()
    assert policy.usage == Usage(commercial=True)
    assert policy.on == OnActions()
    assert policy.source == DEFAULT_SOURCE and policy.is_default
    assert policy.line("usage.distributes_models") == PolicyLine(
        "embedded default", None, "usage.distributes_models"
    )


def test_empty_file_states_nothing() -> None:
    policy = policy_from_text("# nothing yet\n", "p.toml", DB)
    assert policy == Policy(source="p.toml")
    assert policy.usage.commercial is None  # unlike the embedded default


PYPROJECT = """\
[project]
name = "demo"

[tool.ruff]
line-length = 100

[tool.model-license-guard.usage]
commercial = false
intended_uses = ["medical-advise"]

[[tool.model-license-guard.exceptions]]
model = "x/y"
license = "mit"
reason = "r"
approved_by = "a"
"""


def test_pyproject_table_with_its_own_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace("medical-advise", "medical-advice"))
    policy = load_policy(tmp_path, None, DB)
    assert policy.source == "pyproject.toml"
    assert policy.usage == Usage(commercial=False, intended_uses=("medical-advice",))
    assert policy.line("usage.commercial") == PolicyLine("pyproject.toml", 8, "usage.commercial")
    assert policy.line("exceptions[0].license").line == 13


def test_pyproject_problem_lines(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    assert [str(p) for p in validate_policy(tmp_path, None, DB)] == [
        "pyproject.toml:9: unknown intended use 'medical-advise' (did you mean medical-advice?)"
    ]


@pytest.mark.parametrize(
    ("files", "explicit", "expected"),
    [
        ({}, None, None),
        ({"pyproject.toml": "[project]\nname = 'x'\n"}, None, None),
        ({"pyproject.toml": "[tool.model-license-guard]\n"}, None, "pyproject.toml"),
        (
            {"pyproject.toml": "[tool.model-license-guard.on]\nunknown='fail'\n"},
            None,
            "pyproject.toml",
        ),
        # a broken pyproject that seems to hold the table: found, so its error is reported
        ({"pyproject.toml": "[tool.model-license-guard]\nx = \n"}, None, "pyproject.toml"),
        ({"pyproject.toml": "[tool.other]\nx = \n"}, None, None),
        (
            {".model-license-guard.toml": "", "pyproject.toml": "[tool.model-license-guard]\n"},
            None,
            ".model-license-guard.toml",
        ),
        ({".model-license-guard.toml": ""}, "custom/policy.toml", "custom/policy.toml"),
    ],
)
def test_find_policy_precedence(
    tmp_path: Path, files: dict[str, str], explicit: str | None, expected: str | None
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = find_policy(tmp_path, tmp_path / explicit if explicit else None)
    assert found == (tmp_path / expected if expected else None)


def test_load_without_file_is_the_default(tmp_path: Path) -> None:
    assert load_policy(tmp_path, None, DB) == default_policy()


def test_dedicated_file_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / ".model-license-guard.toml").write_text("[usage]\ncommercial = false\n")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.model-license-guard.usage]\ncommercial = true\n"
    )
    policy = load_policy(tmp_path, None, DB)
    assert (policy.source, policy.usage.commercial) == (".model-license-guard.toml", False)


def test_explicit_file_outside_root_and_missing_file(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("[on]\nunknown = 'fail'\n")
    root = tmp_path / "repo"
    root.mkdir()
    assert load_policy(root, outside, DB).on.unknown is Verdict.FAIL
    with pytest.raises(PolicyError) as caught:
        load_policy(root, root / "nope.toml", DB)
    assert caught.value.problems[0].file == "nope.toml"
    assert caught.value.problems[0].message.startswith("cannot read policy file")


@pytest.mark.parametrize(
    "text",
    ["[project]\nname = 'x'\n", "tool = 3\n", "[tool]\nmodel-license-guard = 'on'\n"],
)
def test_explicit_pyproject_without_table(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    assert [str(p) for p in validate_policy(tmp_path, tmp_path / "pyproject.toml", DB)] == [
        "pyproject.toml: no [tool.model-license-guard] table"
    ]


# -- validation: every problem, with its line ------------------------------------------------

P = ".model-license-guard.toml"
EXC = "[[exceptions]]\nmodel = 'a'\nlicense = 'mit'\nreason = 'r'\napproved_by = 'x'\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # syntax errors: one problem at the decoder's line
        ("[usage]\ncommercial = yes\n", [f"{P}:2: invalid TOML: Invalid value"]),
        ("[usage]\n[usage]\n", [f"{P}:2: invalid TOML: Cannot declare ('usage',) twice"]),
        ('[usage]\nregion = "US\n', [f"{P}:2: invalid TOML: Illegal character '\\n'"]),
        # unknown keys, with did-you-mean
        (
            "[usge]\ncommercial = true\n",
            [f"{P}:1: unknown key 'usge' in the policy (did you mean usage?)"],
        ),
        (
            "[usage]\ncomercial = true\n",
            [f"{P}:2: unknown key 'comercial' in [usage] (did you mean commercial?)"],
        ),
        ("[usage]\nflavour = 1\n", [f"{P}:2: unknown key 'flavour' in [usage]"]),
        (
            "[on]\nunknwn = 'fail'\n",
            [f"{P}:2: unknown key 'unknwn' in [on] (did you mean unknown?)"],
        ),
        (
            "[licenses]\nalow = []\n",
            [f"{P}:2: unknown key 'alow' in [licenses] (did you mean allow?)"],
        ),
        (
            "[datasets]\nevalute = true\n",
            [f"{P}:2: unknown key 'evalute' in [datasets] (did you mean evaluate?)"],
        ),
        ("usage = 3\n", [f"{P}:1: 'usage' must be a table, not an integer"]),
        # wrong types and values
        (
            "[usage]\ncommercial = 'yes'\n",
            [f"{P}:2: usage.commercial must be true or false, not a string"],
        ),
        (
            "[usage]\nmonthly_active_users = 5e5\n",
            [f"{P}:2: usage.monthly_active_users must be a whole number, not a number"],
        ),
        (
            "[usage]\nmonthly_active_users = true\n",
            [f"{P}:2: usage.monthly_active_users must be a whole number, not a boolean"],
        ),
        (
            "[usage]\nannual_revenue_usd = -1\n",
            [f"{P}:2: usage.annual_revenue_usd must not be negative (-1)"],
        ),
        ("exceptions_warn_days = -3\n", [f"{P}:1: exceptions_warn_days must not be negative (-3)"]),
        ("[usage]\nregion = 'UK'\n", [f"{P}:2: unknown region 'UK' (did you mean GB?)"]),
        (
            "[usage]\nregion = 'Germany'\n",
            [
                f"{P}:2: unknown region 'Germany' "
                "(use an ISO 3166-1 alpha-2 code such as US or DE, or EU)"
            ],
        ),
        ("[usage]\nregion = 49\n", [f"{P}:2: usage.region must be a string, not an integer"]),
        (
            "[usage]\nintended_uses = 'medical-advice'\n",
            [f"{P}:2: usage.intended_uses must be an array of strings, not a string"],
        ),
        (
            "[usage]\nintended_uses = [\n  'chatbot',\n  'law-enforcment',\n  3,\n]\n",
            [
                f"{P}:3: unknown intended use 'chatbot'",
                f"{P}:4: unknown intended use 'law-enforcment' (did you mean law-enforcement?)",
                f"{P}:5: usage.intended_uses entries must be strings, not an integer",
            ],
        ),
        # licenses
        (
            "[licenses]\nallow = ['apache2']\n",
            [f"{P}:2: unknown license 'apache2' (did you mean apache-2.0?)"],
        ),
        (
            "[licenses]\ndeny = [\n 'mit',\n 'MIT OR apache-2.O',\n]\n",
            [f"{P}:4: unknown license 'apache-2.O' (did you mean apache-2.0?)"],
        ),
        (
            "[licenses]\nallow = ['mit AND']\n",
            [
                f"{P}:2: invalid license expression 'mit AND': "
                "AND requires two or more licenses as in: MIT AND BSD"
            ],
        ),
        (
            "[licenses]\nallow = 'mit'\n",
            [f"{P}:2: licenses.allow must be an array of strings, not a string"],
        ),
        (
            "[licenses]\nallow = ['MIT']\ndeny = ['mit', 'gpl-3.0']\n",
            [f"{P}:3: 'mit' is both allowed and denied"],
        ),
        (
            "[licenses]\nallow = ['zzzz-unheard-of']\n",
            [f"{P}:2: unknown license 'zzzz-unheard-of'"],
        ),
        # actions
        (
            "[on]\nunknown = 'block'\n",
            [f'{P}:2: on.unknown must be one of "pass", "warn", "fail", not \'block\''],
        ),
        (
            "[on]\ninferred = false\n",
            [f'{P}:2: on.inferred must be one of "pass", "warn", "fail", not a boolean'],
        ),
        (
            "[datasets]\nevaluate = 'yes'\n",
            [f"{P}:2: datasets.evaluate must be true or false, not a string"],
        ),
        # exceptions
        (
            "[[exceptions]]\nmodel = 'a/b'\nlicense = 'mit'\n",
            [
                f"{P}:1: exception is missing 'approved_by'",
                f"{P}:1: exception is missing 'reason'",
            ],
        ),
        (
            "[[exceptions]]\nmodel = 'a/b'\nlicense = 'lama2'\nreason = 'r'\napproved_by = ''\n",
            [
                f"{P}:1: exception is missing 'approved_by'",
                f"{P}:3: unknown license 'lama2' (did you mean llama2?)",
            ],
        ),
        (
            f"{EXC}expires = '2027-01-01'\n",
            [
                f"{P}:6: exceptions[0].expires must be a date, not a string "
                "(write a TOML date without quotes, e.g. 2027-06-30)",
            ],
        ),
        (
            f"{EXC}expire = 2027-01-01\n",
            [
                f"{P}:6: unknown key 'expire' in an exception (did you mean expires?)",
            ],
        ),
        (
            "[[exceptions]]\nmodel = 1\nlicense = 'mit'\nreason = 'r'\napproved_by = 'x'\n",
            [
                f"{P}:2: exceptions[0].model must be a string, not an integer",
            ],
        ),
        (
            "[exceptions]\nmodel = 'a'\n",
            [f"{P}:1: exceptions must be an array of tables ([[exceptions]])"],
        ),
    ],
)
def test_each_validation_error_with_its_line(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = """\
[usage]
commercial = "yes"
region = "XX"

[licenses]
allow = ["apache2"]

[on]
unknown = "block"

[[exceptions]]
model = "m"
license = "mit"
reason = "r"
approved_by = "a"

[[exceptions]]
model = "n"
"""
    assert problems(text) == [
        f"{P}:2: usage.commercial must be true or false, not a string",
        f"{P}:3: unknown region 'XX' (use an ISO 3166-1 alpha-2 code such as US or DE, or EU)",
        f"{P}:6: unknown license 'apache2' (did you mean apache-2.0?)",
        f'{P}:9: on.unknown must be one of "pass", "warn", "fail", not \'block\'',
        f"{P}:17: exception is missing 'approved_by'",
        f"{P}:17: exception is missing 'license'",
        f"{P}:17: exception is missing 'reason'",
    ]


@pytest.mark.parametrize(
    ("text", "usage"),
    [
        ("[usage]\nregion = 'de'\n", Usage(region="DE")),
        ("[usage]\nregion = 'EU'\n", Usage(region="EU")),
        ("[usage]\nintended_uses = []\n", Usage(intended_uses=())),
        ("[usage]\nmonthly_active_users = 0\n", Usage(monthly_active_users=0)),
        ("usage.commercial = false\n", Usage(commercial=False)),
        ("usage = {hosted_service = true}\n", Usage(hosted_service=True)),
    ],
)
def test_valid_usage_forms(text: str, usage: Usage) -> None:
    assert policy_from_text(text, P, DB).usage == usage


@pytest.mark.parametrize(
    ("entry", "ok"),
    [
        ("MIT", True),  # SPDX id, any case
        ("mit", True),
        ("CC-BY-NC-4.0", True),
        ("mit OR (apache-2.0 AND llama3.1)", True),
        ("llama3.1", True),
        ("GPL-3.0-only", True),
        ("GPL-3.0", True),  # the database id gpl-3.0, any case
        ("GPL-2.0-only", False),  # not an id the database knows
        ("", False),
    ],
)
def test_license_entries_are_checked_against_the_database(entry: str, ok: bool) -> None:
    assert (problems(f"[licenses]\nallow = [{entry!r}]\n") == []) is ok


def test_policy_problem_renders_without_a_line() -> None:
    assert str(PolicyProblem("pyproject.toml", None, "boom")) == "pyproject.toml: boom"
    assert str(PolicyProblem("p.toml", 3, "boom")) == "p.toml:3: boom"


# -- the line scanner ------------------------------------------------------------------------


def test_key_lines_skips_strings_and_comments() -> None:
    text = '''\
# [not] a = header
top = "a = [b"  # c
[t]
multi = """
x = 1
[fake]
"""
lit = \'\'\'y = 2\'\'\'
arr = [ # c
  [1, 2],
  {k = "v"},
]
[[a.b]]
[[a.b]]
k = 1
[tool."model-license-guard".on]
unknown = "fail"
'''
    assert key_lines(text) == {
        "top": 2,
        "t": 3,
        "t.multi": 4,
        "t.lit": 8,
        "t.arr": 9,
        "t.arr[0]": 10,
        "t.arr[0][0]": 10,
        "t.arr[0][1]": 10,
        "t.arr[1]": 11,
        "t.arr[1].k": 11,
        "a.b": 13,
        "a.b[0]": 13,
        "a.b[1]": 14,
        "a.b[1].k": 15,
        "tool.model-license-guard.on": 16,
        "tool.model-license-guard.on.unknown": 17,
    }


# -- the starter file ------------------------------------------------------------------------


def test_starter_policy_loads_and_states_every_fact() -> None:
    policy = policy_from_text(STARTER_POLICY, P, DB)
    assert None not in (getattr(policy.usage, f) for f in Usage.__dataclass_fields__)
    assert policy.on == OnActions() and policy.exceptions == ()
    assert policy.line("usage.intended_uses").line is not None


def test_starter_policy_documents_every_key_and_category() -> None:
    for key in (
        *Usage.__dataclass_fields__,
        "allow",
        "deny",
        "proprietary_api",
        "evaluate",
        "exceptions_warn_days",
        "[[exceptions]]",
        "approved_by",
        "expires",
    ):
        assert key in STARTER_POLICY
    for category in USE_CATEGORIES:
        assert f"#   {category} " in STARTER_POLICY


def test_starter_exception_example_is_valid_when_uncommented() -> None:
    text = STARTER_POLICY.replace("# [[exceptions]]", "[[exceptions]]")
    for key in ("model", "license", "reason", "approved_by", "expires"):
        text = text.replace(f"# {key} =", f"{key} =")
    policy = policy_from_text(text, P, DB)
    assert [e.license for e in policy.exceptions] == ["llama2"]
