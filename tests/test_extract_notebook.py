"""Notebooks: code cells scanned as one Python module, positions mapped back to (cell, line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.notebook import extract, python_lines
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
        (
            "!curl -d '{ \\\n  \"a\": 1 \\\n }'\n"
            "for f in y:\n    !kit \\\n        -c x.yaml\n    t = 1",
            ["pass", "", "", "for f in y:", "    pass", "", "    t = 1"],
        ),
        ("s = ('%d'\n     % 3)\nq = '?'", ["s = ('%d'", "     % 3)", "q = '?'"]),
        ('await f()\nx = """\n!not shell\n"""', ["await f()", 'x = """', "!not shell", '"""']),
        ("", [""]),
    ],
)
def test_python_lines(source: str, expected: list[str]) -> None:
    assert python_lines(source) == expected


KindRow = tuple[int | None, int, int, RefKind, str, str]  # cell, line, column, kind, raw, extractor


def kind_rows(result: Extraction) -> list[KindRow]:
    return [(r.cell, r.line, r.column, r.kind, r.raw, r.extractor) for r in result.refs]


SPACY, PACKAGE, HF = RefKind.SPACY, RefKind.PACKAGE, RefKind.HUGGINGFACE

SHELL_CASES: list[tuple[str, str, list[KindRow]]] = [
    (
        "pip and spacy download lines, line magic and shell escape",
        notebook(
            ("code", "%pip install -q ultralytics\n!python -m spacy download en_core_web_sm\n"),
            ("code", "import os\n  !pip install \\\n    yolov5==7.0.13 onnx\n"),
        ),
        [
            (1, 1, 17, PACKAGE, "ultralytics", "cmd.pip_install"),
            (1, 2, 27, SPACY, "en_core_web_sm", "cmd.spacy_download"),
            (2, 3, 5, PACKAGE, "yolov5", "cmd.pip_install"),
        ],
    ),
    (
        "capture cell keeps its shell lines; bash cell body is shell",
        notebook(
            ("code", "%%capture\n!pip install ultralytics\n"),
            ("code", "%%bash\nset -e\npip install xx_ent_wiki_sm\n"),
        ),
        [
            (1, 2, 14, PACKAGE, "ultralytics", "cmd.pip_install"),
            (2, 3, 13, SPACY, "xx_ent_wiki_sm", "cmd.pip_install"),
        ],
    ),
    (
        "commands in strings, comments and markdown are not run",
        notebook(
            ("code", 'cmd = "pip install ultralytics"\n# !pip install yolov5\n'),
            ("markdown", "!pip install ultralytics"),
            ("code", "%%writefile notes.md\npip install ultralytics\n"),
        ),
        [],
    ),
    (
        "writefile bodies are scanned as the file they write",
        notebook(
            ("code", "%%writefile train.py\nfrom transformers import AutoModel\n"
                     "AutoModel.from_pretrained('gpt2')\n"),
            ("code", "%%writefile -a config.yaml\nbase_model: Qwen/Qwen2-7B\n"),
            ("code", "%%writefile requirements.txt\nultralytics\n"),
        ),
        [
            (1, 3, 27, HF, "gpt2", "py.from_pretrained"),
            (2, 2, 13, HF, "Qwen/Qwen2-7B", "yaml.model_key"),
            (3, 2, 1, PACKAGE, "ultralytics", "req.package"),
        ],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in SHELL_CASES],
                         ids=[c[0] for c in SHELL_CASES])  # fmt: skip
def test_shell_and_written_files(ctx: RepoContext, text: str, expected: list[KindRow]) -> None:
    result = extract("nb/demo.ipynb", text, ctx)
    assert kind_rows(result) == expected
    assert result.errors == ()
    assert all(r.source is SourceKind.NOTEBOOK for r in result.refs)


def test_writefile_python_is_not_part_of_the_notebook_module(ctx: RepoContext) -> None:
    text = notebook(
        ("code", "%%writefile conf.py\nMODEL = 'org/from-file'\n"),
        ("code", "from transformers import AutoModel\nAutoModel.from_pretrained(MODEL)\n"),
    )
    result = extract("demo.ipynb", text, ctx)
    assert result.refs == ()
    assert [(u.cell, u.line) for u in result.unresolved] == [(2, 2)]


def test_writefile_syntax_error_is_reported_in_its_cell(ctx: RepoContext) -> None:
    text = notebook(
        ("code", "import os\n"),
        ("code", "%%writefile bad.py\ndef f(:\n    AutoModel.from_pretrained(x)\n"),
    )
    result = extract("demo.ipynb", text, ctx)
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [(2, "cell 2")]


def test_outputs_are_never_read(ctx: RepoContext) -> None:
    image = "iVBORw0KGgo" * 400_000  # ~4 MB of base64 output
    cell = {
        "cell_type": "code", "metadata": {"colab": {"base_uri": "https://localhost:8080/"}},
        "source": ["from transformers import AutoModel\n", "AutoModel.from_pretrained('gpt2')"],
        "outputs": [
            {"output_type": "display_data", "data": {"image/png": image}},
            {"output_type": "stream", "text": ["pip install ultralytics\n",
                                               "from_pretrained('org/in-output')\n"]},
        ],
    }  # fmt: skip
    metadata = {"colab": {"provenance": []}, "kernelspec": {"name": "python3"}}
    text = json.dumps({"nbformat": 4, "nbformat_minor": 0, "metadata": metadata, "cells": [cell]})
    assert rows(extract("big.ipynb", text, ctx)) == [(1, 2, "gpt2")]
