"""Inline suppression comments: parsing, which decisions they cover, notebooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report import COMMERCIAL, DENIED, INFERRED, UNVERIFIED, decision, ref

from scanner.context import RepoContext
from scanner.decide import suppress
from scanner.types import Decision, Report, SourceKind, UnresolvedRef, Verdict

ALL = None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('m = AutoModel.from_pretrained("x")  # model-license-guard: ignore\n', {1: ALL}),
        ('m = f("x")  # model-license-guard: ignore[MDL003]\n', {1: frozenset({"MDL003"})}),
        (
            'm = f("x")  # model-license-guard: ignore[mdl003, MDL011]\n',
            {1: frozenset({"MDL003", "MDL011"})},
        ),
        (
            "a = 1\n# model-license-guard: ignore[MDL003]\nm = f('x')\n",
            {2: frozenset({"MDL003"}), 3: frozenset({"MDL003"})},
        ),
        (
            "    # model-license-guard: ignore\n"
            "    f('x')  # model-license-guard: ignore[MDL011]\n",
            {1: ALL, 2: ALL},
        ),
        (
            "# model-license-guard: ignore[MDL011]\n"
            "f('x')  # model-license-guard: ignore[MDL003]\n",
            {1: frozenset({"MDL011"}), 2: frozenset({"MDL003", "MDL011"})},
        ),
        (
            "model: org/x  # noqa: E501  #model-license-guard:ignore[MDL001]\n",
            {1: frozenset({"MDL001"})},
        ),
        ("transformers==4.0  # Model-License-Guard: IGNORE\n", {1: ALL}),
        ('f("x")  # model-license-guard: ignore[]\n', {1: ALL}),
        ('f("x")  # model-license-guard: ignore because legal said so\n', {1: ALL}),
        # not suppressions
        ('f("x")  # model-license-guard: ignored\n', {}),
        ('f("x")  # model-license-guard: ignore-all\n', {}),
        ('f("x")  # model-license-guard ignore\n', {}),
        ('f("x")  # other-tool: ignore\n', {}),
        ('{"model": "org/x"}\n', {}),
        ("", {}),
    ],
)
def test_parse_suppressions(text: str, expected: dict[int, frozenset[str] | None]) -> None:
    assert suppress.parse_suppressions(text) == expected


FAILING = decision(ref("a.py", 3, 5, "org/x"), "llama3.1", Verdict.FAIL, DENIED, INFERRED)
COMMERCIAL_FAIL = decision(ref("a.py", 3, 5, "org/y"), "cc-by-nc-4.0", Verdict.FAIL, COMMERCIAL)
WARNING = decision(ref("a.py", 3, 5, "org/z"), "llama3.1", Verdict.WARN, UNVERIFIED)
PASSING = decision(ref("a.py", 3, 5, "bert-base-uncased"), "apache-2.0", Verdict.PASS)


@pytest.mark.parametrize(
    ("item", "lines", "expected"),
    [
        (FAILING, {3: ALL}, "inline: ignore"),
        (FAILING, {3: frozenset({"MDL011"})}, "inline: ignore[MDL011]"),  # MDL013 only warns
        (FAILING, {3: frozenset({"MDL011", "MDL013"})}, "inline: ignore[MDL011]"),
        (FAILING, {3: frozenset({"MDL013"})}, None),  # the failing reason is not listed
        (FAILING, {3: frozenset({"MDL003"})}, None),
        (FAILING, {2: ALL, 4: ALL}, None),  # other lines
        (COMMERCIAL_FAIL, {3: frozenset({"MDL003", "MDL011"})}, "inline: ignore[MDL003]"),
        (WARNING, {3: frozenset({"MDL016"})}, "inline: ignore[MDL016]"),
        (WARNING, {3: frozenset({"MDL011"})}, None),
        (PASSING, {3: ALL}, None),  # nothing to suppress
        (FAILING, {}, None),
    ],
)
def test_suppression_label(
    item: Decision, lines: suppress.Suppressions, expected: str | None
) -> None:
    assert suppress.suppression(item, lines) == expected


def test_apply_keys_by_path_and_cell_and_keeps_earlier_labels() -> None:
    other_file = decision(ref("b.py", 3, 5, "org/x"), "llama3.1", Verdict.FAIL, DENIED)
    in_cell = decision(ref("nb.ipynb", 3, 5, "org/x", cell=2), "llama3.1", Verdict.FAIL, DENIED)
    baselined = decision(
        ref("a.py", 3, 5, "org/w"), None, Verdict.FAIL, DENIED, suppressed="baseline"
    )
    maps = {("a.py", None): {3: ALL}, ("nb.ipynb", 2): {3: ALL}, ("nb.ipynb", None): {}}
    result = suppress.apply([FAILING, other_file, in_cell, baselined], maps)
    assert [d.suppressed for d in result] == ["inline: ignore", None, "inline: ignore", "baseline"]


def notebook(*cells: list[str]) -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "source": c} for c in cells],
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
        },
        indent=1,
    )


def test_apply_inline_reads_files_and_notebook_cells(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "import x\n# model-license-guard: ignore[MDL011]\nm = f('org/x')\n", encoding="utf-8"
    )
    (tmp_path / "nb.ipynb").write_text(
        notebook(["import x\n"], ["a = 1\n", "b = f('org/x')  # model-license-guard: ignore\n"]),
        encoding="utf-8",
    )
    items = [
        decision(ref("a.py", 3, 5, "org/x"), "llama3.1", Verdict.FAIL, DENIED),
        decision(ref("a.py", 1, 1, "org/x"), "llama3.1", Verdict.FAIL, DENIED),
        decision(ref("nb.ipynb", 2, 5, "org/x", cell=2), "llama3.1", Verdict.FAIL, DENIED),
        decision(ref("nb.ipynb", 2, 5, "org/x", cell=1), "llama3.1", Verdict.FAIL, DENIED),
        decision(ref("missing.py", 3, 5, "org/x"), "llama3.1", Verdict.FAIL, DENIED),
    ]
    result = suppress.apply_inline(items, RepoContext(tmp_path))
    assert [d.suppressed for d in result] == [
        "inline: ignore[MDL011]",
        None,
        "inline: ignore",
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("text", "cell", "expected"),
    [
        (notebook(["a\n", "b"], ["c"]), 1, "a\nb"),
        (notebook(["a\n", "b"], ["c"]), 2, "c"),
        (json.dumps({"cells": [{"cell_type": "code", "source": "x = 1"}]}), 1, "x = 1"),
        (json.dumps({"cells": [{"cell_type": "markdown", "source": "x"}]}), 1, None),
        (
            json.dumps({"worksheets": [{"cells": [{"cell_type": "code", "input": ["y\n", "z"]}]}]}),
            1,
            "y\nz",
        ),
        (notebook(["a"]), 2, None),
        (notebook(["a"]), 0, None),
        ("{broken", 1, None),
        ("[]", 1, None),
        (json.dumps({"cells": [{"cell_type": "code", "source": 3}]}), 1, None),
    ],
)
def test_notebook_cell_source(text: str, cell: int, expected: str | None) -> None:
    assert suppress.notebook_cell_source(text, cell) == expected


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("  # model-license-guard: ignore", "inline: ignore"),
        ("  # model-license-guard: ignore[MDL002]", "inline: ignore[MDL002]"),
        ("  # model-license-guard: ignore[MDL003]", None),
        ("", None),
    ],
)
def test_unresolved_references_are_suppressed_by_mdl002_or_plain_ignore(
    tmp_path: Path, comment: str, expected: str | None
) -> None:
    (tmp_path / "serve.py").write_text(f"x = 1\nload(model=args.model){comment}\n", "utf-8")
    unresolved = UnresolvedRef("serve.py", 2, 12, "args.model", "py.pipeline", SourceKind.PYTHON)
    (marked,) = suppress.apply_inline_unresolved([unresolved], RepoContext(tmp_path))
    assert marked.suppressed == expected
    report = Report((), (marked,), (), "db", "embedded default", unresolved_verdict=Verdict.FAIL)
    assert report.worst is (Verdict.PASS if expected else Verdict.FAIL)
