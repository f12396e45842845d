"""Hostile Python never reaches libcst's native parser: the scan survives with every finding.

libcst segfaults on 8,000-term ``and`` chains and 2,000 nested brackets and costs gigabytes on
far less; each shape here is a small generated file scanned beside a clean one, in-process
(``--jobs 1``) where a crash would end the test run itself.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.cli import main
from scanner.find.extractors.python import guard

LOAD = "from transformers import AutoModel\n"
GOOD = LOAD + 'AutoModel.from_pretrained("bert-base-uncased")\n'
HOSTILE = {
    "and-chain": "x = " + " and ".join(["a"] * 8000) + "\n",
    "nested-brackets": "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "nested-parens": "x = " + "(" * 2000 + "1" + ")" * 2000 + "\n",
    "nested-calls": "x = " + "f(" * 2000 + ")" * 2000 + "\n",
    "unary-minus": "x = " + "-" * 10_000 + "1\n",
    "plus-chain": "x = " + "+".join(["1"] * 5000) + "\n",
    "subscript-chain": "x = a" + "[0]" * 5000 + "\n",
    "call-chain": "x = f" + "()" * 2000 + "\n",
}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_guard_refuses_each_hostile_shape(shape: str) -> None:
    assert guard.refusal(LOAD + HOSTILE[shape]) is not None


@pytest.mark.parametrize(
    "text", [GOOD, LOAD + "x = " + "[" * 30 + "]" * 30 + "\n", "x = " + " and ".join("a" * 50)]
)
def test_guard_lets_ordinary_code_through(text: str) -> None:
    assert guard.refusal(text) is None


WRAPPERS = (  # one level of nesting each, as libcst counts it
    "({})", "[{}]", "f({})", "-{}", "{} + 1", "a and {}", "{}[0]", "{}.x", "not {}",
    "{} if a else b", "g(k={})", "{{1: {}}}", "(1, {})", "{} < 2 < 3",
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, 200),
    st.lists(st.sampled_from(WRAPPERS), max_size=12),
    st.lists(st.sampled_from(WRAPPERS), max_size=8),
    st.integers(0, 6),
)
def test_skipping_short_code_never_changes_the_verdict(
    minuses: int, deep: list[str], short: list[str], siblings: int
) -> None:
    """The walk skips a statement or expression too short to pass the limit: it refuses
    exactly what the walk of every node refuses (the depth it reports may be smaller). A chain
    of unary minus is the densest nesting: one character a level."""
    expression = "-" * minuses + "leaf"
    for wrapper in deep:
        expression = wrapper.format(expression)
    little = "leaf"
    for wrapper in short:
        little = wrapper.format(little)
    text = f"def f():\n    x = h({', '.join([little] * siblings + [expression])})\n"
    try:
        tree = ast.parse(text)
    except (SyntaxError, RecursionError, MemoryError):
        return  # refused before any walk
    whole, _ = guard.depth(tree)
    skipping, _ = guard.depth(tree, guard.spans(text))
    assert (skipping > guard.MAX_DEPTH) == (whole > guard.MAX_DEPTH)
    assert skipping <= whole


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_a_hostile_file_is_reported_and_the_clean_file_keeps_its_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str
) -> None:
    (tmp_path / "good.py").write_text(GOOD, encoding="utf-8")
    hostile = LOAD + HOSTILE[shape] + 'AutoModel.from_pretrained("gpt2")\n'
    (tmp_path / "hostile.py").write_text(hostile, encoding="utf-8")
    (tmp_path / "user.py").write_text("from hostile import x\n" + GOOD, encoding="utf-8")
    code = main(["scan", "--root", str(tmp_path), "--format", "json", "--jobs", "1"])
    report = json.loads(capsys.readouterr().out)
    found = {(f["path"], f["model"], f["confidence"]) for f in report["findings"]}
    assert ("good.py", "bert-base-uncased", "high") in found
    assert ("user.py", "bert-base-uncased", "high") in found
    assert ("hostile.py", "gpt2", "low") in found  # the fallback tokenizer still reads it
    errors = [(e["path"], e["unscanned"]) for e in report["errors"]]
    assert errors == [("hostile.py", "skipped")]
    assert code == 1  # fail closed: a file could not be parsed (on.unscanned)
