"""The GitHub Action: action.yml's shape, the helper's inputs and outputs, and a local run.

The local run executes the scan step's own ``run:`` script from action.yml with bash, the way
the runner would (the ``${{ ... }}`` expressions of its ``env:`` substituted, the install step
replaced by this interpreter, which has the package), against a fake workspace: a temporary git
repository with a failing model. The install step itself needs PyPI and is not run here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_report import sample_report

from scanner import action
from scanner.types import Verdict

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
SCAN_STEP = next(step for step in STEPS if step.get("id") == "scan")

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# -- action.yml -----------------------------------------------------------------------------


def test_is_a_composite_action_with_bash_steps() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert [step["shell"] for step in STEPS] == ["bash", "bash"]


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step["name"])
def test_run_scripts_never_interpolate_expressions(step: dict[str, Any]) -> None:
    assert "${{" not in step["run"]


def test_every_input_reaches_the_helper_through_env() -> None:
    env = {**STEPS[0]["env"], **SCAN_STEP["env"]}
    passed = {m.group(1) for v in env.values() for m in re.finditer(r"inputs\.([\w-]+)", v)}
    assert passed == set(ACTION["inputs"])
    for name in set(ACTION["inputs"]) - {"python"}:
        assert SCAN_STEP["env"][f"INPUT_{name.upper().replace('-', '_')}"] == (
            f"${{{{ inputs.{name} }}}}"
        )


def test_outputs_are_the_ones_the_helper_writes() -> None:
    written = action.publish(sample_report(), _inputs(Path("/nonexistent")), Path("r.json"))
    assert set(ACTION["outputs"]) == set(written)
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.scan.outputs.{name} }}}}"


def test_install_step_uses_the_actions_own_ref_and_a_private_venv() -> None:
    script = STEPS[0]["run"]
    assert '-m venv "$venv"' in script and '"$RUNNER_TEMP/model-license-guard-venv"' in script
    assert 'pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in script


# -- the helper ------------------------------------------------------------------------------


def _inputs(workspace: Path, **env: str) -> action.Inputs:
    return action.read_inputs(
        {
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": "/tmp/rt",
            "INPUT_SUMMARY": "false",
            "INPUT_ANNOTATIONS": "false",
            **env,
        }
    )


@pytest.mark.parametrize(
    ("env", "paths", "fail_on"),
    [
        ({}, (), Verdict.FAIL),
        ({"INPUT_PATH": ".", "INPUT_FAIL_ON": "warn"}, (), Verdict.WARN),
        (
            {"INPUT_PATH": "src  notebooks\nconf.yaml", "INPUT_FAIL_ON": "never"},
            ("src", "notebooks", "conf.yaml"),
            None,
        ),
        (
            {"INPUT_PATH": "'dir with space'", "INPUT_FAIL_ON": " Fail "},
            ("dir with space",),
            Verdict.FAIL,
        ),
    ],
)
def test_read_inputs(env: dict[str, str], paths: tuple[str, ...], fail_on: Verdict | None) -> None:
    inputs = _inputs(Path("/ws"), **env)
    assert (inputs.paths, inputs.fail_on) == (paths, fail_on)
    assert inputs.report_dir == Path("/tmp/rt/model-license-guard")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"INPUT_FAIL_ON": "error"}, "fail-on must be one of fail, warn, never (got 'error')"),
        ({"INPUT_SUMMARY": "yes"}, "summary must be true or false (got 'yes')"),
    ],
)
def test_read_inputs_rejects_bad_values(env: dict[str, str], message: str) -> None:
    with pytest.raises(action.InputError) as info:
        _inputs(Path("/ws"), **env)
    assert str(info.value) == message


def test_scan_command_passes_policy_and_baseline(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path, INPUT_PATH="src", INPUT_POLICY="p.toml", INPUT_BASELINE="b.json")
    assert action.scan_command(inputs, Path("/r.json"))[1:] == [
        "-I",
        "-m",
        "scanner",
        "scan",
        "--root",
        str(tmp_path),
        str(tmp_path / "src"),
        "--format",
        "json",
        "--output",
        "/r.json",
        "--exit-zero",
        "--policy",
        str(tmp_path / "p.toml"),
        "--baseline",
        str(tmp_path / "b.json"),
    ]
    (tmp_path / ".model-license-guard-baseline.json").write_text("{}", encoding="utf-8")
    # the default baseline file is the CLI's to apply, as for the hook and a local scan
    assert "--baseline" not in action.scan_command(_inputs(tmp_path), Path("/r.json"))


@pytest.mark.parametrize(
    ("fail_on", "unresolved_verdict", "expected"),
    [
        (Verdict.FAIL, Verdict.WARN, 1),
        (Verdict.WARN, Verdict.WARN, 1),
        (None, Verdict.FAIL, 0),
    ],
)
def test_exit_code_and_counts(
    fail_on: Verdict | None, unresolved_verdict: Verdict, expected: int
) -> None:
    from dataclasses import replace

    report = replace(sample_report(), unresolved_verdict=unresolved_verdict)
    assert action.exit_code(report, fail_on) == expected
    failures, warnings = action.counts(report)
    unresolved_fails = unresolved_verdict is Verdict.FAIL
    assert (failures, warnings) == (1 + unresolved_fails, 2 + (not unresolved_fails))


def test_exit_code_warn_threshold_on_a_report_that_only_warns() -> None:
    from dataclasses import replace

    report = sample_report()
    warn_only = replace(
        report,
        decisions=tuple(
            d for d in report.decisions if d.verdict is not Verdict.FAIL or d.suppressed
        ),
    )
    assert [action.exit_code(warn_only, level) for level in (Verdict.FAIL, Verdict.WARN, None)] == [
        0,
        1,
        0,
    ]


def test_write_outputs_is_multiline_safe(tmp_path: Path) -> None:
    target = tmp_path / "out"
    action.write_outputs(target, {"report": "/tmp/r.json", "odd": "a\nb"})
    assert parse_outputs(target.read_text(encoding="utf-8")) == {
        "report": "/tmp/r.json",
        "odd": "a\nb",
    }


def parse_outputs(text: str) -> dict[str, str]:
    """Read a $GITHUB_OUTPUT file the way the runner does (``name<<DELIM`` heredocs)."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, delimiter = line.split("<<", 1)
        body: list[str] = []
        for item in lines:
            if item == delimiter:
                break
            body.append(item)
        values[name] = "\n".join(body)
    return values


# -- a local run of the scan step ------------------------------------------------------------

APP = """\
import argparse
from transformers import AutoModel

model = AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")
encoder = AutoModel.from_pretrained("bert-base-uncased")
"""


def _workspace(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    workspace = tmp_path / "workspace"
    (workspace / "src").mkdir(parents=True)
    (workspace / "src" / "app.py").write_text(APP, encoding="utf-8")
    for name, text in (extra or {}).items():
        (workspace / name).parent.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    subprocess.run(["git", "add", "."], cwd=workspace, check=True)
    return workspace


def run_scan_step(
    tmp_path: Path, files: dict[str, str] | None = None, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the scan step's script as the runner would; returns the process and the temp dir.

    ``files`` are added to the workspace (a pull request's own files)."""
    workspace, runner_temp = _workspace(tmp_path, files), tmp_path / "runner-temp"
    runner_temp.mkdir()
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    expressions = {f"inputs.{name}": value for name, value in values.items()}
    expressions["steps.install.outputs.python"] = sys.executable
    env = {
        key: re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lambda m: expressions[m.group(1)], value)
        for key, value in SCAN_STEP["env"].items()
    }
    env.update(
        {
            "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
            "HOME": str(tmp_path),
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_STEP_SUMMARY": str(runner_temp / "summary.md"),
            "GITHUB_OUTPUT": str(runner_temp / "output"),
            "PYTHONPATH": str(ROOT),
        }
    )
    process = subprocess.run(
        ["bash", "-e", "-c", SCAN_STEP["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return process, runner_temp


@needs_git
def test_scan_step_annotates_summarises_and_sets_outputs(tmp_path: Path) -> None:
    process, temp = run_scan_step(tmp_path, **{"sarif-file": "out/mlg.sarif"})
    assert process.returncode == 1, process.stderr
    annotations = [line for line in process.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1, process.stdout
    code = annotations[0].split("title=")[1][:6]
    assert re.fullmatch(
        r"::error file=src/app\.py,line=4,col=35,title=MDL\d{3} [a-z-]+::"
        r"CohereForAI/c4ai-command-r-v01 \([^)]+\): fail%0AMDL\d{3} .+",
        annotations[0],
    ), annotations[0]
    summary = (temp / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## :x: model-license-guard: 1 failing model\n")
    row = "| :x: fail | `CohereForAI/c4ai-command-r-v01` | cohere-c4ai-cc-by-nc-4.0 (exact) |"
    assert row in summary
    assert "| runtime 1 | `src/app.py:4:35` |" in summary
    outputs = parse_outputs((temp / "output").read_text(encoding="utf-8"))
    report_file = temp / "model-license-guard" / "report.json"
    workspace = tmp_path / "workspace"
    assert outputs == {
        "failures": "1",
        "warnings": "0",
        "report": str(report_file),
        "sarif-file": str(workspace / "out" / "mlg.sarif"),
    }
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert [(f["model"], f["verdict"]) for f in report["findings"]] == [
        ("CohereForAI/c4ai-command-r-v01", "fail"),
        ("bert-base-uncased", "pass"),
    ]
    sarif_log = json.loads((workspace / "out" / "mlg.sarif").read_text(encoding="utf-8"))
    results = sarif_log["runs"][0]["results"]
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    assert (lines, results[0]["level"], results[0]["ruleId"]) == ({4}, "error", code)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout.splitlines() == ["A  src/app.py", "?? out/mlg.sarif"]


@needs_git
@pytest.mark.parametrize(
    ("inputs", "code", "failures"),
    [({"fail-on": "never"}, 0, "1"), ({"fail-on": "warn", "summary": "false"}, 1, "1")],
)
def test_scan_step_fail_on(
    tmp_path: Path, inputs: dict[str, str], code: int, failures: str
) -> None:
    process, temp = run_scan_step(tmp_path, **inputs)
    assert process.returncode == code, process.stderr
    assert parse_outputs((temp / "output").read_text(encoding="utf-8"))["failures"] == failures
    assert (temp / "summary.md").exists() == (inputs.get("summary") != "false")


@needs_git
@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"fail-on": "sometimes"}, "fail-on must be one of fail, warn, never (got 'sometimes')"),
        ({"policy": "missing.toml"}, "the scan failed (exit 2); see the log above"),
    ],
)
def test_scan_step_fails_closed(tmp_path: Path, inputs: dict[str, str], message: str) -> None:
    process, temp = run_scan_step(tmp_path, **inputs)
    assert process.returncode == 2
    assert f"::error title=model-license-guard::{message}" in process.stdout
    assert not (temp / "output").exists()


# -- the workspace is untrusted -------------------------------------------------------------

_PLANT = """\
import pathlib
pathlib.Path({marker!r}).write_text("imported from the workspace")
"""
_HOSTILE_MODULES = (
    "scanner/__init__.py",
    "scanner/__main__.py",
    "scanner/action.py",
    "yaml.py",
    "tomllib.py",
    "libcst.py",
    "json.py",
    "license_db/__init__.py",
)


@needs_git
def test_a_pull_request_cannot_replace_the_tool_or_the_modules_it_imports(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    planted = {name: _PLANT.format(marker=str(marker)) for name in _HOSTILE_MODULES}
    planted["scanner/action.py"] += "raise SystemExit(0)\n"
    process, temp = run_scan_step(tmp_path, planted)
    assert not marker.exists(), "a module of the workspace was imported"
    assert process.returncode == 1, process.stdout + process.stderr
    annotations = [line for line in process.stdout.splitlines() if line.startswith("::error")]
    assert len(annotations) == 1 and "CohereForAI/c4ai-command-r-v01" in annotations[0]
    assert parse_outputs((temp / "output").read_text(encoding="utf-8"))["failures"] == "1"
