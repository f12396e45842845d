"""Escaping rules of the GitHub workflow-command and Markdown formats."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_report import sample_report

from scanner.report import github, markdown
from scanner.types import Verdict


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100% sure", "100%25 sure", "100%25 sure"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("src/a,b.py:3", "src/a,b.py:3", "src/a%2Cb.py%3A3"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert (github.escape_data(raw), github.escape_property(raw)) == (data, prop)


def test_github_command_escapes_properties_and_message() -> None:
    line = github.command("error", "x, y: 50%\nz", file="a,b.py", line=3, col=None, title="T:1")
    assert line == "::error file=a%2Cb.py,line=3,title=T%3A1::x, y: 50%25%0Az"


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
    ("raw", "escaped", "code"),
    [
        ("plain", "plain", "`plain`"),
        ("a|b", "a\\|b", "`a\\|b`"),
        ("<script>&", "&lt;script&gt;&amp;", "`<script>&`"),
        ("two\nlines", "two lines", "`two lines`"),
        ("back`tick", "back`tick", "`` back`tick ``"),
        ("C:\\x", "C:\\\\x", "`C:\\x`"),
    ],
)
def test_markdown_escaping(raw: str, escaped: str, code: str) -> None:
    assert (markdown.escape(raw), markdown.code(raw)) == (escaped, code)


@pytest.mark.parametrize(
    ("worst_change", "headline"),
    [
        ("as is", "## :x: model-license-guard: 1 failing finding"),
        ("no failures", "## :warning: model-license-guard: 2 warnings, nothing fails"),
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
