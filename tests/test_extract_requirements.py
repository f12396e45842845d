"""Requirements, pyproject.toml and setup.cfg: spaCy model packages and weight-fetching packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.extractors.requirements import (
    extract_pyproject,
    extract_requirements,
    extract_setup_cfg,
)
from scanner.types import Extraction, RefKind, SourceKind

Row = tuple[int, int, RefKind, str, str]  # line, column, kind, raw, extractor

SPACY, PACKAGE = RefKind.SPACY, RefKind.PACKAGE
WHEEL = (
    "https://github.com/explosion/spacy-models/releases/download/"
    "en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl"
)


def rows(result: Extraction) -> list[Row]:
    return [(r.line, r.column, r.kind, r.raw, r.extractor) for r in result.refs]


@pytest.fixture
def ctx(tmp_path: Path) -> RepoContext:
    return RepoContext(tmp_path)


REQUIREMENTS: list[tuple[str, str, list[Row]]] = [
    (
        "direct URL",
        f"numpy>=1.26\nen_core_web_sm @ {WHEEL}\n",
        [(2, 1, SPACY, "en_core_web_sm", "req.spacy")],
    ),
    ("bare wheel URL", f"# models\n{WHEEL}\n", [(2, 1, SPACY, "en_core_web_sm", "req.spacy")]),
    (
        "pip-normalised name, extras, markers, hashes",
        "de-core-news-lg==3.7.0 --hash=sha256:abc\nEn_Core_Web_Trf[cuda]; python_version>'3.8'\n"
        "xx_ent_wiki_sm\n",
        [
            (1, 1, SPACY, "de_core_news_lg", "req.spacy"),
            (2, 1, SPACY, "en_core_web_trf", "req.spacy"),
            (3, 1, SPACY, "xx_ent_wiki_sm", "req.spacy"),
        ],
    ),
    (
        "weight-fetching packages",
        "  ultralytics==8.2.0  # AGPL weights\nYOLOv5>=7\ntorch\n",
        [(1, 3, PACKAGE, "ultralytics", "req.package"), (2, 1, PACKAGE, "yolov5", "req.package")],
    ),
    (
        "continuation lines report the first line",
        "ultralytics \\\n    >=8.0 \\\n    --hash=x\n",
        [(1, 1, PACKAGE, "ultralytics", "req.package")],
    ),
    (
        "options and nested files are not requirements",
        "-r base.txt\n-c constraints.txt\n--index-url https://pypi.org/simple\n"
        "-e git+https://github.com/explosion/spacy-models#egg=en_core_web_sm\n-e .\n",
        [],
    ),
    (
        "negatives",
        "spacy>=3.7\nspacy-transformers\nultralytics-thop\nyolo\nen_core\n"
        "./wheels/mypkg-1.0-py3-none-any.whl\n# en_core_web_sm\n",
        [],
    ),
    (
        "local spaCy wheel",
        "./wheels/en_core_web_md-3.7.1-py3-none-any.whl\n",
        [(1, 1, SPACY, "en_core_web_md", "req.spacy")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in REQUIREMENTS],
                         ids=[c[0] for c in REQUIREMENTS])  # fmt: skip
def test_requirements(ctx: RepoContext, text: str, expected: list[Row]) -> None:
    result = extract_requirements("requirements.txt", text, ctx)
    assert rows(result) == expected
    assert result.errors == ()
    assert all(r.source is SourceKind.REQUIREMENTS for r in result.refs)
    assert all(r.path == "requirements.txt" for r in result.refs)


def test_unparsable_lines_are_errors_and_scanning_continues(ctx: RepoContext) -> None:
    text = "numpy>=\nultralytics\nfoo bar baz\nen_core_web_sm\n"
    result = extract_requirements("requirements-dev.txt", text, ctx)
    assert rows(result) == [
        (2, 1, PACKAGE, "ultralytics", "req.package"),
        (4, 1, SPACY, "en_core_web_sm", "req.spacy"),
    ]
    assert [(e.path, e.line) for e in result.errors] == [
        ("requirements-dev.txt", 1),
        ("requirements-dev.txt", 3),
    ]
    assert result.errors[0].message.startswith("invalid requirement 'numpy>=': ")
    assert result.errors[1].message.startswith("invalid requirement 'foo bar baz': ")


PYPROJECT = f"""\
[build-system]
requires = ["ultralytics"]

[project]
name = "app"
dependencies = [
    "numpy",
    "en_core_web_sm @ {WHEEL}",
]

[project.optional-dependencies]
vision = ["ultralytics>=8"]

[dependency-groups]
dev = [{{include-group = "vision"}}, "yolov5"]

[tool.pdm.dev-dependencies]
nlp = [
  "de_core_news_sm",
]

[tool.poetry.dependencies]
python = "^3.10"
ultralytics = "^8.1"

[tool.poetry.group.nlp.dependencies]
"fr-core-news-sm" = {{url = "https://example.org/fr_core_news_sm-3.7.0.tar.gz"}}
"""


def test_pyproject(ctx: RepoContext) -> None:
    result = extract_pyproject("pyproject.toml", PYPROJECT, ctx)
    assert rows(result) == [
        (8, 5, SPACY, "en_core_web_sm", "req.spacy"),
        (12, 11, PACKAGE, "ultralytics", "req.package"),
        (15, 36, PACKAGE, "yolov5", "req.package"),
        (19, 3, SPACY, "de_core_news_sm", "req.spacy"),
        (24, 1, PACKAGE, "ultralytics", "req.package"),
        (27, 1, SPACY, "fr_core_news_sm", "req.spacy"),
    ]
    assert result.errors == ()
    assert all(r.source is SourceKind.PYPROJECT for r in result.refs)


def test_pyproject_bad_dependency_and_bad_toml(ctx: RepoContext) -> None:
    text = '[project]\ndependencies = [\n  "ultralytics",\n  "torch >=",\n]\n'
    result = extract_pyproject("pyproject.toml", text, ctx)
    assert rows(result) == [(3, 3, PACKAGE, "ultralytics", "req.package")]
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (4, "invalid requirement 'torch >='")
    ]
    # TOML syntax errors are reported once, by configs.extract_toml, which reads the same file
    assert extract_pyproject("pyproject.toml", "[project\n", ctx) == Extraction()


SETUP_CFG = """\
[metadata]
name = app

[options]
install_requires =
    numpy
    # a comment
    en_core_web_sm @ https://example.org/en_core_web_sm-3.8.0-py3-none-any.whl
    ultralytics>=8; python_version >= "3.8"

[options.extras_require]
vision = yolov5
broken =
    torch >=
"""


def test_setup_cfg(ctx: RepoContext) -> None:
    result = extract_setup_cfg("setup.cfg", SETUP_CFG, ctx)
    assert rows(result) == [
        (8, 5, SPACY, "en_core_web_sm", "req.spacy"),
        (9, 5, PACKAGE, "ultralytics", "req.package"),
        (12, 10, PACKAGE, "yolov5", "req.package"),
    ]
    assert [(e.path, e.line) for e in result.errors] == [("setup.cfg", 14)]
    assert result.errors[0].message.startswith("invalid requirement 'torch >=': ")


@pytest.mark.parametrize(
    ("text", "line"),
    [("install_requires = x\n", 1), ("[options]\na = 1\na = 2\n", 3)],
)
def test_broken_setup_cfg(ctx: RepoContext, text: str, line: int) -> None:
    result = extract_setup_cfg("setup.cfg", text, ctx)
    assert result.refs == ()
    assert [(e.path, e.line) for e in result.errors] == [("setup.cfg", line)]
    assert result.errors[0].message.startswith("invalid setup.cfg: ")
