"""Notebooks: code cells scanned as one Python module, positions mapped back to (cell, line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.extractors.notebook import extract, python_lines
from scanner.types import Confidence, Extraction, RefKind, SourceKind

Row = tuple[int | None, int, str]  # cell, line in cell, raw


def notebook(*cells: tuple[str, str], nbformat: int = 4, language: str = "python") -> str:
    """A notebook with (cell_type, source) cells; sources alternate list and str forms."""
    items: list[dict[str, object]] = [
        {"cell_type": kind, "metadata": {},
         "source": source.splitlines(keepends=True) if i % 2 == 0 else source}
        for i, (kind, source) in enumerate(cells)
    ]  # fmt: skip
    if nbformat == 3:
        for item in items:
            item["input"] = item.pop("source")
        return json.dumps({"nbformat": 3, "worksheets": [{"cells": items}], "metadata": {}})
    metadata = {"language_info": {"name": language}}
    return json.dumps({"nbformat": 4, "cells": items, "metadata": metadata}, indent=1)


def rows(result: Extraction) -> list[Row]:
    return [(r.cell, r.line, r.raw) for r in result.refs]


@pytest.fixture
def ctx(tmp_path: Path) -> RepoContext:
    return RepoContext(tmp_path)


LOAD = 'from transformers import AutoModel\nm = AutoModel.from_pretrained("{}")\n'

CASES: list[tuple[str, str, list[Row]]] = [
    (
        "cells counted among all cells",
        notebook(("markdown", "# Title"), ("code", "import os\n"), ("code", LOAD.format("gpt2"))),
        [(3, 2, "gpt2")],
    ),
    (
        "constant from an earlier cell",
        notebook(
            ("code", 'MODEL_ID = "google/flan-t5-base"\n'),
            ("markdown", "text"),
            ("code", "from transformers import AutoModel\n\nAutoModel.from_pretrained(MODEL_ID)\n"),
        ),
        [(3, 3, "google/flan-t5-base")],
    ),
    (
        "magics, shell lines and help do not break parsing",
        notebook(
            (
                "code",
                "%pip install transformers\n!nvidia-smi\nfiles = !ls\nAutoModel?\n"
                "from transformers import AutoModel\nif True:\n    %time x = 1\n"
                'AutoModel.from_pretrained("bert-base-uncased")\n',
            )
        ),
        [(1, 8, "bert-base-uncased")],
    ),
    (
        "python cell magic keeps its body",
        notebook(("code", "%%time\n" + LOAD.format("roberta-base"))),
        [(1, 3, "roberta-base")],
    ),
    (
        "shell cell magic is not python",
        notebook(
            ("code", "%%bash\npython -c 'from_pretrained(\"gpt2\")'\n"),
            ("code", LOAD.format("distilgpt2")),
        ),
        [(2, 2, "distilgpt2")],
    ),
    (
        "nbformat 3 worksheets",
        notebook(("code", LOAD.format("t5-small")), nbformat=3),
        [(1, 2, "t5-small")],
    ),
    (
        "another kernel language is skipped",
        notebook(("code", LOAD.format("gpt2")), language="R"),
        [],
    ),
    ("no code cells", notebook(("markdown", 'from_pretrained("gpt2")')), []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_notebook(ctx: RepoContext, text: str, expected: list[Row]) -> None:
    result = extract("nb/demo.ipynb", text, ctx)
    assert rows(result) == expected
    assert result.errors == ()
    assert all(r.path == "nb/demo.ipynb" and r.source is SourceKind.NOTEBOOK for r in result.refs)
    assert all(r.kind is RefKind.HUGGINGFACE for r in result.refs)


def test_unresolved_refs_are_mapped_to_cells(ctx: RepoContext) -> None:
    text = notebook(
        ("code", "import sys\n"),
        ("code", "from transformers import AutoModel\nAutoModel.from_pretrained(sys.argv[1])\n"),
    )
    result = extract("demo.ipynb", text, ctx)
    assert [(u.cell, u.line, u.source) for u in result.unresolved] == [(2, 2, SourceKind.NOTEBOOK)]


def test_a_cell_that_does_not_parse_does_not_hide_the_others(ctx: RepoContext) -> None:
    broken = 'def broken(:\n    pass\nAutoModel.from_pretrained("gpt2")\n'
    imports = "from transformers import AutoModel\n"
    text = notebook(("code", imports), ("code", broken), ("code", LOAD.format("roberta-base")))
    result = extract("demo.ipynb", text, ctx)
    assert [(r.cell, r.line, r.raw, r.confidence) for r in result.refs] == [
        (2, 3, "gpt2", Confidence.LOW),
        (3, 2, "roberta-base", Confidence.HIGH),
    ]
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.path == "demo.ipynb"
    assert error.line is not None and 1 <= error.line <= 3  # a line of the broken cell
    assert error.message.startswith("cell 2: syntax error")


def test_via_points_into_the_cell_that_set_the_constant(ctx: RepoContext) -> None:
    text = notebook(
        ("code", "import os\n\nMODEL = 'org/x'\n"),
        ("code", "from transformers import AutoModel\nAutoModel.from_pretrained(MODEL)\n"),
    )
    (ref,) = extract("nb/demo.ipynb", text, ctx).refs
    assert (ref.cell, ref.line, ref.raw, ref.via) == (
        2,
        2,
        "org/x",
        "MODEL at nb/demo.ipynb:cell 1:3",
    )


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{\n "cells": [\n  {"cell_type": "code",}\n ]\n}\n', "invalid notebook JSON: ", 3),
        ("", "invalid notebook JSON: Expecting value", 1),
        ("[1, 2]", "not a notebook: ", None),
    ],
)
def test_broken_notebook(ctx: RepoContext, text: str, message: str, line: int | None) -> None:
    result = extract("bad.ipynb", text, ctx)
    assert (result.refs, result.unresolved) == ((), ())
    assert [(e.path, e.line) for e in result.errors] == [("bad.ipynb", line)]
    assert result.errors[0].message.startswith(message)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("%matplotlib inline\nx = 1", ["pass", "x = 1"]),
        ("!pip install x\nfor i in y:\n    !echo $i", ["pass", "for i in y:", "    pass"]),
        ("out = !ls -la\nlen?\nos.path??", ["pass", "pass", "pass"]),
        ("%%capture\nimport x\n!ls", ["", "import x", "pass"]),
        ("%%writefile a.py\nimport x", ["", ""]),
        ("s = ('%d'\n     % 3)\nq = '?'", ["s = ('%d'", "     % 3)", "q = '?'"]),
        ('await f()\nx = """\n!not shell\n"""', ["await f()", 'x = """', "!not shell", '"""']),
        ("", [""]),
    ],
)
def test_python_lines(source: str, expected: list[str]) -> None:
    assert python_lines(source) == expected
