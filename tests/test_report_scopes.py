"""Reports at repository scale, through the real CLI on a small repository: scopes, per-scope
policy, grouping by model, select/ignore/--scope, and decisions (exceptions, inline ignores,
stale exceptions) visible in every format."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scanner.cli import main, use_color
from scanner.report import text as text_report
from scanner.types import Report, Scope, SourceKind, UnresolvedRef, Verdict

TODAY = "2026-06-01"

APP = """\
import sys

from transformers import AutoModel

chat = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")
rerank = AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")
# model-license-guard: ignore[MDL003]
legacy = AutoModel.from_pretrained("CohereForAI/c4ai-command-r-plus")
user = AutoModel.from_pretrained(sys.argv[1])
"""

TEST = """\
from transformers import AutoModel

tiny = AutoModel.from_pretrained("hf-internal-testing/tiny-random-unknown-xyz")
rerank = AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")
"""

EXAMPLE = """\
from transformers import AutoModel

opt = AutoModel.from_pretrained("facebook/opt-350m")
"""

POLICY = """\
[usage]
commercial = true

[[exceptions]]
model = "facebook/opt-*"
license = "opt-175b"
reason = "research comparison"
approved_by = "legal@example.com"

[[exceptions]]
model = "gone/model"
license = "mit"
reason = "old"
approved_by = "a@example.com"
expires = 2027-01-01
"""

LABEL = (
    "exception exceptions[0] for facebook/opt-* (research comparison, approved by "
    "legal@example.com, no expiry date, .model-license-guard.toml:4)"
)
STALE = (
    "exception for gone/model matches no model in this scan: the model is no longer used, "
    "or the pattern is wrong"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name, text in (
        ("app.py", APP),
        ("tests/test_app.py", TEST),
        ("examples/demo.py", EXAMPLE),
        (".model-license-guard.toml", POLICY),
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


def scan(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    argv = ["scan", "--root", str(root), "--today", TODAY, "--jobs", "1", *args]
    code = main(argv)
    return code, capsys.readouterr().out


def findings(out: str) -> list[tuple[str, str, str, str]]:
    return [(f["path"], f["model"], f["scope"], f["verdict"]) for f in json.loads(out)["findings"]]


def test_every_finding_carries_its_scope_and_verdict(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = scan(repo, capsys, "--format", "json")
    assert code == 1
    assert findings(out) == [
        ("app.py", "meta-llama/Llama-3.1-8B-Instruct", "runtime", "warn"),
        ("app.py", "CohereForAI/c4ai-command-r-v01", "runtime", "fail"),
        ("app.py", "CohereForAI/c4ai-command-r-plus", "runtime", "fail"),
        ("examples/demo.py", "facebook/opt-350m", "example", "pass"),
        ("tests/test_app.py", "hf-internal-testing/tiny-random-unknown-xyz", "test", "pass"),
        ("tests/test_app.py", "CohereForAI/c4ai-command-r-v01", "test", "fail"),
    ]
    report = json.loads(out)
    tiny = report["findings"][4]["reasons"][0]
    assert (tiny["code"], tiny["verdict"], tiny["policy"], tiny["policy_line"]["key"]) == (
        "MDL001",
        "pass",
        "embedded default",
        "scopes.test.on.unknown",
    )
    assert [(u["expression"], u["scope"], u["verdict"]) for u in report["unresolved"]] == [
        ("sys.argv[1]", "runtime", "warn")
    ]


def test_exception_is_named_in_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = scan(repo, capsys, "--format", "json")
    report = json.loads(out)
    opt = report["findings"][3]
    assert opt["exception"] == {
        "key": "exceptions[0]",
        "model": "facebook/opt-*",
        "license": "opt-175b",
        "reason": "research comparison",
        "approved_by": "legal@example.com",
        "expires": None,
        "policy": {"file": ".model-license-guard.toml", "line": 4, "key": "exceptions[0]"},
    }
    assert [(r["code"], r["verdict"], r["waived"]) for r in opt["reasons"]][:2] == [
        ("MDL003", "pass", "fail"),
        ("MDL016", "pass", "warn"),
    ]
    stale = [
        (r["code"], r["verdict"], r["message"], r["policy"]) for r in report["stale_exceptions"]
    ]
    assert stale == [("MDL018", "warn", STALE, ".model-license-guard.toml:10")]


def test_text_report_groups_by_model(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = scan(repo, capsys)
    heads = [line for line in out.splitlines() if line[:5] in ("FAIL ", "WARN ", "PASS ")]
    assert heads == [
        "FAIL  CohereForAI/c4ai-command-r-v01  cohere-c4ai-cc-by-nc-4.0  (exact)",
        "WARN  meta-llama/Llama-3.1-8B-Instruct  llama3.1  (exact)",
        "PASS  CohereForAI/c4ai-command-r-plus  cohere-c4ai-cc-by-nc-4.0  (exact)",
        "PASS  facebook/opt-350m  opt-175b  (exact)",
    ]
    assert "  2 places (runtime 1, test 1): app.py:6:36, tests/test_app.py:4:36" in out
    assert f"  passes by {LABEL}" in out
    assert "  suppressed (fail 1 place): inline: ignore[MDL003]" in out
    assert "1 other model passes (--verbose lists them)" in out
    assert "note: 1 model with an unknown license, used only in tests, passes by the scope" in out
    assert f"  .model-license-guard.toml:10: {STALE}" in out
    assert out.count("usage.intended_uses: the restricted kinds of use") == 1
    assert "  | monthly_active_users = 0  # monthly active users" in out
    last = out.splitlines()[-1]
    assert last.startswith(
        "5 models in 6 places: 1 fail, 1 warn, 2 pass, 1 suppressed; 1 unresolved; 0 errors; "
    )
    assert last.endswith(" s")


def test_verbose_lists_every_place_and_pass(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = scan(repo, capsys, "--verbose")
    assert "PASS  hf-internal-testing/tiny-random-unknown-xyz  unknown" in out
    assert "    tests/test_app.py:4:36  test  fail" in out


def test_markdown_groups_and_names_decisions(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = scan(repo, capsys, "--format", "markdown")
    rows = [line.split(" | ")[:2] for line in out.splitlines() if line.startswith("| :")]
    assert rows == [
        ["| :x: fail", "`CohereForAI/c4ai-command-r-v01`"],
        ["| :warning: warn", "`meta-llama/Llama-3.1-8B-Instruct`"],
        ["| :white_check_mark: pass", "`CohereForAI/c4ai-command-r-plus`"],
        ["| :white_check_mark: pass", "`facebook/opt-350m`"],
        ["| :warning: warn", "`sys.argv[1]`"],
    ]
    assert "passes by exception exceptions\\[0\\] for facebook/opt-\\* (research comparison" in out
    assert "suppressed (1 place): inline: ignore\\[MDL003\\]" in out
    assert f"- `.model-license-guard.toml:10`: {STALE}" in out
    assert "  monthly_active_users = 0  # monthly active users" in out


def test_sarif_suppresses_by_exception_with_its_label(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = scan(repo, capsys, "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    opt = [r for r in results if r.get("properties", {}).get("model") == "facebook/opt-350m"]
    assert [(r["ruleId"], r["level"], r["suppressions"]) for r in opt] == [
        ("MDL003", "error", [{"kind": "external", "status": "accepted", "justification": LABEL}]),
        (
            "MDL016",
            "warning",
            [{"kind": "external", "status": "accepted", "justification": LABEL}],
        ),
    ]
    assert {r["properties"]["scope"] for r in opt} == {"example"}
    stale = [r for r in results if r["ruleId"] == "MDL018"]
    assert [(r["level"], r["locations"][0]["physicalLocation"]) for r in stale] == [
        (
            "warning",
            {"artifactLocation": {"uri": ".model-license-guard.toml"}, "region": {"startLine": 10}},
        )
    ]


def test_cyclonedx_excludes_test_only_components(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = scan(repo, capsys, "--format", "cyclonedx")
    components = {c["bom-ref"]: c for c in json.loads(out)["components"]}
    scopes = {ref: c.get("scope") for ref, c in components.items()}
    assert scopes == {
        "huggingface:CohereForAI/c4ai-command-r-plus": None,
        "huggingface:CohereForAI/c4ai-command-r-v01": None,
        "huggingface:facebook/opt-350m": None,
        "huggingface:hf-internal-testing/tiny-random-unknown-xyz": "excluded",
        "huggingface:meta-llama/Llama-3.1-8B-Instruct": None,
    }
    opt = components["huggingface:facebook/opt-350m"]["properties"]
    named = [(p["name"], p["value"]) for p in opt if p["name"].endswith(("scope", "exception"))]
    assert named == [  # the library sorts properties by name
        ("model-license-guard:exception", LABEL),
        ("model-license-guard:scope", "example"),
    ]


def test_github_annotates_exception_and_stale_exception(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = scan(repo, capsys, "--format", "github")
    notices = [line for line in out.splitlines() if "policy exception" in line]
    assert notices == [
        "::notice file=examples/demo.py,line=3,col=33,title=policy exception::"
        f"facebook/opt-350m passes by {LABEL}"
    ]
    assert (
        f"::warning file=.model-license-guard.toml,line=10,title=MDL018 "
        f"exception-not-applicable::{STALE}"
    ) in out.splitlines()
    assert (
        "::notice file=app.py,line=8,col=36,title=suppressed%3A inline%3A ignore[MDL003]::"
        "CohereForAI/c4ai-command-r-plus: fail, suppressed (inline: ignore[MDL003])"
    ) in out.splitlines()
    assert "tiny-random" not in out  # passes in tests: no annotation


SCOPED = (
    POLICY
    + """
[scopes.test.rules]
MDL003 = "warn"

[scopes.example.licenses]
deny = ["opt-175b"]
"""
)


def test_per_scope_rules_and_lists(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".model-license-guard.toml").write_text(SCOPED, encoding="utf-8")
    _, out = scan(repo, capsys, "--format", "json")
    report = json.loads(out)
    assert findings(out)[3:] == [
        ("examples/demo.py", "facebook/opt-350m", "example", "pass"),  # the exception still covers
        ("tests/test_app.py", "hf-internal-testing/tiny-random-unknown-xyz", "test", "pass"),
        ("tests/test_app.py", "CohereForAI/c4ai-command-r-v01", "test", "warn"),
    ]
    cohere = report["findings"][5]["reasons"][0]
    assert (cohere["code"], cohere["verdict"], cohere["policy"], cohere["policy_line"]["key"]) == (
        "MDL003",
        "warn",
        ".model-license-guard.toml:18",
        "scopes.test.rules.MDL003",
    )
    opt = report["findings"][3]["reasons"]
    denied = [(r["code"], r["waived"], r["policy"]) for r in opt if r["code"] == "MDL011"]
    assert denied == [("MDL011", "fail", ".model-license-guard.toml:4")]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("--ignore", "MDL016"),
            [
                ("app.py", "meta-llama/Llama-3.1-8B-Instruct", "runtime", "pass"),
                ("app.py", "CohereForAI/c4ai-command-r-v01", "runtime", "fail"),
            ],
        ),
        (
            ("--select", "MDL016"),
            [
                ("app.py", "meta-llama/Llama-3.1-8B-Instruct", "runtime", "warn"),
                ("app.py", "CohereForAI/c4ai-command-r-v01", "runtime", "warn"),
            ],
        ),
        (
            ("--select", "mdl00", "--ignore", "MDL003"),
            [
                ("app.py", "meta-llama/Llama-3.1-8B-Instruct", "runtime", "pass"),
                ("app.py", "CohereForAI/c4ai-command-r-v01", "runtime", "pass"),
            ],
        ),
    ],
)
def test_select_and_ignore(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    expected: list[tuple[str, str, str, str]],
) -> None:
    _, out = scan(repo, capsys, "--format", "json", *args)
    assert findings(out)[:2] == expected


def test_scope_option_and_policy_keys(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = scan(repo, capsys, "--format", "json", "--scope", "test")
    assert code == 1
    assert [(p, s) for p, _, s, _ in findings(out)] == [
        ("tests/test_app.py", "test"),
        ("tests/test_app.py", "test"),
    ]
    assert json.loads(out)["unresolved"] == []
    policy = 'ignore = ["MDL002", "MDL016"]\n[scopes]\nselect = ["runtime"]\n' + POLICY
    (repo / ".model-license-guard.toml").write_text(policy, encoding="utf-8")
    _, out = scan(repo, capsys, "--format", "json")
    report = json.loads(out)
    assert [(m, v) for _, m, _, v in findings(out)] == [
        ("meta-llama/Llama-3.1-8B-Instruct", "pass"),
        ("CohereForAI/c4ai-command-r-v01", "fail"),
        ("CohereForAI/c4ai-command-r-plus", "fail"),
    ]
    assert report["unresolved"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--select", "XYZ"), "--select: not a rule code or prefix: XYZ"),
        (("--scope", "prod"), "unknown scope 'prod'"),
    ],
)
def test_bad_selection_exits_2(
    repo: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert main(["scan", "--root", str(repo), *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("choice", "tty", "environ", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),  # no-color.org: set and not empty
        ("auto", True, {"TERM": "dumb"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),  # the flag overrides the variable
        ("never", True, {}, False),
    ],
)
def test_use_color(choice: str, tty: bool, environ: dict[str, str], expected: bool) -> None:
    assert use_color(choice, tty, environ) is expected


def test_color_always_colours_the_verdicts(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = scan(repo, capsys, "--color", "always")
    assert "\033[1;31mFAIL\033[0m" in out
    _, out = scan(repo, capsys, "--color", "never")
    assert "\033[" not in out


def _unresolved_report(count: int) -> Report:
    refs = tuple(
        UnresolvedRef(
            f"examples/run_{i % 4}.py",
            10 + i,
            5,
            "args.model" if i % 3 else "cfg.base",
            "py.from_pretrained",
            SourceKind.PYTHON,
            reason="value is the result of a call",
            scope=Scope.TEST if i == 0 else Scope.EXAMPLE,
            verdict=Verdict.PASS if i == 0 else None,
        )
        for i in range(count)
    )
    return Report((), refs, (), db_version="1", policy_source="embedded default")


def test_unresolved_references_are_grouped_by_expression_and_reason() -> None:
    lines = text_report.render(_unresolved_report(12)).splitlines()
    start = lines.index("unresolved references (MDL002): 12 places, 3 expressions")
    assert lines[start : start + 5] == [
        "unresolved references (MDL002): 12 places, 3 expressions",
        "  warn: 11 places",
        "    args.model (value is the result of a call) x8: examples/run_0.py:14:5, "
        "examples/run_0.py:18:5, examples/run_1.py:11:5 and 5 more",
        "    cfg.base (value is the result of a call) x3: examples/run_1.py:19:5, "
        "examples/run_2.py:16:5, examples/run_3.py:13:5",
        "  pass: 1 place (test 1) pass by their scope's on.unresolved",
    ]
    assert lines[-1] == "0 models in 0 places: 0 fail, 0 warn, 0 pass; 12 unresolved; 0 errors"
