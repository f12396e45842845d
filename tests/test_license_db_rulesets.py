"""Rule sets try only the rules a text can match: the literal beginnings of each rule's regex
never leave out a match (every whole match of every bundled rule starts with one of them)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import license_db
from license_db.loader import read_bundle
from license_db.records import ModalityRule, PatternRule
from license_db.rulesets import RuleSet, beginnings

BUNDLE = read_bundle()
RULES = (*BUNDLE.family, *BUNDLE.ollama, *BUNDLE.packages)


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        (r"meta-llama/llama-3\.2-(1b|3b)", ("meta-llama/llama-3.2-",)),
        (r"openai-community/gpt2(-medium|-large)?", ("openai-community/gpt2",)),
        (r"starcoder2?(:.*)?", ("starcoder",)),  # the 2 is optional
        (r"llama3\.1(:.*)?", ("llama3.1",)),
        (r"phi\.?3", ("phi",)),  # an optional escaped character goes whole
        (r"(compvis|runwayml)/stable-diffusion-v1-[1-5]", ("compvis/stable-diffusion-v1-",
                                                           "runwayml/stable-diffusion-v1-")),
        (r"(meta-)?llama-3", ("",)),  # an optional group
        (r"(code|shield)?gemma", ("",)),
        (r"(?:a|b)/c", ("",)),  # not a plain group
        (r"((a|b)c|d)/e", ("",)),  # nested
        (r"a/b|c/d", ("",)),  # top-level alternation
        (r"a[|]b|c", ("",)),
        (r"a[)]|b", ("",)),  # a bracket in a class: unknown, never wrong
        (r"google/gemma\-4.*", ("google/gemma-4",)),
        (r".*/llama", ("",)),
        (r"ultralytics", ("ultralytics",)),
        (r"yolo{2}", ("yol",)),
    ],
)  # fmt: skip
def test_beginnings(regex: str, expected: tuple[str, ...]) -> None:
    assert beginnings(regex) == expected


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_every_match_of_a_bundled_rule_starts_with_one_of_its_beginnings(
    rule: PatternRule, data: st.DataObject
) -> None:
    text = data.draw(st.from_regex(re.compile(rule.match), fullmatch=True))
    assert text.startswith(beginnings(rule.match))
    assert rule in RuleSet.of(RULES).all(text)


@pytest.mark.parametrize("rule", BUNDLE.modality, ids=[r.id for r in BUNDLE.modality])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_every_match_of_a_modality_rule_starts_with_one_of_its_beginnings(
    rule: ModalityRule, data: st.DataObject
) -> None:
    text = data.draw(st.from_regex(re.compile(rule.regex), fullmatch=True))
    assert text.startswith(beginnings(rule.regex))
    first = next(r for r in BUNDLE.modality if re.fullmatch(r.regex, text))
    if "/" not in text and text == text.strip().lower():  # modality() reads a lowercased name
        assert license_db.load().modality(text) == first


def test_lookups_compile_only_the_rules_of_the_organisation_asked() -> None:
    rules = RuleSet.of(BUNDLE.family)
    assert rules.first("meta-llama/llama-3.2-1b") is not None
    compiled = {rules.rules[i].match.split("/")[0] for i in rules._compiled}
    assert compiled <= {"meta-llama", "(meta-llama|codellama)", "(cohereforai|coherelabs)",
                        "(compvis|runwayml)"}  # fmt: skip


def test_the_database_reads_a_data_file_only_when_a_lookup_needs_it() -> None:
    read: list[str] = []

    def reader(name: str) -> object:
        read.append(name)
        return license_db.loader.read_json(name)

    db = license_db.LicenseDB(license_db.loader.LazyBundle(reader))
    assert read == ["manifest.json"]
    assert db.license("apache-2.0") is not None
    assert read == ["manifest.json", "licenses.json"]
    assert db.lookup("meta-llama/Llama-3.2-1B") is not None
    assert "api_models.json" not in read
    assert db.stats() == license_db.LicenseDB(BUNDLE).stats()
