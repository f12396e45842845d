"""Bad input: syntax errors (with the tokenizer fallback), invalid text, empty and huge files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.python import cst as python_cst
from scanner.find.extractors.python import extract
from scanner.types import EMPTY_EXTRACTION, Confidence, RefKind

# (case, source, error line, fallback findings [(line, column, kind, raw)])
BROKEN = [
    (
        "python 2 print",
        'from transformers import AutoModel\nprint "hi"\nm = AutoModel.from_pretrained(\n'
        '    "org/a")\n',
        2,
        [(4, 5, RefKind.HUGGINGFACE, "org/a")],
    ),
    (
        "unclosed call",
        'from transformers import pipeline\npipeline("ner", model="org/a"\nx = (\n'
        'pipeline(model="org/b")\n',
        2,
        [(2, 23, RefKind.HUGGINGFACE, "org/a"), (4, 16, RefKind.HUGGINGFACE, "org/b")],
    ),
    (
        "unterminated triple quote",
        'from transformers import pipeline\npipeline(model="org/a")\ns = """never closed\n',
        3,
        [(2, 16, RefKind.HUGGINGFACE, "org/a")],
    ),
    (
        "bad dedent",
        "from transformers import pipeline\nif x:\n        a = 1\n    b = 2\n"
        'pipeline(model="org/c")\n',
        4,
        [(5, 16, RefKind.HUGGINGFACE, "org/c")],
    ),
    (
        "an indentation error every few lines",
        "from transformers import pipeline\n"
        + "def f():\n    x = 1\n      y = 2\n" * 300
        + 'pipeline(model="org/late")\n',
        4,
        [(902, 16, RefKind.HUGGINGFACE, "org/late")],
    ),
    (
        "merge conflict",
        'import openai\n<<<<<<< HEAD\nopenai.OpenAI().chat.completions.create(model="gpt-4o")\n'
        "=======\n"
        'openai.OpenAI().chat.completions.create(model="gpt-4.1")\n>>>>>>> branch\n',
        2,
        [(3, 47, RefKind.API, "gpt-4o"), (5, 47, RefKind.API, "gpt-4.1")],
    ),
    (
        "fallback keeps precision",
        '# AutoModel.from_pretrained("org/comment")\nfrom transformers import AutoModel\nx = = 1\n'
        'AutoModel.from_pretrained("./local")\nAutoModel.from_pretrained(name)\n'
        'load_model("large-v3")\n',
        3,
        [],
    ),
    (
        "fallback needs the library import",
        'print "x"\npipeline(model="org/a")\nthing.from_pretrained("org/b")\n',
        1,
        [(3, 23, RefKind.HUGGINGFACE, "org/b")],
    ),
    (
        "fallback: legacy ids on any class, new loader rows",
        "from somelib import Encoder\nfrom unsloth import FastLanguageModel\n"
        "from faster_whisper import WhisperModel\nimport dspy\n"
        'Encoder.from_pretrained("distilroberta-base")\n'
        'FastLanguageModel.from_pretrained(model_name="unsloth/llama-3-8b")\n'
        'WhisperModel("large-v3")\nlm = dspy.LM("openai/gpt-4o-mini")\n'
        'Encoder.from_pretrained("my-encoder")\ndef broken(:\n    pass\n',
        10,
        [
            (5, 25, RefKind.HUGGINGFACE, "distilroberta-base"),
            (6, 46, RefKind.HUGGINGFACE, "unsloth/llama-3-8b"),
            (7, 14, RefKind.HUGGINGFACE, "Systran/faster-whisper-large-v3"),
            (8, 14, RefKind.API, "openai/gpt-4o-mini"),
        ],
    ),
]


@pytest.mark.parametrize(("case", "source", "line", "refs"), BROKEN, ids=[b[0] for b in BROKEN])
def test_syntax_error_runs_the_fallback(
    tmp_path: Path, case: str, source: str, line: int, refs: list[tuple[int, int, RefKind, str]]
) -> None:
    result = extract("bad.py", source, RepoContext(tmp_path))
    assert [(e.path, e.line, e.internal) for e in result.errors] == [("bad.py", line, False)]
    assert result.errors[0].message.startswith("syntax error: ")
    assert [(r.line, r.column, r.kind, r.raw) for r in result.refs] == refs
    assert {(r.extractor, r.confidence) for r in result.refs} <= {("py.fallback", Confidence.LOW)}
    assert result.unresolved == ()


@pytest.mark.parametrize(
    ("case", "source"),
    [
        ("empty", ""),
        ("only whitespace", "\n\n   \n"),
        ("no trigger word, broken", "def (:\n"),
        ("no trigger word", "x = 1\nprint(x)\n"),
        ("trigger only in a comment", "# from_pretrained\nx = 1\n"),
    ],
)
def test_nothing_to_find(tmp_path: Path, case: str, source: str) -> None:
    assert extract("a.py", source, RepoContext(tmp_path)) == EMPTY_EXTRACTION


@pytest.mark.parametrize(
    ("case", "source"),
    [
        ("NUL byte", 'from_pretrained(\x00"org/x")'),
        ("binary noise", "from_pretrained( \udcff\ufffe\x01\x02 ((("),
        ("lone carriage returns", 'from_pretrained("a/b"\r\r\r'),
    ],
)
def test_invalid_text_is_a_file_error(tmp_path: Path, case: str, source: str) -> None:
    result = extract("a.py", source, RepoContext(tmp_path))
    assert len(result.errors) == 1
    assert not result.errors[0].internal


def test_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    source = (
        '\ufefffrom transformers import AutoModel\r\nAutoModel.from_pretrained(\r\n  "org/a")\r\n'
    )
    result = extract("a.py", source, RepoContext(tmp_path))
    assert [(r.line, r.column, r.raw) for r in result.refs] == [(3, 3, "org/a")]


def test_too_deeply_nested_is_a_file_error(tmp_path: Path) -> None:
    chain = " + ".join(['"a"'] * 3000)
    source = f"from transformers import AutoModel\nX = {chain}\nAutoModel.from_pretrained(X)\n"
    source += 'AutoModel.from_pretrained("org/a")\n'
    result = extract("a.py", source, RepoContext(tmp_path))
    assert [(e.line, e.internal) for e in result.errors] == [(None, False)]
    assert [(r.line, r.column, r.raw, r.confidence) for r in result.refs] == [
        (4, 27, "org/a", Confidence.LOW)
    ]


def test_huge_file(tmp_path: Path) -> None:
    filler = "".join(
        f"def f{i}(x):\n    '''org/doc{i}'''\n    return x + {i}  # org/c{i}\n" for i in range(5000)
    )
    source = (
        "from transformers import AutoModel\nMODEL = 'org/a'\n" + filler
        + "AutoModel.from_pretrained(MODEL)\nAutoModel.from_pretrained(\n    'org/b')\n"
    )  # fmt: skip
    result = extract("big.py", source, RepoContext(tmp_path))
    assert [(r.line, r.column, r.raw, r.via) for r in result.refs] == [
        (15003, 27, "org/a", "MODEL at big.py:2"),
        (15005, 5, "org/b", None),
    ]


def test_internal_failure_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(python_cst, "parse_tree", boom)
    source = 'from transformers import pipeline\npipeline(model="org/a")\n'
    result = extract("a.py", source, RepoContext(tmp_path))
    assert [(e.path, e.internal) for e in result.errors] == [("a.py", True)]
    assert "KeyError" in result.errors[0].message
