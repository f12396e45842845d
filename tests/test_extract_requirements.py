"""Requirements, pyproject.toml and setup.cfg: spaCy model packages and weight-fetching packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.packages import command_models, url_name
from scanner.find.extractors.requirements import (
    extract_conda,
    extract_pyproject,
    extract_requirements,
    extract_setup_cfg,
)
from scanner.types import Extraction, RefKind, SourceKind

Row = tuple[int, int, RefKind, str, str]  # line, column, kind, raw, extractor

SPACY, PACKAGE, HF = RefKind.SPACY, RefKind.PACKAGE, RefKind.HUGGINGFACE
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
        "options and missing includes are not requirements",
        "-r base.txt\n-c constraints.txt\n--index-url https://pypi.org/simple\n"
        "--extra-index-url https://download.pytorch.org/whl/cu121\n-e .\n--editable ./pkg\n",
        [],
    ),
    (
        "editable and VCS URLs name their package",
        "-e git+https://github.com/explosion/spacy-models#egg=en_core_web_sm\n"
        "git+https://github.com/ultralytics/ultralytics.git@v8.3.0\n"
        "--editable=git+ssh://git@github.com/ultralytics/yolov5.git\n"
        "git+https://github.com/huggingface/transformers.git\n"
        "https://github.com/ultralytics/ultralytics/archive/main.zip\n",
        [
            (1, 4, SPACY, "en_core_web_sm", "req.spacy"),
            (2, 1, PACKAGE, "ultralytics", "req.package"),
            (3, 12, PACKAGE, "yolov5", "req.package"),
        ],
    ),
    (
        "hashes on continuation lines, Windows line endings",
        "numpy==1.26.4 \\\r\n    --hash=sha256:aa \\\r\n    --hash=sha256:bb\r\n"
        "ultralytics==8.3.0 \\\r\n    --hash=sha256:cc\r\nen-core-web-sm==3.8.0\r\n",
        [
            (4, 1, PACKAGE, "ultralytics", "req.package"),
            (6, 1, SPACY, "en_core_web_sm", "req.spacy"),
        ],
    ),
    (
        "markers and extras on weight packages",
        'ultralytics[export]>=8; sys_platform != "win32"\nyolov5 ; python_version < "3.12"\n',
        [(1, 1, PACKAGE, "ultralytics", "req.package"), (2, 1, PACKAGE, "yolov5", "req.package")],
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


def test_includes_are_followed_with_their_own_paths(tmp_path: Path) -> None:
    (tmp_path / "reqs").mkdir()
    (tmp_path / "reqs" / "base.txt").write_text("numpy\nen_core_web_lg\n-r ../requirements.txt\n")
    (tmp_path / "reqs" / "vision.in").write_text("-c base.txt\nultralytics\nbad req x\n")
    text = "-r reqs/base.txt\n--requirement=reqs/vision.in\n-r missing.txt\nyolov5\n"
    result = extract_requirements("requirements.txt", text, RepoContext(tmp_path))
    assert [(r.path, r.line, r.raw) for r in result.refs] == [
        ("requirements.txt", 4, "yolov5"),
        ("reqs/base.txt", 2, "en_core_web_lg"),  # its -r back to requirements.txt is a cycle: cut
        ("reqs/vision.in", 2, "ultralytics"),  # its -c base.txt: already read once, not again
    ]
    assert [(e.path, e.line) for e in result.errors] == [("reqs/vision.in", 3)]


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


CONDA_ENV = f"""\
name: app
channels: [conda-forge]
dependencies:
  - python=3.11
  - conda-forge::spacy-model-en_core_web_sm=3.7.1
  - ultralytics >=8.2
  - spacy-model-blank
  - spacy
  - pip
  - pip:
      - --extra-index-url https://download.pytorch.org/whl/cu121
      - "en_core_web_trf @ {WHEEL}"
      - -e git+https://github.com/ultralytics/yolov5.git#egg=yolov5
      - torch >=
"""


def test_conda_environment(ctx: RepoContext) -> None:
    result = extract_conda("environment.yml", CONDA_ENV, ctx)
    assert rows(result) == [
        (5, 5, SPACY, "en_core_web_sm", "req.spacy"),
        (6, 5, PACKAGE, "ultralytics", "req.package"),
        (12, 10, SPACY, "en_core_web_trf", "req.spacy"),
        (13, 12, PACKAGE, "yolov5", "req.package"),
    ]
    assert all(r.source is SourceKind.CONDA for r in result.refs)
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (14, "invalid requirement 'torch >='")
    ]


def test_conda_pip_include(tmp_path: Path) -> None:
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "pip.txt").write_text("ultralytics\n")
    text = "dependencies:\n  - pip:\n    - -r pip.txt\n"
    result = extract_conda("env/environment.yml", text, RepoContext(tmp_path))
    assert [(r.path, r.line, r.source) for r in result.refs] == [
        ("env/pip.txt", 1, SourceKind.REQUIREMENTS)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "model_name_or_path: google/flan-t5-base\n",
            [(1, 21, HF, "google/flan-t5-base", "yaml.model_key")],
        ),
        ("name: env\ndependencies: {}\n", []),
    ],
)  # fmt: skip
def test_file_named_environment_that_is_not_conda_is_a_config(
    ctx: RepoContext, text: str, expected: list[Row]
) -> None:
    assert rows(extract_conda("environment.yaml", text, ctx)) == expected


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("dependencies:\n  - [a\n", 3, "invalid YAML: expected ',' or ']'"),
        ("a: 1\n  b: 2\n", 2, "invalid YAML: mapping values are not allowed"),
    ],
)
def test_broken_conda_environment(ctx: RepoContext, text: str, line: int, message: str) -> None:
    result = extract_conda("environment.yml", text, ctx)
    assert result.refs == ()
    assert [(e.path, e.line) for e in result.errors] == [("environment.yml", line)]
    assert result.errors[0].message.startswith(message)


COMMANDS: list[tuple[str, list[tuple[int, RefKind, str, str]]]] = [
    ("pip install -q -U ultralytics", [(18, PACKAGE, "ultralytics", "cmd.pip_install")]),
    (
        "python -m spacy download en_core_web_sm && python3 -m pip install xx_ent_wiki_sm",
        [
            (25, SPACY, "en_core_web_sm", "cmd.spacy_download"),
            (66, SPACY, "xx_ent_wiki_sm", "cmd.pip_install"),
        ],
    ),
    (
        "uv pip install --index-url https://x/simple 'ultralytics>=8' -r requirements.txt yolov5",
        [
            (45, PACKAGE, "ultralytics", "cmd.pip_install"),
            (81, PACKAGE, "yolov5", "cmd.pip_install"),
        ],
    ),
    (
        "pip install \\\n  git+https://github.com/ultralytics/ultralytics.git # yolov5",
        [(16, PACKAGE, "ultralytics", "cmd.pip_install")],
    ),
    ('pip install "unsloth[colab] @ git+https://github.com/unslothai/unsloth.git"', []),
    ("pip install ultralytics==$VERSION {pkg} spacy torch; echo yolov5", []),
    ("spacy download ${vars.model}; spacy download blank", []),
    ("pipx install ultralytics-helper; mypip install ultralytics", []),
    ("uv add ultralytics", [(7, PACKAGE, "ultralytics", "cmd.pip_install")]),
    ("  %pip install yolov5", [(15, PACKAGE, "yolov5", "cmd.pip_install")]),
    ("x\n$ sudo pip3 install yolov5", [(22, PACKAGE, "yolov5", "cmd.pip_install")]),
    ("To use it, run python -m spacy download en_core_web_sm first.", []),
    ("echo pip install yolov5", []),
]


@pytest.mark.parametrize(("text", "expected"), COMMANDS)
def test_command_models(text: str, expected: list[tuple[int, RefKind, str, str]]) -> None:
    got = [(c.offset, c.model.kind, c.model.name, c.extractor) for c in command_models(text)]
    assert got == expected


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (WHEEL, "en_core_web_sm"),
        ("git+https://github.com/ultralytics/ultralytics.git@v8.1#subdirectory=x", "ultralytics"),
        ("git+ssh://git@github.com/org/repo", "repo"),
        ("https://example.org/pkgs/de_core_news_md-3.7.0.tar.gz", "de_core_news_md"),
        ("hg+https://hg.example.org/lib#egg=yolov5", "yolov5"),
        ("https://github.com/ultralytics/ultralytics/archive/main.zip", None),
        ("https://example.org/simple/", None),
    ],
)
def test_url_name(url: str, name: str | None) -> None:
    assert url_name(url) == name
