"""The real console script, in a subprocess, on temporary git repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = shutil.which("model-license-guard", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(SCRIPT is None, reason="console script not installed")

APP = """\
from transformers import AutoModelForCausalLM, pipeline

MODEL = "meta-llama/Llama-3.1-8B-Instruct"
model = AutoModelForCausalLM.from_pretrained(MODEL)
rail = pipeline("text-to-image", model="CompVis/stable-diffusion-v1-4")
"""


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        [str(SCRIPT), *args], cwd=root, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


def policy(root: Path, text: str, name: str = ".model-license-guard.toml") -> None:
    (root / name).write_text(text, encoding="utf-8")


def findings(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, object]]:
    return {f["model"]: f for f in json.loads(result.stdout)["findings"]}


def test_scan_without_policy_uses_embedded_default(repo: Path) -> None:
    result = run(repo, "scan", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["policy"] == "embedded default"
    llama = findings(result)["meta-llama/Llama-3.1-8B-Instruct"]
    assert (llama["path"], llama["line"], llama["column"], llama["license"]) == (
        "app.py",
        4,
        46,
        "llama3.1",
    )
    text = run(repo, "scan")
    assert "embedded default" in text.stdout


@pytest.mark.parametrize(
    ("usage", "code", "verdict", "fragment"),
    [
        ("commercial = true\nmonthly_active_users = 500000", 0, "pass", None),
        ("commercial = true\nmonthly_active_users = 800000000", 1, "fail", "700,000,000"),
    ],
)
def test_llama_mau_limit(
    repo: Path, usage: str, code: int, verdict: str, fragment: str | None
) -> None:
    policy(
        repo,
        f"[usage]\n{usage}\ndistributes_models = false\nmodifies_models = false\n"
        'hosted_service = true\nregion = "US"\nintended_uses = []\n'
        "outputs_train_models = false\n",
    )
    result = run(repo, "scan", "--format", "json")
    assert result.returncode == code, result.stderr
    llama = findings(result)["meta-llama/Llama-3.1-8B-Instruct"]
    assert llama["verdict"] == verdict
    if fragment:
        messages = " ".join(r["message"] for r in llama["reasons"])  # type: ignore[attr-defined]
        assert fragment in messages
        policies = [r["policy"] for r in llama["reasons"]]  # type: ignore[attr-defined]
        assert ".model-license-guard.toml:3" in policies
        assert run(repo, "scan", "--exit-zero").returncode == 0


def test_rail_intended_use_fails_naming_the_restriction(repo: Path) -> None:
    policy(repo, '[usage]\ncommercial = true\nintended_uses = ["medical-advice"]\n')
    result = run(repo, "scan", "--format", "json")
    assert result.returncode == 1
    rail = findings(result)["CompVis/stable-diffusion-v1-4"]
    assert rail["verdict"] == "fail"
    assert any(r["code"] == "MDL008" and "medical-advice" in r["message"] for r in rail["reasons"])  # type: ignore[attr-defined]


def test_invalid_policy_stops_with_file_and_line(repo: Path) -> None:
    policy(
        repo,
        '[usage]\ncommercial = true\nintended_uses = ["medical-advise"]\n\n'
        '[licenses]\ndeny = ["apache2"]\n',
    )
    for command in (["scan"], ["validate-policy"]):
        result = run(repo, *command)
        assert result.returncode == 2
        assert ".model-license-guard.toml:3:" in result.stderr
        assert "medical-advice" in result.stderr  # did-you-mean hint
        assert ".model-license-guard.toml:6:" in result.stderr
        assert "apache-2.0" in result.stderr


def test_pyproject_policy_and_dedicated_file_wins(repo: Path) -> None:
    policy(
        repo,
        "[tool.model-license-guard.usage]\nmonthly_active_users = 900000000\n",
        name="pyproject.toml",
    )
    assert run(repo, "scan").returncode == 1
    policy(repo, "[usage]\nmonthly_active_users = 10\n")
    assert run(repo, "scan").returncode == 0


def test_init_writes_a_valid_starter_policy(repo: Path) -> None:
    assert run(repo, "init").returncode == 0
    assert (repo / ".model-license-guard.toml").is_file()
    assert run(repo, "init").returncode == 2  # refuses to overwrite
    result = run(repo, "validate-policy")
    assert result.returncode == 0, result.stderr


def test_explain_shows_resolution_terms_and_verdict(repo: Path) -> None:
    result = run(repo, "explain", "meta-llama/Llama-3.1-8B-Instruct", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["license"] == "llama3.1"
    assert data["resolution"]["rule"] == "exact"
    assert any("700,000,000" in line for line in data["terms"]["llama3.1"])
    text = run(repo, "explain", "unsloth/Llama-3.2-1B-Instruct-bnb-4bit").stdout
    assert "derivative" in text and "meta-llama/Llama-3.2-1B-Instruct" in text


def test_db_reports_version_and_counts(repo: Path) -> None:
    data = json.loads(run(repo, "db", "--json").stdout)
    assert data["models"] > 1000 and data["licenses"] > 50  # type: ignore[operator]
    assert data["version"]


def test_obligations_notice_names_attribution(repo: Path) -> None:
    policy(repo, "[usage]\ncommercial = true\ndistributes_models = true\n")
    result = run(repo, "obligations")
    assert result.returncode == 0, result.stderr
    assert "Built with Llama" in result.stdout
    assert "meta-llama/Llama-3.1-8B-Instruct" in result.stdout


def test_module_entry_point_matches_console_script(repo: Path) -> None:
    module = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert module.returncode == 0
    assert json.loads(module.stdout) == json.loads(run(repo, "scan", "--format", "json").stdout)


def test_bad_arguments_exit_2(repo: Path) -> None:
    assert run(repo, "scan", "--format", "nope").returncode == 2
    assert run(repo, "scan", "missing-file.py").returncode == 2
    assert run(repo, "scan", "--policy", "nope.toml").returncode == 2


def test_own_policy_baseline_and_reports_are_never_scanned(repo: Path) -> None:
    policy(repo, '[usage]\ncommercial = true\n\n[[exceptions]]\nmodel = "acme/approved-7b"\n'
                 'license = "unknown"\nreason = "trial"\napproved_by = "legal"\n')  # fmt: skip
    (repo / "bad.py").write_text(
        "from transformers import AutoModel\n"
        'AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")\n',
        encoding="utf-8",
    )
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    assert run(repo, "scan").returncode == 1
    for fmt, name in (
        ("json", "report.json"),
        ("sarif", "report.sarif"),
        ("cyclonedx", "bom.json"),
    ):
        assert run(repo, "scan", "--format", fmt, "--output", name, "--exit-zero").returncode == 0
    made = run(repo, "baseline")
    assert made.returncode == 0 and "wrote 1 baseline entry" in made.stderr
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    result = run(
        repo, "scan", "--baseline", ".model-license-guard-baseline.json", "--format", "json"
    )
    assert result.returncode == 0, result.stdout
    paths = {f["path"] for f in json.loads(result.stdout)["findings"]}
    assert paths == {"app.py", "bad.py"}
