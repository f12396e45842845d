"""The report's JSON writer writes what ``json.dumps(data, indent=2, ensure_ascii=False)``
writes, byte for byte: on generated data, on edge values, and on the golden JSON reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.report import jsontext
from tests.strategies import json_values

GOLDEN = Path(__file__).parent / "golden"
EDGES = [
    {},
    [],
    (),
    {"a": [], "b": {}, "c": [{}]},
    {1: 2, None: True, 1.5: False, False: None},
    [0.0, -0.0, 1e300, 1e-300, float("nan"), float("inf"), float("-inf")],
    'é\u2028\u2029\x00\x1f"\\/',
    (1, (2, [3])),
    [True, False, None, 10**30, -1],
]


@pytest.mark.parametrize("data", EDGES, ids=range(len(EDGES)))
def test_edge_values_are_written_as_json_writes_them(data: object) -> None:
    assert jsontext.dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)


@given(json_values | st.text())
def test_generated_values_are_written_as_json_writes_them(data: object) -> None:
    assert jsontext.dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.json")))
def test_golden_reports_are_written_as_json_writes_them(name: str) -> None:
    data = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    assert jsontext.dumps(data) == json.dumps(data, indent=2, ensure_ascii=False)


def test_what_json_cannot_write_is_refused_as_json_refuses_it() -> None:
    with pytest.raises(TypeError):
        jsontext.dumps({"a": object()})
    with pytest.raises(TypeError):
        jsontext.dumps({(1, 2): 1})
