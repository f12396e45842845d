"""Property-based tests of the policy loader (hypothesis; profiles as in tests/conftest.py).

Properties: any text, any bytes and any policy document (the policy's keys with values of every
type) load into a Policy or raise PolicyError, never anything else; every problem names the file
and, when it has a line, a line of the file; a valid policy reads the same with other spacing
and trailing comments.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import Layout, layouts, policies, toml_text

import license_db
from scanner.decide.policy import Policy, PolicyError, load_policy, policy_from_text

DB = license_db.load()
SOURCE = ".model-license-guard.toml"
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def load(text: str) -> Policy | PolicyError:
    """The policy of ``text``, or the PolicyError it raises (checked: file and lines)."""
    try:
        return policy_from_text(text, SOURCE, DB)
    except PolicyError as exc:
        check(exc, text.count("\n") + 1)
        return exc


def check(error: PolicyError, lines: int) -> None:
    assert error.problems
    for problem in error.problems:
        assert problem.file == SOURCE and problem.message
        assert problem.line is None or 1 <= problem.line <= lines, problem


@SLOW
@given(text=st.text(max_size=300))
def test_any_text_is_a_policy_or_a_policy_error(text: str) -> None:
    load(text)


@SLOW
@given(data=st.binary(max_size=300))
def test_any_file_is_a_policy_or_a_policy_error(
    data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.getbasetemp() / "policy-bytes"
    root.mkdir(exist_ok=True)
    (root / SOURCE).write_bytes(data)
    try:
        load_policy(root, None, DB)
    except PolicyError as exc:
        check(exc, data.count(b"\n") + data.count(b"\r") + 1)


@SLOW
@given(document=policies(), layout=layouts, sections=st.booleans())
def test_any_policy_document_is_a_policy_or_a_policy_error(
    document: dict, layout: Layout, sections: bool
) -> None:
    load(toml_text(document, sections, layout))


TRAILING = Layout(gaps=(3,), pad=" ", indent="")
"""Every line followed by a trailing comment, spaces around ``=``: nothing moves a line."""


@SLOW
@given(document=policies(), pad=st.sampled_from(["", " ", "   "]))
def test_a_valid_policy_reads_the_same_with_other_spacing_and_comments(
    document: dict, pad: str
) -> None:
    plain = load(toml_text(document, True, Layout((), pad, "")))
    commented = load(toml_text(document, True, TRAILING))
    if isinstance(plain, PolicyError):
        assert isinstance(commented, PolicyError)
        assert [(p.line, p.message) for p in plain.problems] == [
            (p.line, p.message) for p in commented.problems
        ]
    else:
        assert commented == plain


def test_the_policy_strategy_reaches_valid_policies() -> None:
    """Not vacuous: a document over the same keys and renderer loads, with its values."""
    document = {"usage": {"commercial": False, "region": "EU"}, "on": {"unknown": "fail"}}
    policy = load(toml_text(document, True, TRAILING))
    assert isinstance(policy, Policy)
    assert (policy.usage.commercial, policy.usage.region, policy.on.unknown.value) == (
        False,
        "EU",
        "fail",
    )
