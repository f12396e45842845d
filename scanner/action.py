"""The GitHub Action's helper: scan once, then annotate, summarise, write SARIF and outputs.

Run by ``action.yml`` as ``python -I -m scanner.action`` inside the action's own virtualenv. Every
input arrives through the environment (``INPUT_*``), never interpolated into a shell script.
The scan runs the real command line once (``python -I -m scanner scan --root WORKSPACE --format
json``); the other formats are rendered from that JSON report.

The workspace is untrusted (a pull request from a fork writes it): no Python process of the
action ever imports from it. Both run isolated (``-I``: neither the working directory nor
``PYTHONPATH`` is on ``sys.path``), and the scan runs from the report folder outside the
workspace with every path made absolute, so only the installed tool is imported.

Like ``cli.py`` this is an entry point: it prints (workflow commands on stdout) and returns an
exit code.

Exit codes: 0 nothing reaches ``fail-on``; 1 a finding does; 2 bad input or the scan itself
failed (invalid policy, internal error).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.report import github, markdown, sarif
from scanner.report import json as json_format
from scanner.report.common import FAIL_ON, reaches, summarize
from scanner.types import Report, Verdict

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


class InputError(Exception):
    """An action input that cannot be used."""


@dataclass(frozen=True, slots=True)
class Inputs:
    """The action's inputs and the runner's files, read from the environment."""

    workspace: Path
    paths: tuple[str, ...]
    policy: str | None
    baseline: str | None
    sarif_file: str | None
    fail_on: Verdict | None
    summary: bool
    annotations: bool
    report_dir: Path
    step_summary: Path | None
    output: Path | None


def read_inputs(env: Mapping[str, str]) -> Inputs:
    """Parse the ``INPUT_*`` and ``GITHUB_*`` variables; InputError for a bad value."""
    fail_on = env.get("INPUT_FAIL_ON", "fail").strip().lower() or "fail"
    if fail_on not in FAIL_ON:
        raise InputError(f"fail-on must be one of fail, warn, never (got {fail_on!r})")
    workspace = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())
    paths = tuple(shlex.split(env.get("INPUT_PATH", "")))
    temp = Path(env.get("RUNNER_TEMP") or workspace.parent)
    return Inputs(
        workspace=workspace,
        paths=() if paths in ((), (".",)) else paths,
        policy=_optional(env, "INPUT_POLICY"),
        baseline=_optional(env, "INPUT_BASELINE"),
        sarif_file=_optional(env, "INPUT_SARIF_FILE"),
        fail_on=FAIL_ON[fail_on],
        summary=_flag(env, "INPUT_SUMMARY"),
        annotations=_flag(env, "INPUT_ANNOTATIONS"),
        report_dir=temp / "model-license-guard",
        step_summary=_path(env, "GITHUB_STEP_SUMMARY"),
        output=_path(env, "GITHUB_OUTPUT"),
    )


def _optional(env: Mapping[str, str], name: str) -> str | None:
    return env.get(name, "").strip() or None


def _path(env: Mapping[str, str], name: str) -> Path | None:
    value = _optional(env, name)
    return Path(value) if value else None


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "true").strip().lower() or "true"
    if value not in ("true", "false"):
        raise InputError(f"{name[6:].lower()} must be true or false (got {value!r})")
    return value == "true"


def scan_command(inputs: Inputs, report_file: Path) -> list[str]:
    """The isolated command line that scans the workspace to a JSON report."""
    workspace = inputs.workspace
    paths = [str(workspace / path) for path in inputs.paths]
    command = [sys.executable, "-I", "-m", "scanner", "scan", "--root", str(workspace), *paths]
    command += ["--format", "json", "--output", str(report_file), "--exit-zero"]
    if inputs.policy:
        command += ["--policy", str(workspace / inputs.policy)]
    if inputs.baseline:  # else the CLI applies the default baseline file, as everywhere
        command += ["--baseline", str(workspace / inputs.baseline)]
    return command


def counts(report: Report) -> tuple[int, int]:
    """(failures, warnings): unsuppressed findings, unresolved references and files that were
    not scanned, each at its policy level."""
    summary = summarize(report)
    extra = [
        (1, ref.verdict or report.unresolved_verdict)
        for ref in report.unresolved
        if ref.suppressed is None
    ]
    extra += [(len(report.unscanned), report.unscanned_verdict)]
    extra += [(1, reason.verdict) for reason in report.stale_exceptions]
    failures = summary.fail + sum(n for n, verdict in extra if verdict is Verdict.FAIL)
    warnings = summary.warn + sum(n for n, verdict in extra if verdict is Verdict.WARN)
    return failures, warnings


def exit_code(report: Report, fail_on: Verdict | None) -> int:
    """1 when the report's worst verdict reaches ``fail_on``, else 0."""
    return EXIT_FAIL if reaches(report, fail_on) else EXIT_OK


def write_outputs(target: Path, values: Mapping[str, str]) -> None:
    """Append step outputs to ``$GITHUB_OUTPUT`` in the multiline-safe heredoc form."""
    with target.open("a", encoding="utf-8") as out:
        for name, value in values.items():
            delimiter = f"MLG_{uuid.uuid4().hex}"
            out.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def publish(report: Report, inputs: Inputs, report_file: Path) -> dict[str, str]:
    """Annotations to stdout, the summary, the SARIF file; returns the step outputs."""
    if inputs.annotations:
        sys.stdout.write(github.render(report))
    if inputs.summary and inputs.step_summary is not None:
        with inputs.step_summary.open("a", encoding="utf-8") as out:
            out.write(markdown.render(report) + "\n")
    sarif_path = ""
    if inputs.sarif_file:
        target = inputs.workspace / inputs.sarif_file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sarif.render(report), encoding="utf-8")
        sarif_path = str(target)
    failures, warnings = counts(report)
    return {
        "failures": str(failures),
        "warnings": str(warnings),
        "report": str(report_file),
        "sarif-file": sarif_path,
    }


def run(inputs: Inputs) -> int:
    """Scan, publish, and return the action's exit code."""
    inputs.report_dir.mkdir(parents=True, exist_ok=True)
    report_file = inputs.report_dir / "report.json"
    report_file.unlink(missing_ok=True)
    command = scan_command(inputs, report_file)
    completed = subprocess.run(command, cwd=inputs.report_dir, check=False)
    if completed.returncode not in (EXIT_OK, EXIT_FAIL) or not report_file.is_file():
        print(
            f"::error title=model-license-guard::the scan failed (exit {completed.returncode}); "
            "see the log above"
        )
        return EXIT_ERROR
    report = json_format.load(report_file.read_text(encoding="utf-8"))
    outputs = publish(report, inputs, report_file)
    if inputs.output is not None:
        write_outputs(inputs.output, outputs)
    print(
        f"model-license-guard: {outputs['failures']} failing, {outputs['warnings']} warning "
        f"finding(s); report: {report_file}"
    )
    return exit_code(report, inputs.fail_on)


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Entry point: read inputs from ``env`` (default: the process environment) and run."""
    del argv  # the action takes no arguments; inputs come from the environment
    try:
        inputs = read_inputs(os.environ if env is None else env)
    except InputError as exc:
        print(f"::error title=model-license-guard::{github.escape_data(str(exc))}")
        return EXIT_ERROR
    return run(inputs)


if __name__ == "__main__":
    raise SystemExit(main())
