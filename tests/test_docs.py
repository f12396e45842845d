"""docs/rules.md stays in step with scanner/rules.py: a section per code, real names, valid TOML."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import license_db
from scanner.decide.policy import PolicyError, policy_from_text
from scanner.rules import ALL_CODES, OBLIGATIONS, RULES

RULES_MD = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
CODE = r"(?:MDL|OBL)\d{3}"
HEADING = re.compile(rf"^## ({CODE})\b(.*)$", re.MULTILINE)
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
# "    MDL003 commercial-use-not-permitted: ..." and "  OBL001 attribution [mit]: ..." in the
# text report; "MDL019 file-not-scanned" in prose.
NAMED = re.compile(rf"\b({CODE}) ([a-z]+(?:-[a-z]+)*)(?=:| \[|`)")
SUPPRESSION = re.compile(r"ignore\[([^\]]*)\]")


def _page() -> str:
    return RULES_MD.read_text(encoding="utf-8")


def _headings(text: str) -> list[tuple[str, str]]:
    return [(code, rest.strip()) for code, rest in HEADING.findall(text)]


def _sections(text: str) -> dict[str, str]:
    """The text under each ``## CODE name`` heading, up to the next heading of any level."""
    parts = re.split(r"^#{1,2} ", text, flags=re.MULTILINE)
    return {m.group(1): part for part in parts if (m := re.match(rf"({CODE}) ", part))}


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_every_code_has_its_heading(code: str) -> None:
    assert (code, ALL_CODES[code].name) in _headings(_page())


def test_every_heading_names_an_existing_code_once_in_order() -> None:
    headings = _headings(_page())
    for code, name in headings:
        assert code in ALL_CODES, f"## {code} is not a code of scanner/rules.py"
        assert name == ALL_CODES[code].name, f"## {code} {name}: the code is {ALL_CODES[code].name}"
    assert [code for code, _ in headings] == [*RULES, *OBLIGATIONS]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## MDL003 commercial-use-not-permitted\n", [("MDL003", "commercial-use-not-permitted")]),
        ("## MDL003 commercial use\n", [("MDL003", "commercial use")]),
        ("## MDL0031 x\n### MDL004 y\n#  MDL005 z\n", []),
        ("text ## MDL003 x\n", []),
    ],
)
def test_heading_pattern(text: str, expected: list[tuple[str, str]]) -> None:
    assert _headings(text) == expected


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_every_section_explains_and_shows_its_code(code: str) -> None:
    section = _sections(_page())[code]
    if code in RULES:
        required = ["**Triggers.**", "**Verdicts.**", "**Example.**", "**Fix or accept.**"]
    else:
        required = ["**When.**", "**What to ship.**", "**Example.**"]
    for label in required:
        assert label in section, f"{code} lacks {label}"
    assert code in section.split("**Example.**", 1)[1], f"{code}: the example does not show it"


def test_code_names_in_examples_and_prose_are_real() -> None:
    found = NAMED.findall(_page())
    assert found, "the pattern no longer matches the page"
    wrong = sorted({(c, n) for c, n in found if c not in ALL_CODES or ALL_CODES[c].name != n})
    assert wrong == []


def test_suppression_comments_name_existing_codes() -> None:
    listed = [code.strip() for codes in SUPPRESSION.findall(_page()) for code in codes.split(",")]
    assert listed
    assert sorted({c for c in listed if c not in ALL_CODES}) == []


def _toml_blocks() -> list[str]:
    blocks = FENCE.findall(_page())
    return [textwrap.dedent(body) for _, lang, body in blocks if lang == "toml"]


def test_page_has_toml_examples() -> None:
    assert len(_toml_blocks()) > 10


@pytest.mark.parametrize("block", _toml_blocks())
def test_every_toml_example_is_a_valid_policy(block: str) -> None:
    try:
        policy_from_text(block, ".model-license-guard.toml", license_db.load())
    except PolicyError as exc:
        pytest.fail(f"{exc}\n---\n{block}")


def test_an_invalid_policy_is_caught() -> None:
    with pytest.raises(PolicyError):
        policy_from_text(
            '[on]\nunknown = "block"\n', ".model-license-guard.toml", license_db.load()
        )
