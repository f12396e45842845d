"""The registries stay complete: every file kind is read and tested, every code documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scanner.find.extractors import EXTRACTORS
from scanner.report import FORMATS
from scanner.rules import ALL_CODES, RULES
from scanner.types import SourceKind

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TESTS = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))


@pytest.mark.parametrize("kind", list(SourceKind))
def test_every_source_kind_has_an_extractor(kind: SourceKind) -> None:
    assert EXTRACTORS[kind], kind


@pytest.mark.parametrize(
    "module", sorted({fn.__module__ for fns in EXTRACTORS.values() for fn in fns})
)
def test_every_extractor_module_has_a_test_module(module: str) -> None:
    name = module.rsplit(".", 1)[-1]
    assert list((ROOT / "tests").glob(f"test_extract_{name}*.py")), module


@pytest.mark.parametrize("code", sorted(ALL_CODES))
def test_every_code_is_documented_in_the_readme(code: str) -> None:
    info = ALL_CODES[code]
    assert re.search(rf"\|\s*`?{code}`?\s*\|\s*`?{info.name}`?\s*\|", README), code


def test_rule_codes_are_unique_and_well_formed() -> None:
    names = [info.name for info in ALL_CODES.values()]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"(MDL|OBL)\d{3}", code) for code in ALL_CODES)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in names)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_is_documented_and_tested(fmt: str) -> None:
    assert f"`{fmt}`" in README
    assert f'"{fmt}"' in TESTS or f"'{fmt}'" in TESTS


def test_every_rule_is_produced_somewhere() -> None:
    sources = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "scanner").rglob("*.py")
        if p.name != "rules.py"
    )
    unused = [code for code in RULES if f'"{code}"' not in sources]
    assert unused == []
