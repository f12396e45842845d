"""Hostile file names, end to end: a real scan of files named with newlines, escapes, ``%``,
``::``, HTML, URI delimiters and bytes that are not UTF-8, rendered in every format.

Each name is found and reported intact where the format can carry it (JSON strings, CycloneDX
properties, SARIF URIs that decode back to it) and escaped where it would act (terminal text,
Markdown, workflow commands). A name that is not UTF-8 cannot be carried by any report: it is
reported as not scanned, with its bytes escaped, and every format still renders.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from test_report_escaping import (
    FIELDS,
    HOSTILE,
    RAW_CONTROL,
    check_terminal_text,
    hostile_report,
    read_commands,
    read_markdown,
)
from test_report_sarif import SCHEMA

from scanner.cli import main
from scanner.report import FORMATS, escape

LOADS = (
    "from transformers import AutoModel\n"
    'AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")\n'
)
NAMES = [
    "new\nline.py",
    "carriage\rreturn.py",
    "ansi\x1b[31mred\x1b[0m.py",
    "csi\x9b2J.py",
    "100% sure %0A.py",
    "::error file=x::forged.py",
    "##[add-mask]x.py",
    "<img src=x onerror=alert(1)>.py",
    "a `code` | pipe *em* [l](javascript:x).py",
    "space #frag ?query &amp.py",
    "rtl\u202eyp.exe.py",
    "dir with space/ünï cödé.py",
    "tab\there.py",
]
NOT_UTF8 = b"bad\xff\xfe name.py"
NOT_UTF8_SHOWN = "bad\\xff\\xfe name.py"
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})*")
"""RFC 3986 path characters: unreserved, sub-delims, ``@``, ``/``, percent-encoded octets."""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("names")
    for name in NAMES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(LOADS, encoding="utf-8")
    (root / os.fsdecode(NOT_UTF8)).write_text(LOADS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def one_model_each(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each hostile name loads a model of its own, so a grouped report shows every place."""
    root = tmp_path_factory.mktemp("names-models")
    for number, name in enumerate(NAMES):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(LOADS.replace("c4ai-command-r-v01", f"m{number}"), "utf-8")
    (root / os.fsdecode(NOT_UTF8)).write_text(LOADS, encoding="utf-8")
    return root


def run(
    repo: Path, fmt: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    code = main(["scan", "--root", str(repo), "--format", fmt, "--jobs", "1", *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_carries_every_name_intact(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(repo, "json", capsys)
    report = json.loads(out)
    assert code == 1
    assert sorted({f["path"] for f in report["findings"]}) == sorted(NAMES)
    assert [(e["path"], e["message"], e["unscanned"]) for e in report["errors"]] == [
        (NOT_UTF8_SHOWN, "not scanned: the file name is not valid UTF-8", "skipped")
    ]
    assert report["totals"] == {"seen": 14, "scanned": 13, "skipped": 1, "unreadable": 0}
    out.encode("utf-8")  # no lone surrogate: the output is valid UTF-8
    check_terminal_text(err)
    assert NOT_UTF8_SHOWN in err


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_lists_every_name_intact(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tracked = tmp_path / "tracked"
    shutil.copytree(repo, tracked)
    subprocess.run(["git", "init", "-q", str(tracked)], check=True)
    subprocess.run(["git", "-C", str(tracked), "add", "-A"], check=True)
    _, out, _ = run(tracked, "json", capsys)
    report = json.loads(out)
    assert sorted({f["path"] for f in report["findings"]}) == sorted(NAMES)
    assert [e["path"] for e in report["errors"]] == [NOT_UTF8_SHOWN]


def test_sarif_uris_are_valid_and_decode_to_the_name(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(repo, "sarif", capsys)
    log = json.loads(out)
    assert code == 1
    uris = sarif_uris(log)
    assert all(URI_REFERENCE.fullmatch(uri) for uri in uris), uris
    assert sorted({unquote(uri) for uri in uris}) == sorted([*NAMES, NOT_UTF8_SHOWN])
    if SCHEMA.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft4Validator(schema).validate(log)


def test_cyclonedx_is_valid_and_lists_every_location(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(repo, "cyclonedx", capsys)
    assert code == 1
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(out) is None
    values = [p["value"] for c in json.loads(out)["components"] for p in c["properties"]]
    assert all(any(value.startswith(name + ":") for value in values) for name in NAMES)


def test_text_shows_every_name_escaped(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(repo, "text", capsys, "--verbose")  # every place, not the first few
    assert code == 1
    check_terminal_text(out)
    for name in NAMES:
        assert escape.inert_lines(escape.terminal(name)) + ":2:27" in out, name
    assert NOT_UTF8_SHOWN in out


def test_workflow_commands_carry_every_name(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(repo, "github", capsys)
    assert code == 1
    assert not RAW_CONTROL.findall(out)
    files = sorted(properties["file"] for _, properties, _ in read_commands(out))
    # the name as written; only CR and LF have a percent escape, other controls show
    assert files == sorted([*(_property(name) for name in NAMES), NOT_UTF8_SHOWN])


def _property(name: str) -> str:
    return "".join(c if c in "\r\n" else escape.terminal(c) for c in name)


def test_markdown_shows_every_name_in_a_code_span(
    one_model_each: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(one_model_each, "markdown", capsys)
    spans, _, bare, cells = read_markdown(out)
    assert code == 1
    assert not RAW_CONTROL.findall(out)
    assert bare == []  # no raw HTML, entity, emphasis, link or stray backtick
    assert len(set(cells)) == 1  # every table row keeps its cells
    for name in [*NAMES, NOT_UTF8_SHOWN]:
        assert any(escape.terminal(name) in span for span in spans), name


# -- hostile values in every field, in the formats that carry them intact ---------------------


def strings(value: object) -> Iterator[str]:
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def sarif_uris(log: dict[str, Any]) -> list[str]:
    """The artifact URI of every result's every location."""
    results = log["runs"][0]["results"]
    return [
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in results
        for location in result["locations"]
    ]


CARRIED = {  # where each format carries a field's value (others it does not show at all)
    "json": set(FIELDS) - {"label"},
    "sarif": {"path", "model", "expression", "reason", "label", "policy", "license"},
    "cyclonedx": {"path", "model", "policy"},
}


@pytest.mark.parametrize("fmt", sorted(CARRIED))
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("raw", "shown", "inert"), HOSTILE)
def test_structured_formats_stay_valid_and_carry_values_intact(
    fmt: str, field: str, raw: str, shown: str | None, inert: str | None
) -> None:
    output = FORMATS[fmt](hostile_report(field, raw))
    output.encode("utf-8")
    document = json.loads(output)
    found = list(strings(document))
    if fmt == "sarif":
        uris = sarif_uris(document)
        assert all(URI_REFERENCE.fullmatch(uri) for uri in uris), uris
        found += [unquote(uri) for uri in uris]
    if field in CARRIED[fmt]:
        assert any(raw in text for text in found), (fmt, field)
    if fmt == "cyclonedx":
        assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(output) is None
