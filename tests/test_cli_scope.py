"""Where a finding is reported and what a scan covers, with the real console script in a
subprocess on temporary repositories: the caller's place (the loader as ``via``), one finding
per place, ``scan PATH``, the default baseline, policy discovery, ``[paths] exclude``,
``--fail-on``, and one-line errors instead of tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from text_report import lists_place

SCRIPT = shutil.which("model-license-guard", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(SCRIPT is None, reason="console script not installed")

FAILING = "CohereForAI/c4ai-command-r-v01"  # CC-BY-NC: the default (commercial) policy fails it
PASSING = "bert-base-uncased"
WARNING = "meta-llama/Llama-2-7b-hf"  # llama2: terms the default policy does not state warn

LIB = """\
from transformers import AutoModel, AutoTokenizer


class Encoder:
    def __init__(self, name):
        self.model = AutoModel.from_pretrained(name)
        self.tokenizer = AutoTokenizer.from_pretrained(name)
"""
FILES = {
    "src/pkg/__init__.py": "",
    "src/pkg/lib.py": LIB,
    "src/pkg/app.py": f'from pkg.lib import Encoder\n\nencoder = Encoder("{PASSING}")\n',
    "tests/test_lib.py": "from pkg.lib import Encoder\n\n\n"
    f'def test_x():\n    Encoder("{FAILING}")\n',
}
VIA = "Encoder(name) at src/pkg/lib.py:6"


def loads(model: str) -> str:
    """A module that loads ``model`` on line 2."""
    return f'from transformers import AutoModel\nAutoModel.from_pretrained("{model}")\n'


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        [str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(root, FILES)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return root


def places(result: subprocess.CompletedProcess[str]) -> list[tuple[str, int, int, str, str]]:
    report = json.loads(result.stdout)
    return [(f["path"], f["line"], f["column"], f["model"], f["via"]) for f in report["findings"]]


@pytest.mark.parametrize(
    ("paths", "expected", "code"),
    [
        (
            [],
            [
                ("src/pkg/app.py", 3, 19, PASSING, VIA),
                ("tests/test_lib.py", 5, 13, FAILING, VIA),
            ],
            1,
        ),
        (["src"], [("src/pkg/app.py", 3, 19, PASSING, VIA)], 0),
        (["tests"], [("tests/test_lib.py", 5, 13, FAILING, VIA)], 1),
        (["src/pkg/lib.py"], [], 0),
    ],
)
def test_a_finding_is_reported_once_at_the_caller_and_only_in_the_paths_scanned(
    repo: Path, paths: list[str], expected: list[tuple[str, int, int, str, str]], code: int
) -> None:
    result = run(repo, "scan", *paths, "--format", "json")
    assert result.returncode == code, result.stderr
    assert places(result) == expected  # one finding per place although two loaders read it


def test_via_in_text_and_sarif(repo: Path) -> None:
    text = run(repo, "scan", "tests").stdout
    assert lists_place(text, "FAIL", FAILING, "tests/test_lib.py:5:13"), text
    assert f"  via {VIA}\n" in text
    sarif = json.loads(run(repo, "scan", "tests", "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    (result,) = [r for r in results if r["ruleId"] == "MDL003"]  # commercial use not permitted
    location = result["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == (
        "tests/test_lib.py",
        5,
    )
    (related,) = result["relatedLocations"]
    assert related["physicalLocation"] == {
        "artifactLocation": {"uri": "src/pkg/lib.py"},
        "region": {"startLine": 6},
    }
    assert related["message"] == {"text": "via Encoder(name)"}


def test_default_baseline_file_is_applied_unless_told_otherwise(repo: Path) -> None:
    written = run(repo, "baseline")
    assert written.returncode == 0, written.stderr
    assert (repo / ".model-license-guard-baseline.json").is_file()
    assert run(repo, "scan").returncode == 0
    assert run(repo, "scan", "--no-baseline").returncode == 1
    other = repo / "other.json"
    other.write_text(json.dumps({"version": 1, "entries": []}), encoding="utf-8")
    assert run(repo, "scan", "--baseline", str(other)).returncode == 1


@pytest.mark.parametrize(
    ("policy_at", "stated"),
    [
        ("cwd", "policy: {cwd}/.model-license-guard.toml  "),
        ("root", "policy: .model-license-guard.toml  "),
        (None, "policy: embedded default  "),
    ],
)
def test_policy_discovery_outside_git_is_stated(
    tmp_path: Path, policy_at: str | None, stated: str
) -> None:
    write(tmp_path, {"app/x.py": loads(FAILING)})
    if policy_at is not None:
        folder = tmp_path if policy_at == "cwd" else tmp_path / "app"
        (folder / ".model-license-guard.toml").write_text("[usage]\ncommercial = false\n")
    result = run(tmp_path, "scan", "app")
    assert stated.format(cwd=tmp_path.resolve()) in result.stdout
    assert result.returncode == (1 if policy_at is None else 0), result.stdout


@pytest.mark.parametrize(
    ("exclude", "expected"),
    [
        (["tests/"], [("src/pkg/app.py", 3, 19, PASSING, VIA)]),
        (["tests/*.py", "docs"], [("src/pkg/app.py", 3, 19, PASSING, VIA)]),
        (
            ["src/pkg/lib.py"],  # the loader's file: its callers' findings are still found
            [
                ("src/pkg/app.py", 3, 19, PASSING, VIA),
                ("tests/test_lib.py", 5, 13, FAILING, VIA),
            ],
        ),
        (["src/**"], [("tests/test_lib.py", 5, 13, FAILING, VIA)]),
    ],
)
def test_paths_exclude(
    repo: Path, exclude: list[str], expected: list[tuple[str, int, int, str, str]]
) -> None:
    policy = f"[usage]\ncommercial = true\n\n[paths]\nexclude = {json.dumps(exclude)}\n"
    (repo / ".model-license-guard.toml").write_text(policy, encoding="utf-8")
    assert places(run(repo, "scan", "--format", "json")) == expected


def test_paths_exclude_problems_name_file_and_line(repo: Path) -> None:
    policy = '[usage]\ncommercial = true\n\n[paths]\nexclude = ["ok/", 3, "/abs"]\nincluded = []\n'
    (repo / ".model-license-guard.toml").write_text(policy, encoding="utf-8")
    result = run(repo, "validate-policy")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        ".model-license-guard.toml:5: paths.exclude entries must be strings, not an integer",
        ".model-license-guard.toml:5: pattern '/abs' must be relative to the repository root, "
        "with '/' separators",
        ".model-license-guard.toml:6: unknown key 'included' in [paths] (did you mean exclude?)",
        "model-license-guard: invalid policy (3 problem(s))",
    ]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 0),
        (["--fail-on", "fail"], 0),
        (["--fail-on", "warn"], 1),
        (["--fail-on", "warn", "--exit-zero"], 0),
    ],
)
def test_fail_on(tmp_path: Path, args: list[str], code: int) -> None:
    write(tmp_path, {"w.py": loads(WARNING)})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    assert run(tmp_path, "scan", *args).returncode == code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "x", "--kind", "bogus"], "argument --kind: invalid choice: 'bogus'"),
        (["scan", "-o", "missing/dir/report.txt"], "cannot write missing/dir/report.txt"),
        (["baseline", "-o", "missing/dir/b.json"], "cannot write missing/dir/b.json"),
        (["obligations", "-o", "missing/dir/NOTICE"], "cannot write missing/dir/NOTICE"),
        (["init", "--root", "src/pkg/lib.py"], "cannot write src/pkg/lib.py/.model-license"),
        (["scan", "--fail-on", "never"], "argument --fail-on: invalid choice: 'never'"),
        (["scan", "--jobs", "-3"], "argument --jobs/-j: must be a whole number, 0 or more"),
        (["scan", "-o", "src"], "cannot write src: Is a directory"),
        (["scan", "--baseline", "src"], "cannot read baseline src: Is a directory"),
    ],
)
def test_errors_are_one_line_never_a_traceback(repo: Path, args: list[str], message: str) -> None:
    result = run(repo, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr.splitlines()[-1]
