"""Regular expressions built from word lists: a trie matches what the plain alternation does."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.find.extractors.python import patterns, usage_table
from scanner.find.lexemes import any_word, trie

WORDS = st.lists(st.text("abc_.(", min_size=1, max_size=5), min_size=1, max_size=12)
TEXTS = st.text("abc_.( \n", max_size=80)


def _plain(words: list[str]) -> str:
    """Each word as its own branch, the longest first (what a trie's greedy branches match)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@given(WORDS, TEXTS)
def test_a_trie_finds_what_the_alternation_finds(words: list[str], text: str) -> None:
    assert re.findall(trie(words), text) == re.findall(f"(?:{_plain(words)})", text)


@given(st.lists(st.from_regex(r"[a-z_][a-z_0-9]{0,6}", fullmatch=True), min_size=1), TEXTS)
def test_any_word_finds_what_the_alternation_finds_at_a_word_start(
    words: list[str], text: str
) -> None:
    ours = re.findall(any_word(words) + r"\(", text)
    assert ours == re.findall(rf"\b(?:{_plain(words)})\(", text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("m = AutoModel.from_pretrained('x')", ["from_pretrained"]),
        ("load_dataset ('x'); load_dataset\\\n('y')", ["load_dataset", "load_dataset"]),
        ("Agent[Deps](model='x')", ["Agent"]),
        ("from x import pipeline as p", ["pipeline"]),
        ("preload('x'); from_pretrainedX('y')", []),
    ],
)
def test_the_prefilter_trigger_words(text: str, found: list[str]) -> None:
    assert patterns.TRIGGERS.findall(text) == found


@pytest.mark.parametrize(
    ("text", "expected"),
    [("trainer = Trainer(model=m)", True), ("x.fit(data)", False), ("retrainer(x)", False)],
)
def test_the_usage_prefilter(text: str, expected: bool) -> None:
    assert usage_table.may_use_model(text) is expected
