"""Escaping of repository-controlled text in the text, Markdown and GitHub formats and on stderr.

The unit tables pin each function of ``scanner.report.escape``; the hostile tables put one
attacker-chosen value into one field of a report (a file name, a model id as written, an
expression, a reason that quotes it, a suppression label, the policy path, a stale baseline
entry) and check the invariants of every format: no raw HTML or broken code span in Markdown,
no control character or workflow command in terminal text, one annotation per command line.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from test_report import POLICY, decision, ref, sample_report

from scanner import cli
from scanner.report import common, escape, github, markdown, text
from scanner.types import (
    FileError,
    Obligation,
    PolicyLine,
    Reason,
    Report,
    SourceKind,
    UnresolvedRef,
    Verdict,
)

# --- the escaping functions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("src/a,b.py:3", "src/a,b.py:3", "src/a%2Cb.py%3A3"),
        ("%0A", "%250A", "%250A"),
        ("::stop-commands::abc", "::stop-commands::abc", "%3A%3Astop-commands%3A%3Aabc"),
        ("\x1b[31mred\x9b", "\\x1b[31mred\\x9b", "\\x1b[31mred\\x9b"),
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert (github.escape_data(raw), github.escape_property(raw)) == (data, prop)


def test_github_command_escapes_properties_and_message() -> None:
    line = github.command("error", "x, y: 50%\nz", file="a,b.py", line=3, col=None, title="T:1")
    assert line == "::error file=a%2Cb.py,line=3,title=T%3A1::x, y: 50%25%0Az"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain/path.py", "plain/path.py"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("\x9b2J", "\\x9b2J"),
        ("a\tb\nc\rd", "a\\tb\\nc\\rd"),
        ("\x00\x07\x7f\x85", "\\x00\\x07\\x7f\\x85"),
        ("line\u2028sep\u2029", "line\\u2028sep\\u2029"),
        ("abc\u202edcba\u2066", "abc\\u202edcba\\u2066"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("bad\udc9bbyte", "bad\\udc9bbyte"),
        ("C:\\models\\x1b", "C:\\models\\x1b"),  # backslashes are left alone
        ("::stop-commands::x", "::stop-commands::x"),  # line starts are inert_lines' job
    ],
)
def test_terminal_shows_controls(raw: str, shown: str) -> None:
    assert escape.terminal(raw) == shown


@pytest.mark.parametrize(
    ("rendered", "inert"),
    [
        ("::stop-commands::abc\n", "\\x3a:stop-commands::abc\n"),
        ("ok\n  ::error::forged\n", "ok\n  \\x3a:error::forged\n"),
        ("a\r::add-mask::x", "a\r\\x3a:add-mask::x"),
        ("\u3000\u00a0::warning::x", "\u3000\u00a0\\x3a:warning::x"),
        ("path ##[add-mask]secret", "path ##\\x5badd-mask]secret"),
        ("src/a.py:: x\n:single\nnot :: at start", "src/a.py:: x\n:single\nnot :: at start"),
        ("\x1b[2mpolicy: x\x1b[0m", "\x1b[2mpolicy: x\x1b[0m"),
    ],
)
def test_inert_lines(rendered: str, inert: str) -> None:
    assert escape.inert_lines(rendered) == inert


@pytest.mark.parametrize(
    ("raw", "escaped", "code"),
    [
        ("plain", "plain", "`plain`"),
        ("a|b", "a\\|b", "`a\\|b`"),
        ("<script>&", "&lt;script&gt;&amp;", "`<script>&`"),
        ("two\nlines", "two\\\\nlines", "`two\\nlines`"),
        ("back`tick", "back\\`tick", "``back`tick``"),
        ("C:\\x", "C:\\\\x", "`C:\\x`"),
        ("a``b", "a\\`\\`b", "```a``b```"),
        ("`lead", "\\`lead", "`` `lead ``"),
        ("trail```", "trail\\`\\`\\`", "```` trail``` ````"),
        (" both ", " both ", "`  both  `"),
        ("   ", "   ", "`   `"),
        ("", "", "` `"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))", "`[x](javascript:alert(1))`"),
        ("*b* _i_ ~s~ $m$", "\\*b\\* \\_i\\_ \\~s\\~ \\$m\\$", "`*b* _i_ ~s~ $m$`"),
        ("&lt;", "&amp;lt;", "`&lt;`"),
        ("\x1b[31m", "\\\\x1b\\[31m", "`\\x1b[31m`"),
    ],
)
def test_markdown_escaping(raw: str, escaped: str, code: str) -> None:
    assert (markdown.escape(raw), markdown.code(raw)) == (escaped, code)


def test_markdown_code_outside_a_table_keeps_pipes() -> None:
    assert (markdown.code("a|b", table=False), markdown.code("a|b")) == ("`a|b`", "`a\\|b`")


# --- hostile values in every field of a report --------------------------------------------

# (value as written in the repository, as shown with its controls escaped, as terminal text shows
# it where a runner would read a workflow command: at a line start, or ``##[`` anywhere)
HOSTILE = [
    pytest.param("a``b<img src=x onerror=alert(1)>``c", None, None, id="double-backtick-img"),
    pytest.param("```<script>alert(1)</script>", None, None, id="triple-backtick-script"),
    pytest.param("`<!-- x", None, None, id="leading-backtick-comment"),
    pytest.param("x|y|z", None, None, id="pipes"),
    pytest.param("[x](javascript:alert(1))", None, None, id="js-link"),
    pytest.param("**b** _i_ ~~s~~ $m$", None, None, id="emphasis"),
    pytest.param("&#60;script&#62;", None, None, id="entities"),
    pytest.param("\x1b[31mred\x1b[39m", "\\x1b[31mred\\x1b[39m", None, id="ansi"),
    pytest.param("\x9b2J\x1b]0;title\x07", "\\x9b2J\\x1b]0;title\\x07", None, id="c1-osc"),
    pytest.param("cr\rlf\nnext", "cr\\rlf\\nnext", None, id="cr-lf"),
    pytest.param("\x00nul\tdel\x7f\x85", "\\x00nul\\tdel\\x7f\\x85", None, id="c0-del-nel"),
    pytest.param("rtl\u202eevil\u2028ls", "rtl\\u202eevil\\u2028ls", None, id="bidi-ls"),
    pytest.param("::stop-commands::abc", None, "\\x3a:stop-commands::abc", id="stop-commands"),
    pytest.param("::error::forged", None, "\\x3a:error::forged", id="error-command"),
    pytest.param("  ::warning::x", None, "  \\x3a:warning::x", id="indented-command"),
    pytest.param("\n::add-mask::x", "\\n::add-mask::x", None, id="newline-command"),
    pytest.param("%0A::notice::x", None, None, id="percent-encoded"),
    pytest.param("##[add-mask]secret", None, "##\\x5badd-mask]secret", id="legacy-command"),
    pytest.param(":", None, None, id="lone-colon"),
]
FIELDS = ["path", "model", "expression", "reason", "label", "policy", "license", "stale"]
BENIGN = {
    "path": "src/app.py",
    "model": "org/model",
    "expression": "args.model",
    "reason": "a reason",
    "label": "baseline",
    "policy": POLICY,
    "license": "mit",
    "stale": "old.py: MDL003 org/gone",
}
TOOL_COLORS = ("\033[1;31m", "\033[33m", "\033[32m", "\033[2m", "\033[1m", "\033[0m")
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LEGACY = "##["


def hostile_report(field: str | None = None, value: str = "") -> Report:
    """Every kind of entry, with ``value`` in ``field`` (benign values elsewhere)."""
    v = {**BENIGN, **({field: value} if field else {})}
    policy = PolicyLine(v["policy"], 3, "usage.commercial")
    reason = Reason("MDL003", Verdict.FAIL, v["reason"], policy=policy, fix=v["reason"])
    warn = Reason("MDL016", Verdict.WARN, v["reason"], term=v["reason"], policy=policy)
    obligation = Obligation("OBL001", v["license"], v["reason"])
    path, model, expression, label = v["path"], v["model"], v["expression"], v["label"]
    notebook = ref(path, 6, 1, model, source=SourceKind.NOTEBOOK, cell=2)
    decisions = (
        decision(ref(path, 3, 1, model, via=v["reason"]), v["license"], Verdict.FAIL, reason,
                 obligations=(obligation,)),
        decision(ref(path, 4, 1, model), v["license"], Verdict.WARN, warn),
        decision(ref(path, 5, 1, model), None, Verdict.FAIL, reason, suppressed=label),
        decision(notebook, None, Verdict.WARN, warn),
    )  # fmt: skip
    unresolved = (
        UnresolvedRef(path, 7, 1, expression, "py", SourceKind.PYTHON, reason=v["reason"]),
        UnresolvedRef(path, 8, 1, expression, "py", SourceKind.PYTHON, suppressed=label),
    )
    errors = (FileError(path, v["reason"], 9), FileError(path, v["reason"]))
    return Report(
        decisions=decisions,
        unresolved=unresolved,
        errors=errors,
        db_version="2025.06.1",
        policy_source=v["policy"],
        stale_baseline=(v["stale"],),
    )


def recognisable(output: str, raw: str, shown: str | None, inert: str | None) -> bool:
    """The value is in terminal ``output``, escaped (made inert where it would be a command)."""
    return (shown or raw) in output or (inert is not None and inert in output)


def check_terminal_text(output: str) -> None:
    """No raw control character and no line that a runner would take as a workflow command."""
    for color in TOOL_COLORS:
        output = output.replace(color, "")
    assert not RAW_CONTROL.findall(output)
    assert LEGACY not in output
    assert not [line for line in output.splitlines() if line.lstrip().startswith("::")]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("raw", "shown", "inert"), HOSTILE)
@pytest.mark.parametrize("color", [False, True], ids=["plain", "color"])
def test_text_report_is_inert(
    field: str, raw: str, shown: str | None, inert: str | None, color: bool
) -> None:
    output = text.render(hostile_report(field, raw), color=color)
    check_terminal_text(output)
    assert recognisable(output, raw, shown, inert)
    if color:
        assert "\033[1;31m" in output and "\033[0m" in output  # the tool's own colours still work


@pytest.mark.parametrize("field", ["path", "message"])
@pytest.mark.parametrize(("raw", "shown", "inert"), HOSTILE)
def test_stderr_diagnostics_are_inert(
    field: str, raw: str, shown: str | None, inert: str | None
) -> None:
    path, message = (raw, "not parsed") if field == "path" else ("src/a.py", raw)
    report = replace(
        hostile_report(), errors=(FileError(path, message, 3), FileError(path, message))
    )
    err = common.diagnostics(report.errors)  # what the CLI writes to stderr
    check_terminal_text(err)
    assert len(err.splitlines()) == 2
    assert all(" MDL019 " in line for line in err.splitlines())
    assert recognisable(err, raw, shown, inert)


# --- Markdown: a tiny CommonMark/GFM reader, enough to check the invariants ------------------

_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
_TOOL_ICON = re.compile(r"^(\| |## ):(?:x|warning|white_check_mark): ")
_TOOL_MARKUP = re.compile(r"\*\*(?:MDL|OBL)\d{3}\*\*|<br>")


def read_inline(source: str) -> tuple[list[str], list[str], list[str]]:
    """(code span contents, decoded text runs between them, markup characters left unescaped)."""
    spans: list[str] = []
    runs = [""]
    bare: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and source[i + 1] in _PUNCTUATION:
            runs[-1] += source[i + 1]
            i += 2
        elif char == "`":
            run = len(source[i:]) - len(source[i:].lstrip("`"))
            closer = re.compile(f"(?<!`){'`' * run}(?!`)").search(source, i + run)
            if closer is None:  # an unmatched backtick run is literal text
                bare.append(source[i : i + run])
                runs[-1] += source[i : i + run]
                i += run
                continue
            content = source[i + run : closer.start()]
            if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                content = content[1:-1]
            spans.append(content)
            runs.append("")
            i = closer.end()
        elif char == "&":
            entity = next((e for e in _ENTITIES if source.startswith(e, i)), None)
            if entity is None:
                bare.append(char)
            runs[-1] += _ENTITIES.get(entity or "", char)
            i += len(entity or char)
        else:
            if char in "<>*_~[]$":
                bare.append(char)
            runs[-1] += char
            i += 1
    return spans, runs, bare


def read_markdown(output: str) -> tuple[list[str], list[str], list[str], list[int]]:
    """Code spans, text runs and unescaped markup of every line; cell counts of table rows."""
    spans: list[str] = []
    runs: list[str] = []
    bare: list[str] = []
    cells: list[int] = []
    fence = ""
    for line in output.splitlines():
        stripped = line.strip()
        if fence:  # a fenced block is literal text up to its closing fence
            fence = "" if stripped == fence else fence
            continue
        if stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
            continue
        line = _TOOL_MARKUP.sub("", _TOOL_ICON.sub(r"\1", line))
        pieces = [line]
        if line.startswith("| "):  # GFM splits a row at every pipe without a backslash first
            pieces = re.split(r"(?<!\\)\|", line)[1:-1]
            cells.append(len(pieces))
            pieces = [piece.replace("\\|", "|") for piece in pieces]
        for piece in pieces:
            found = read_inline(piece)
            spans += found[0]
            runs += found[1]
            bare += found[2]
    return spans, runs, bare, cells


SECTIONS = [
    "### Models",
    "### Obligations",
    "### Unresolved model references (MDL002)",
    "### Files not scanned (MDL019)",
    "### Stale baseline entries (no current finding matches; remove them)",
]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("raw", "shown", "inert"), HOSTILE)
def test_markdown_report_is_inert(
    field: str, raw: str, shown: str | None, inert: str | None
) -> None:
    output = markdown.render(hostile_report(field, raw))
    assert [line for line in output.splitlines() if line.startswith("### ")] == SECTIONS
    assert not RAW_CONTROL.findall(output)
    spans, runs, bare, cells = read_markdown(output)
    assert bare == []  # no raw HTML, entity, emphasis, link, math or stray backtick
    assert cells == [6] * 7  # both tables keep their rows, each row its six cells
    value = shown or raw
    if field in ("path", "model", "expression", "stale"):
        assert any(value in span for span in spans)  # intact inside one code span
    else:
        assert any(value in piece for piece in spans + runs)


# --- GitHub workflow commands ----------------------------------------------------------------

_UNESCAPE_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_UNESCAPE_PROPERTY = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def _unescape(value: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for escaped, char in mappings:
        value = value.replace(escaped, char)
    return value


def read_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Parse each line the way the Actions runner does (``ActionCommand.TryParseV2``)."""
    commands = []
    for line in output.splitlines():
        message = line.lstrip()
        assert message.startswith("::")
        end = message.index("::", 2)
        name, _, props = message[2:end].partition(" ")
        properties = {}
        for item in filter(None, props.split(",")):
            key, _, value = item.partition("=")
            properties[key] = _unescape(value, _UNESCAPE_PROPERTY)
        commands.append((name, properties, _unescape(message[end + 2 :], _UNESCAPE_DATA)))
    return commands


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("raw", "shown", "inert"), HOSTILE)
def test_github_commands_are_inert(
    field: str, raw: str, shown: str | None, inert: str | None
) -> None:
    output = github.render(hostile_report(field, raw))
    benign = read_commands(github.render(hostile_report()))
    assert output.endswith("\n") and "\r" not in output
    assert not RAW_CONTROL.findall(output)
    commands = read_commands(output)
    assert [c[0] for c in commands] == [c[0] for c in benign]  # one command per annotation
    for (_, properties, data), (_, expected, benign_data) in zip(commands, benign, strict=True):
        assert set(properties) == set(expected)
        assert data.count("\n") == benign_data.count("\n")  # no forged line in a message
        assert not RAW_CONTROL.findall(data)
        if field == "path" and "file" in expected:
            file = properties["file"]
            # the path as written; only CR and LF have a percent escape, other controls show
            assert file == "".join(c if c in "\r\n" else escape.terminal(c) for c in raw)
    if field not in ("path", "label"):  # labels are not annotated; paths are the file property
        assert any((shown or raw) in data for _, _, data in commands)


# --- unchanged behaviour -------------------------------------------------------------------


def test_github_notebook_findings_carry_no_line_of_the_ipynb_file() -> None:
    report = sample_report()
    unsuppressed = replace(
        report, decisions=tuple(replace(d, suppressed=None) for d in report.decisions)
    )
    lines = github.render(unsuppressed).splitlines()
    notebook = [line for line in lines if "eda.ipynb" in line]
    assert notebook == [
        "::error file=notebooks/eda.ipynb,title=MDL011 license-denied::acme/llama-ft "
        "(mit AND llama3.1): fail%0AMDL011 license-denied: llama3.1 is on the deny-list "
        "[policy .model-license-guard.toml:8]%0Anotebook cell 2, line 3, column 7"
    ]


def test_github_unresolved_follow_the_policy_level() -> None:
    report = sample_report()
    levels = {
        verdict: [
            line.split(" ")[0]
            for line in github.render(replace(report, unresolved_verdict=verdict)).splitlines()
            if "MDL002" in line
        ]
        for verdict in Verdict
    }
    assert levels == {Verdict.PASS: [], Verdict.WARN: ["::warning"], Verdict.FAIL: ["::error"]}


@pytest.mark.parametrize(
    ("worst_change", "headline"),
    [
        ("as is", "## :x: model-license-guard: 1 failing model"),
        ("no failures", "## :warning: model-license-guard: 2 models with warnings, nothing fails"),
        ("all pass", "## :white_check_mark: model-license-guard: no license problems"),
    ],
)
def test_markdown_headline(worst_change: str, headline: str) -> None:
    report = replace(sample_report(), unresolved=())
    if worst_change != "as is":
        keep = Verdict.WARN if worst_change == "no failures" else Verdict.PASS
        report = replace(
            report,
            decisions=tuple(
                d for d in report.decisions if d.verdict.rank <= keep.rank or d.suppressed
            ),
        )
    assert markdown.render(report).splitlines()[0] == headline


@pytest.mark.parametrize(
    "name", ["::stop-commands::x.toml", "pol\x1b[2Jicy.toml", "a\nb::error::forged.toml"]
)
def test_policy_problems_on_stderr_are_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    policy = tmp_path / name
    policy.write_text("[usage]\ncommercial = 3\n", encoding="utf-8")
    assert cli.main(["validate-policy", "--root", str(tmp_path), "--policy", str(policy)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert all(not line.lstrip().startswith("::") for line in err.splitlines())
    assert len(err.splitlines()) == 2  # one problem, one closing line: no line forged
