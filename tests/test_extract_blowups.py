"""Inputs that blew up an extractor (exponential includes, huge cells, bombs, deep nesting).

Each case is small and checks a count or a result, never a duration; a 20 s alarm is only a
safety net so that a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors import configs, notebook, python
from scanner.find.extractors.configs import extract_json, extract_toml, extract_yaml
from scanner.find.extractors.requirements import MAX_INCLUDE_DEPTH, extract_requirements
from scanner.types import Confidence, Extraction

Extractor = Callable[[str, str, RepoContext], Extraction]

SPACY_MODELS = [
    f"{lang}_core_{kind}_{size}"
    for lang, kind in (("en", "web"), ("de", "news"), ("fr", "news"), ("es", "news"))
    for size in ("sm", "md", "lg")
][:10]


@pytest.fixture(autouse=True)
def alarm() -> Iterator[None]:
    """Fail a case that hangs (a safety net only: no case relies on timing)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("extractor did not finish within 20 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path an extractor reads through RepoContext.read_text, in order."""
    seen: list[str] = []
    original = RepoContext.read_text

    def spy(self: RepoContext, rel: str) -> str | None:
        seen.append(rel)
        return original(self, rel)

    monkeypatch.setattr(RepoContext, "read_text", spy)
    return seen


def errors(result: Extraction) -> list[tuple[str, int | None, str]]:
    return [(e.path, e.line, e.message) for e in result.errors]


# --- requirements: -r / -c includes -----------------------------------------------------------


@pytest.mark.parametrize("files", [4, 10])
def test_include_fan_out_reads_each_file_once(tmp_path: Path, reads: list[str], files: int) -> None:
    """Ten files each including the next 8 times: 8**9 walks before, one read per file now."""
    for i in range(1, files):
        includes = f"-r r{i + 1}.txt\n" * 8 if i + 1 < files else ""
        (tmp_path / f"r{i}.txt").write_text(f"{includes}{SPACY_MODELS[i]}\n")
    top = "-r r1.txt\n" * 8 + f"{SPACY_MODELS[0]}\n"
    result = extract_requirements("r0.txt", top, RepoContext(tmp_path))
    followed = min(files - 1, MAX_INCLUDE_DEPTH)  # r1 .. r8: r9 is one level too deep
    assert sorted(reads) == [f"r{i}.txt" for i in range(1, followed + 1)]
    assert [(r.path, r.line, r.raw) for r in result.refs] == [
        (f"r{i}.txt", 9 if i + 1 < files else 1, SPACY_MODELS[i]) for i in range(followed + 1)
    ]
    too_deep = [
        ("r8.txt", 1, "include 'r9.txt' not followed: over the 8 level include depth limit")
    ]
    assert errors(result) == (too_deep if files > MAX_INCLUDE_DEPTH + 1 else [])


def test_cycles_and_second_names_are_read_once(tmp_path: Path, reads: list[str]) -> None:
    (tmp_path / "reqs").mkdir()
    (tmp_path / "alias").symlink_to("reqs", target_is_directory=True)
    (tmp_path / "reqs" / "a.txt").write_text("-r b.txt\n-r ../alias/b.txt\nultralytics\n")
    (tmp_path / "reqs" / "b.txt").write_text("-r a.txt\n-r ../requirements.txt\nyolov5\n")
    text = "-r reqs/a.txt\n-r alias/a.txt\n-c reqs/b.txt\n"
    result = extract_requirements("requirements.txt", text, RepoContext(tmp_path))
    assert reads == ["reqs/a.txt", "reqs/b.txt"]
    assert [(r.path, r.raw) for r in result.refs] == [
        ("reqs/a.txt", "ultralytics"),
        ("reqs/b.txt", "yolov5"),
    ]
    assert result.errors == ()


OUTSIDE = [
    ("absolute path", "-r /etc/passwd", "/etc/passwd", "it is an absolute path"),
    ("Windows drive", "-c C:\\reqs\\base.txt", "C:\\reqs\\base.txt", "it is an absolute path"),
    ("parent of the root", "-r ../../x.txt", "../../x.txt", "it points outside the repository"),
    ("symlink out of the root", "-r link.txt", "link.txt", "it is outside the repository"),
]


@pytest.mark.parametrize(("line", "name", "reason"), [c[1:] for c in OUTSIDE],
                         ids=[c[0] for c in OUTSIDE])  # fmt: skip
def test_includes_outside_the_repository_are_reported_not_read(
    tmp_path: Path, reads: list[str], line: str, name: str, reason: str
) -> None:
    root = tmp_path / "repo"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("en_core_web_sm\n")
    (root / "sub" / "link.txt").symlink_to(tmp_path / "secret.txt")
    result = extract_requirements("sub/requirements.txt", f"{line}\nyolov5\n", RepoContext(root))
    assert reads == []
    assert [(r.line, r.raw) for r in result.refs] == [(2, "yolov5")]
    ((path, number, message),) = errors(result)
    assert (path, number) == ("sub/requirements.txt", 1)
    assert message.startswith(f"include {name!r} not followed: {reason}")
    assert not any(e.internal for e in result.errors)


# --- notebooks ---------------------------------------------------------------------------------

LOAD = "from transformers import AutoModel\nm = AutoModel.from_pretrained('org/{}')\n"


def nb(*sources: object, **extra: object) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "source": source} for source in sources]
    return json.dumps({"nbformat": 4, "metadata": {}, "cells": cells, **extra})


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Parse limits of a few KB, and the size of every text handed to the Python extractor."""
    monkeypatch.setattr(notebook, "MAX_CELL_BYTES", 4_000)
    monkeypatch.setattr(notebook, "MAX_CODE_BYTES", 6_000)
    monkeypatch.setattr(notebook, "FALLBACK_CHUNK", 1_000)
    parsed: list[int] = []
    original = python.extract

    def spy(path: str, text: str, ctx: RepoContext) -> Extraction:
        parsed.append(len(text))
        return original(path, text, ctx)

    monkeypatch.setattr(python, "extract", spy)
    return parsed


PADDING = "x = 1\n" * 1_000  # 6 KB of code


def test_a_cell_over_the_parse_limit_is_scanned_by_the_fallback(
    ctx: RepoContext, small_limits: list[int]
) -> None:
    text = nb(LOAD.format("small"), LOAD.format("huge") + PADDING + LOAD.format("end"))
    result = notebook.extract("nb.ipynb", text, ctx)
    assert [(r.cell, r.line, r.raw, r.confidence) for r in result.refs] == [
        (1, 2, "org/small", Confidence.HIGH),
        (2, 2, "org/huge", Confidence.LOW),
        (2, 1004, "org/end", Confidence.LOW),
    ]
    assert max(small_limits) < 4_000  # the large cell never reached libcst
    ((path, line, message),) = errors(result)
    assert (path, line) == ("nb.ipynb", None)
    assert message.startswith("cell 2: not parsed: 0.0 MB is over the 1 MB parse limit")
    assert message.endswith("scanned with the fallback tokenizer")


def test_code_over_the_total_budget_is_scanned_by_the_fallback(
    ctx: RepoContext, small_limits: list[int]
) -> None:
    cell = LOAD.format("m{}") + "x = 1\n" * 300  # about 2 KB each: three fit the 6 KB budget
    text = nb(*(cell.format(i) for i in range(1, 7)))
    result = notebook.extract("nb.ipynb", text, ctx)
    assert [(r.cell, r.raw, r.confidence) for r in result.refs] == [
        (i, f"org/m{i}", Confidence.HIGH if i <= 3 else Confidence.LOW) for i in range(1, 7)
    ]
    assert sum(small_limits) <= 6_000
    assert [e.message.split(" not parsed")[0] for e in result.errors] == [
        "3 code cell(s) from cell 4 on"
    ]


def test_many_broken_cells_share_one_rescan_budget(
    ctx: RepoContext, small_limits: list[int]
) -> None:
    imports = "from transformers import AutoModel\n" + "y = 2\n" * 300
    broken = "def f(:\nAutoModel.from_pretrained('org/b{}')\n"
    text = nb(imports, *(broken.format(i) for i in range(200)))
    result = notebook.extract("nb.ipynb", text, ctx)
    assert [r.raw for r in result.refs] == [f"org/b{i}" for i in range(200)]
    assert sum(small_limits) <= 2 * 6_000  # the module plus the rescan budget, not 200 rescans
    assert len(small_limits) < 10


def test_a_large_writefile_python_cell_is_not_parsed(
    ctx: RepoContext, small_limits: list[int]
) -> None:
    text = nb("%%writefile train.py\n" + LOAD.format("written") + PADDING)
    result = notebook.extract("nb.ipynb", text, ctx)
    assert [(r.cell, r.line, r.raw) for r in result.refs] == [(1, 3, "org/written")]
    assert small_limits == []
    assert [e.message.split(":")[0] for e in result.errors] == ["cell 1"]


DEEP = "[" * 100_000 + "]" * 100_000
BIG_INT = "9" * 5_000

NOTEBOOKS: list[tuple[str, str, list[tuple[int, str]], list[str]]] = [
    ("deeply nested JSON", '{"cells": [], "metadata": ' + DEEP + "}", [],
     ["not valid JSON: nested too deeply"]),
    ("integer over the digit limit", nb(LOAD.format("a"))[:-1] + f', "n": {BIG_INT}}}',
     [(1, "org/a")], []),
    ("cells is an object", json.dumps({"cells": {"0": LOAD}}), [],
     ['not a notebook: "cells" is not a list: no cell scanned']),
    ("a cell is a string",
     json.dumps({"cells": [LOAD, {"cell_type": "code", "source": LOAD.format("s")}]}),
     [(2, "org/s")], ["cell 1: not a JSON object: skipped"]),
    ("source is a number", json.dumps({"cells": [{"cell_type": "code", "source": 7}]}), [],
     ["cell 1: source is a int, not a string or a list: skipped"]),
    ("source parts that are not strings",
     json.dumps({"cells": [{"cell_type": "code", "source": [LOAD.format("p"), 3, None]}]}),
     [(1, "org/p")], ["cell 1: source parts that are not strings: skipped"]),
    ("nbformat 3 worksheets",
     json.dumps({"worksheets": [{"cells": [{"cell_type": "code", "input": LOAD.format("w")}]}]}),
     [(1, "org/w")], []),
    ("worksheets is an object", json.dumps({"worksheets": {"cells": []}}), [],
     ['not a notebook: "worksheets" is not a list: no cell scanned']),
    ("a worksheet without a cell list", json.dumps({"worksheets": [{"cells": 3}, 5]}), [],
     ['worksheet 1: not an object with a "cells" list: skipped',
      'worksheet 2: not an object with a "cells" list: skipped']),
    ("metadata of the wrong type", nb(LOAD.format("m"), metadata=[1, 2]), [(1, "org/m")], []),
    ("a huge output is never read", json.dumps({"cells": [{
        "cell_type": "code", "source": LOAD.format("o"),
        "outputs": [{"output_type": "stream", "text": "from_pretrained('org/out')" * 10_000}],
     }]}), [(1, "org/o")], []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected", "messages"), [c[1:] for c in NOTEBOOKS],
                         ids=[c[0] for c in NOTEBOOKS])  # fmt: skip
def test_malformed_notebooks_are_file_errors(
    ctx: RepoContext, text: str, expected: list[tuple[int, str]], messages: list[str]
) -> None:
    result = notebook.extract("nb.ipynb", text, ctx)
    assert [(r.cell, r.raw) for r in result.refs] == expected
    assert [(e.path, e.message) for e in result.errors] == [("nb.ipynb", m) for m in messages]
    assert not any(e.internal for e in result.errors)


# --- configs -----------------------------------------------------------------------------------


@pytest.fixture
def ctx(tmp_path: Path) -> RepoContext:
    return RepoContext(tmp_path)


OVER = "over the 1 MB config limit: scanned line by line"
PAD = "x" * 2_000

OVERSIZED: list[tuple[str, Extractor, str, str, list[tuple[int, int, str]]]] = [
    (
        "YAML",
        extract_yaml,
        "big.yaml",
        f"pad: {PAD}\nmodel_name_or_path: gpt2\nmodel: resnet50\nitems:\n  - tokenizer: 'org/t'\n"
        'x: {model: "org/flow", hub_model_id: me/out}\nanchor: &a org/anchored\n'
        "llm: gpt-4o  # a hosted model\n",
        [(2, 21, "gpt2"), (5, 16, "org/t"), (6, 12, "org/flow"), (8, 6, "gpt-4o")],
    ),
    (
        "minified JSON",
        extract_json,
        "big.json",
        f'{{"pad": "{PAD}", "_name_or_path": "org/j\\u0031", "output_dir": "org/out",'
        ' "base_model": "bert-base-uncased", "model": "plain"}',
        [(1, 2030, "org/j1"), (1, 2084, "bert-base-uncased")],
    ),
    (
        "TOML",
        extract_toml,
        "big.toml",
        f'pad = "{PAD}"\n[tool.app]\nbase_model = "org/toml"\nspacy_model = \'en_core_web_sm\'\n'
        'app.model_id = "org/dotted"\n',
        [(3, 14, "org/toml"), (4, 15, "en_core_web_sm"), (5, 16, "org/dotted")],
    ),
]


@pytest.mark.parametrize(("extract", "path", "text", "expected"), [c[1:] for c in OVERSIZED],
                         ids=[c[0] for c in OVERSIZED])  # fmt: skip
def test_oversized_configs_are_scanned_line_by_line(
    ctx: RepoContext,
    monkeypatch: pytest.MonkeyPatch,
    extract: Extractor,
    path: str,
    text: str,
    expected: list[tuple[int, int, str]],
) -> None:
    monkeypatch.setattr(configs, "MAX_CONFIG_BYTES", 1_000)
    result = extract(path, text, ctx)
    assert [(r.line, r.column, r.raw) for r in result.refs] == expected
    assert [(e.path, e.line, e.internal) for e in result.errors] == [(path, None, False)]
    assert result.errors[0].message.startswith("not parsed: 0.0 MB is ")
    assert result.errors[0].message.endswith(OVER)


def test_the_line_scanner_reads_pathological_lines_in_linear_time(ctx: RepoContext) -> None:
    lines = [
        "llm: " + '"llm: ' * 50,  # unclosed quoted values that contain keys
        "a" * 20_000,  # one long word
        " " * 20_000 + "model:",  # a long run of blanks
        '"model": "' + "\\\\" * 10_000,  # escapes without an end
        "model: org/ok",
    ]
    text = "\n".join(lines * 20) + "\n"  # about 1.2 MB: over the real limit
    result = extract_yaml("big.yaml", text, ctx)
    assert [(r.line, r.raw) for r in result.refs] == [(5 * i + 5, "org/ok") for i in range(20)]
    assert result.errors[0].message.endswith(OVER)


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 {model: org/lol}"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


DEEP_TOML = 'model_id = "org/deep"\nx = ' + "[" * 5_000 + "]" * 5_000 + "\n"
BOMB = "YAML aliases expand to over 1,000,000 nodes (an alias bomb?): not expanded"

BROKEN: list[tuple[str, Extractor, str, str, list[str], list[tuple[int | None, str]]]] = [
    ("YAML billion laughs", extract_yaml, "c.yaml", _laughs(12), ["org/lol"], [(None, BOMB)]),
    ("YAML ordinary anchors", extract_yaml, "c.yaml", _laughs(3), ["org/lol"], []),
    ("YAML recursive alias", extract_yaml, "c.yaml", "a: &a [*a, {model: org/rec}]\n",
     ["org/rec"], [(None, "YAML alias inside its own anchor (a recursive node)")]),
    ("YAML alias under a model key", extract_yaml, "c.yaml",
     "defaults: &d {name: org/aliased}\nmodel: *d\n", ["org/aliased"], []),
    ("YAML deep nesting", extract_yaml, "c.yaml",
     "model_id: org/deep\nx: " + "[" * 5_000 + "]" * 5_000 + "\n", ["org/deep"],
     [(None, "not parsed: YAML nested too deeply: scanned line by line")]),
    ("YAML custom tags", extract_yaml, "c.yaml",
     "model_id: !Ref org/tagged\nrun: !!python/object/apply:os.system ['rm -rf /']\n"
     "model: !!binary aGVsbG8=\n", ["org/tagged"], []),
    ("JSON deep nesting", extract_json, "c.json",
     '{"model_id": "org/deep",\n "x": ' + "[" * 5_000 + "]" * 5_000 + "}", ["org/deep"],
     [(None, "not parsed: JSON nested too deeply: scanned line by line")]),
    ("JSON integer over the digit limit", extract_json, "c.json",
     '{"model_id": "org/big", "n": ' + "9" * 5_000 + "}", ["org/big"], []),
    ("JSONC unclosed comments", extract_json, ".vscode/settings.json",
     '{"model": "org/x"}' + "/* x" * 50_000, ["org/x"], []),  # a comment to the end
    ("JSONC unclosed strings", extract_json, ".vscode/settings.json",
     '{"a": "' + '\\"' * 50_000 + "}", [], [(1, "invalid JSON: ")]),
    ("TOML deep nesting", extract_toml, "c.toml", DEEP_TOML, ["org/deep"],
     [(2, "not parsed: TOML nested more than 100 levels deep: scanned line by line")]),
    ("TOML integer over the digit limit", extract_toml, "c.toml",
     'model_id = "org/big"\nn = ' + "9" * 5_000 + "\n", ["org/big"],
     [(2, "not parsed: TOML number too long")]),
    ("TOML long dotted key", extract_toml, "c.toml",
     'model_id = "org/dot"\n' + ".".join(["a"] * 50_000) + " = 1\n", ["org/dot"],
     [(2, "not parsed: TOML nested more than 100 levels deep")]),
    ("TOML many located values", extract_toml, "c.toml",
     '[[m]]\nmodel_id = "org/same"\n' * 3_000, ["org/same"] * 3_000, []),
]  # fmt: skip


@pytest.mark.parametrize(("extract", "path", "text", "raws", "expected"), [c[1:] for c in BROKEN],
                         ids=[c[0] for c in BROKEN])  # fmt: skip
def test_config_blowups_are_file_errors(
    ctx: RepoContext,
    extract: Extractor,
    path: str,
    text: str,
    raws: list[str],
    expected: list[tuple[int | None, str]],
) -> None:
    result = extract(path, text, ctx)
    assert [r.raw for r in result.refs] == raws
    assert [(e.path, e.line) for e in result.errors] == [(path, line) for line, _ in expected]
    for error, (_, message) in zip(result.errors, expected, strict=True):
        assert error.message.startswith(message), error.message
        assert not error.internal


def test_repeated_toml_values_are_located_in_order(ctx: RepoContext) -> None:
    result = extract_toml("c.toml", '[[m]]\nmodel_id = "org/same"\n' * 3_000, ctx)
    assert [r.line for r in result.refs] == [2 * i + 2 for i in range(3_000)]
