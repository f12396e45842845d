"""Every output format on the bundled demo, byte for byte: a change of layout changes no output.

The goldens were written before the scanner was reorganised into stage packages and hold it to
"public behaviour unchanged". A deliberate change of output regenerates them with
``MLG_UPDATE_GOLDEN=1 pytest tests/test_demo_outputs.py`` and shows up in the diff for review.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.report import FORMATS

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"
GOLDEN = Path(__file__).parent / "golden" / "demo"
TODAY = "2026-06-01"  # exceptions and expiry dates are judged against a fixed day


def _scan(fmt: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    argv = ["scan", "--root", str(DEMO), "--format", fmt, "--today", TODAY, "--jobs", "1"]
    code = main([*argv, *extra])
    return code, capsys.readouterr().out


SECONDS = re.compile(r"; \d+\.\d s$", re.MULTILINE)
"""The scan's duration at the end of the text report's closing line: the one volatile value."""


def _check(name: str, text: str) -> None:
    text = SECONDS.sub("; N.N s", text)
    golden = GOLDEN / name
    if os.environ.get("MLG_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_on_the_demo_is_unchanged(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _scan(fmt, capsys)
    assert code == 1  # the demo's CC-BY-NC model fails the default policy
    _check(f"scan.{fmt}", out)


def test_explain_and_obligations_on_the_demo_are_unchanged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for model, name in (("meta-llama/Llama-3.1-8B-Instruct", "explain.txt"), ("gpt-4o", "api.txt")):
        assert main(["explain", model, "--root", str(DEMO)]) == 0
        _check(name, capsys.readouterr().out)
        assert main(["explain", model, "--root", str(DEMO), "--json"]) == 0
        _check(name.replace(".txt", ".json"), capsys.readouterr().out)
    assert main(["obligations", "--root", str(DEMO), "--jobs", "1"]) == 0
    _check("obligations.txt", capsys.readouterr().out)
