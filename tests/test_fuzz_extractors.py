"""Property-based tests of every extractor (hypothesis; profile ``ci`` by default, ``long`` from
``bench/fuzz.py``).

Properties:
- contract: on any text, an extractor returns an Extraction, raises nothing, and every error it
  reports is a per-file error of that file (never internal, lines from 1); on any bytes, the
  scan's per-file driver reports problems as errors of that file and none as internal;
- stability: a document written with other whitespace and comments (blank lines, comment lines,
  trailing comments, spaces inside brackets, another indentation, another JSON layout, YAML
  block or flow style, TOML inline or sectioned tables) yields the same findings.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st
from strategies import (
    NOTEBOOK_LAYOUTS,
    PLAIN,
    Layout,
    Statement,
    documents,
    layouts,
    notebooks,
    python_source,
    requirement_lines,
    statements,
    toml_documents,
    toml_text,
    yaml_text,
)
from strategies import join as join_lines

from scanner.context import RepoContext
from scanner.find.discover import SourceFile
from scanner.find.extractors import EXTRACTORS
from scanner.scan import extract_file
from scanner.types import Extraction, SourceKind

PATHS = {
    SourceKind.PYTHON: "pkg/app.py",
    SourceKind.NOTEBOOK: "nb/run.ipynb",
    SourceKind.REQUIREMENTS: "requirements.txt",
    SourceKind.PYPROJECT: "pyproject.toml",
    SourceKind.SETUP_CFG: "setup.cfg",
    SourceKind.YAML: "conf/train.yaml",
    SourceKind.JSON: "conf/config.json",
    SourceKind.TOML: "conf/app.toml",
    SourceKind.CONDA: "environment.yml",
}
KINDS = sorted(EXTRACTORS, key=lambda kind: kind.value)
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> RepoContext:
    return RepoContext(tmp_path_factory.mktemp("fuzz"))


def extract(kind: SourceKind, text: str, ctx: RepoContext) -> Extraction:
    """Every extractor of ``kind`` on ``text``, called directly (no safety net), checked."""
    path = PATHS[kind]
    parts = [extractor(path, text, ctx) for extractor in EXTRACTORS[kind]]
    for part in parts:
        assert isinstance(part, Extraction)
        for error in part.errors:
            assert error.path == path and not error.internal, error
            assert error.line is None or error.line >= 1, error
        for item in (*part.refs, *part.unresolved):
            assert item.path == path and item.line >= 1 and item.column >= 1, item
    return Extraction(
        tuple(r for p in parts for r in p.refs),
        tuple(u for p in parts for u in p.unresolved),
        tuple(e for p in parts for e in p.errors),
    )


def findings(result: Extraction, positions: bool = False) -> Counter[tuple[object, ...]]:
    """What an extraction found, without where (or with it, for layouts that keep lines)."""
    found: Counter[tuple[object, ...]] = Counter()
    for ref in result.refs:
        where = (ref.cell, ref.line, ref.column) if positions else (ref.cell,)
        found[("ref", ref.kind, ref.raw, ref.extractor, ref.provider, ref.confidence, *where)] += 1
    for item in result.unresolved:
        where = (item.cell, item.line, item.column) if positions else (item.cell,)
        found[("unresolved", item.expression, item.extractor, *where)] += 1
    return found


# -- contract: any input --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
@SLOW
@given(text=st.text(max_size=400))
def test_any_text_is_data_or_a_file_error(kind: SourceKind, text: str, ctx: RepoContext) -> None:
    extract(kind, text, ctx)


STRUCTURED = st.one_of(
    statements().map(lambda document: python_source(document, PLAIN)),
    requirement_lines().map("\n".join),
    documents.map(json.dumps),
    documents.map(lambda d: yaml_text(d, False, 2, Layout((), "", "  "))),
    toml_documents.map(lambda d: toml_text(d, True, Layout((), " ", ""))),
    notebooks().map(json.dumps),
    st.lists(st.text(max_size=30), max_size=5).map("\n".join),
)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
@SLOW
@given(text=STRUCTURED, cut=st.integers(0, 400), junk=st.text(max_size=5))
def test_damaged_structured_text_is_data_or_a_file_error(
    kind: SourceKind, text: str, cut: int, junk: str, ctx: RepoContext
) -> None:
    extract(kind, text, ctx)
    extract(kind, text[:cut] + junk + text[cut:], ctx)  # truncated, spliced, mistyped


@SLOW
@given(source=hypothesmith.from_grammar())
def test_grammar_generated_python_is_data(source: str, ctx: RepoContext) -> None:
    result = extract(SourceKind.PYTHON, source, ctx)
    assert [e for e in result.errors if "syntax" in e.message.lower()] == []


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.value)
@SLOW
@given(data=st.binary(max_size=300))
def test_any_bytes_through_the_driver_are_file_errors(
    kind: SourceKind, data: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.getbasetemp() / f"bytes-{kind.value}"
    path = root / PATHS[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    result = extract_file(root, SourceFile(PATHS[kind], kind))
    assert [e.message for e in result.errors if e.internal] == []
    assert {e.path for e in result.errors} <= {PATHS[kind]}


# -- stability: the same document in another layout -----------------------------------------


@SLOW
@given(document=statements(), first=layouts, second=layouts)
def test_python_findings_survive_whitespace_and_comments(
    document: list, first: Layout, second: Layout, ctx: RepoContext
) -> None:
    one = extract(SourceKind.PYTHON, python_source(document, first), ctx)
    two = extract(SourceKind.PYTHON, python_source(document, second), ctx)
    assert one.errors == () and two.errors == ()
    target(float(len(findings(one))))
    assert findings(one) == findings(two)


@SLOW
@given(source=hypothesmith.from_grammar(), comment=st.sampled_from(["# c", "", "#!x"]))
def test_a_leading_comment_line_moves_every_python_finding_one_line_down(
    source: str, comment: str, ctx: RepoContext
) -> None:
    one = extract(SourceKind.PYTHON, source, ctx)
    two = extract(SourceKind.PYTHON, comment + "\n" + source, ctx)
    shifted = Counter({(*key[:-3], key[-3], key[-2] + 1, key[-1]): n for key, n in
                       findings(one, positions=True).items()})  # fmt: skip
    assert findings(two, positions=True) == shifted


@SLOW
@given(notebook=notebooks(), first=st.sampled_from(NOTEBOOK_LAYOUTS),
       second=st.sampled_from(NOTEBOOK_LAYOUTS))  # fmt: skip
def test_notebook_findings_do_not_depend_on_the_json_layout(
    notebook: dict, first: dict, second: dict, ctx: RepoContext
) -> None:
    one = extract(SourceKind.NOTEBOOK, json.dumps(notebook, **first), ctx)
    two = extract(SourceKind.NOTEBOOK, json.dumps(notebook, **second), ctx)
    assert findings(one, positions=True) == findings(two, positions=True)
    assert one.errors == two.errors


@SLOW
@given(data=documents, first=st.sampled_from(NOTEBOOK_LAYOUTS),
       second=st.sampled_from(NOTEBOOK_LAYOUTS))  # fmt: skip
def test_json_findings_do_not_depend_on_the_layout(
    data: dict, first: dict, second: dict, ctx: RepoContext
) -> None:
    one = extract(SourceKind.JSON, json.dumps(data, **first), ctx)
    two = extract(SourceKind.JSON, json.dumps(data, **second), ctx)
    assert one.errors == () and two.errors == ()
    target(float(len(findings(one))))
    assert findings(one) == findings(two)


@SLOW
@given(data=documents, flows=st.tuples(st.booleans(), st.booleans()),
       indents=st.tuples(st.sampled_from([2, 4]), st.sampled_from([2, 3])),
       first=layouts, second=layouts)  # fmt: skip
def test_yaml_findings_do_not_depend_on_style_or_comments(
    data: dict,
    flows: tuple[bool, bool],
    indents: tuple[int, int],
    first: Layout,
    second: Layout,
    ctx: RepoContext,
) -> None:
    one = extract(SourceKind.YAML, yaml_text(data, flows[0], indents[0], first), ctx)
    two = extract(SourceKind.YAML, yaml_text(data, flows[1], indents[1], second), ctx)
    assert one.errors == () and two.errors == ()
    target(float(len(findings(one))))
    assert findings(one) == findings(two)


@SLOW
@given(data=toml_documents, sections=st.tuples(st.booleans(), st.booleans()),
       first=layouts, second=layouts)  # fmt: skip
def test_toml_findings_do_not_depend_on_tables_or_comments(
    data: dict, sections: tuple[bool, bool], first: Layout, second: Layout, ctx: RepoContext
) -> None:
    one = extract(SourceKind.TOML, toml_text(data, sections[0], first), ctx)
    two = extract(SourceKind.TOML, toml_text(data, sections[1], second), ctx)
    assert one.errors == () and two.errors == ()
    target(float(len(findings(one))))
    assert findings(one) == findings(two)


@SLOW
@given(lines=requirement_lines(), first=layouts, second=layouts)
def test_requirements_findings_survive_whitespace_and_comments(
    lines: list[str], first: Layout, second: Layout, ctx: RepoContext
) -> None:
    one = extract(SourceKind.REQUIREMENTS, join_lines(lines, first), ctx)
    two = extract(SourceKind.REQUIREMENTS, join_lines(lines, second), ctx)
    assert findings(one) == findings(two)
    assert [e.message for e in one.errors] == [e.message for e in two.errors]


PROGRAM = [
    Statement("from transformers import AutoModel, pipeline"),
    Statement('NAME_ID = "google/gemma-2b"'),
    Statement("def load(args):", ('model = pipeline({p}"fill-mask", model=args.model{p})',)),
    Statement("if True:", ("AutoModel.from_pretrained({p}NAME_ID{p})", "pass")),
    Statement("AutoModel.from_pretrained({p}'gpt2'{p})"),
]
LAYOUTS = [PLAIN, Layout((1, 2, 3, 4, 5), " ", "\t")]
DATA = {"model_name_or_path": "gpt2", "x": [{"base_model": "google/gemma-2b"}], "n": 1}
REACH = [
    (SourceKind.PYTHON, lambda layout: python_source(PROGRAM, layout), 3),
    (SourceKind.NOTEBOOK, lambda _: json.dumps({"cells": [
        {"cell_type": "code", "source": python_source(PROGRAM, PLAIN)}]}), 3),
    (SourceKind.JSON, lambda _: json.dumps(DATA), 2),
    (SourceKind.YAML, lambda layout: yaml_text(DATA, False, 2, layout), 2),
    (SourceKind.TOML, lambda layout: toml_text(DATA, True, layout), 2),
    (SourceKind.REQUIREMENTS, lambda layout: join_lines(["en_core_web_sm==3.7.0", "numpy",
                                                         "de-core-news-lg"], layout), 2),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "render", "wanted"), REACH, ids=lambda v: getattr(v, "value", ""))
@pytest.mark.parametrize(
    "layout", [PLAIN, Layout((1, 2, 3, 4, 5), " ", "\t")], ids=["plain", "odd"]
)
def test_the_renderings_carry_findings(
    kind: SourceKind,
    render: Callable[[Layout], str],
    wanted: int,
    layout: Layout,
    ctx: RepoContext,
) -> None:
    """The stability properties are not vacuous: what the strategies render is found."""
    result = extract(kind, render(layout), ctx)
    assert result.errors == ()
    assert len(findings(result)) == wanted
