"""The pre-commit hooks, run by the real pre-commit in a temporary git repository.

The hooks are taken verbatim from this repository's .pre-commit-hooks.yaml into a ``repo: local``
configuration, with one change: ``language: system`` instead of ``python``. ``language: python``
would make pre-commit pip-install this repository and its dependencies into a fresh virtualenv
(network, minutes), and ``pre-commit try-repo`` would clone the last commit, not the working tree
under test. With ``system`` the verbatim ``entry`` (``model-license-guard scan --changed``) runs
from PATH, where a shim runs this checkout's code with the test interpreter. Everything else (ids,
stages, pass_filenames, types, always_run) is what users get.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
FAILING = "CohereForAI/c4ai-command-r-v01"  # CC-BY-NC: the default (commercial) policy fails it
PASSING = "bert-base-uncased"  # Apache-2.0


def _has_pre_commit() -> bool:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return False
    return True


pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not _has_pre_commit(), reason="pre-commit is not installed"),
]


def test_hook_definitions() -> None:
    by_id = {hook["id"]: hook for hook in HOOKS}
    assert sorted(by_id) == ["model-license-guard", "model-license-guard-all"]
    staged, everything = by_id["model-license-guard"], by_id["model-license-guard-all"]
    assert (staged["entry"], staged["language"], staged["pass_filenames"]) == (
        "model-license-guard scan --changed",
        "python",
        True,
    )
    assert "stages" not in staged
    assert (everything["pass_filenames"], everything["always_run"], everything["stages"]) == (
        False,
        True,
        ["manual"],
    )


def model_file(model: str) -> str:
    return f'from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained("{model}")\n'


class Repo:
    """A temporary git repository with the hooks configured and isolated HOME and caches."""

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "repo"
        self.path.mkdir()
        shim = tmp_path / "bin"
        shim.mkdir()
        script = shim / "model-license-guard"
        script.write_text(
            f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m scanner "$@"\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
        self.env = {
            "PATH": f"{shim}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PRE_COMMIT_HOME": str(tmp_path / "cache"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "LANG": "C.UTF-8",
        }
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "dev@example.com")
        self.git("config", "user.name", "Dev")
        self.git("config", "commit.gpgsign", "false")
        local = [{**hook, "language": "system"} for hook in HOOKS]
        config = {"repos": [{"repo": "local", "hooks": local}]}
        self.write(".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=300
        )

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = self.run("git", *args)
        assert result.returncode == 0, result.stderr
        return result

    def commit(self, message: str) -> subprocess.CompletedProcess[str]:
        return self.run("git", "commit", "-m", message)

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "pre_commit", *args)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.strip()

    def status(self) -> list[str]:
        return self.git("status", "--porcelain", "--untracked-files=all").stdout.splitlines()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A repository whose first commit (made before the hook was installed) holds a violation."""
    repo = Repo(tmp_path)
    repo.write("old/legacy.py", model_file(FAILING))
    repo.write("settings.py", f'MODEL_NAME = "{FAILING}"\n')
    repo.git("add", ".")
    repo.git("commit", "-q", "-m", "initial")
    installed = repo.pre_commit("install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo


def test_commit_adding_a_failing_model_is_rejected_with_the_reason(repo: Repo) -> None:
    before = repo.head()
    repo.write("src/chat.py", model_file(FAILING))
    repo.git("add", "src/chat.py")
    result = repo.commit("add a chat model")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert repo.head() == before
    assert "model-license-guard" in output and "Failed" in output
    assert f"FAIL  {FAILING}" in output and "1 place (runtime 1): src/chat.py:3:35" in output
    assert "MDL003 commercial-use-not-permitted" in output, output
    assert "old/legacy.py" not in output  # only the staged file is scanned


def test_commit_adding_a_passing_model_is_accepted(repo: Repo) -> None:
    before = repo.head()
    repo.write("src/embed.py", model_file(PASSING))
    repo.git("add", "src/embed.py")
    result = repo.commit("add an encoder")
    assert result.returncode == 0, result.stdout + result.stderr
    assert repo.head() != before
    assert repo.status() == []  # the hook wrote nothing into the repository


def test_constant_from_a_file_not_staged_is_resolved(repo: Repo) -> None:
    repo.write(
        "src/use.py",
        "from transformers import AutoModel\nfrom settings import MODEL_NAME\n"
        "\nmodel = AutoModel.from_pretrained(MODEL_NAME)\n",
    )
    repo.git("add", "src/use.py")
    result = repo.commit("use the configured model")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"FAIL  {FAILING}" in output and "1 place (runtime 1): src/use.py:4:35" in output


@pytest.mark.parametrize(
    "args",
    [
        ("run", "--all-files", "model-license-guard"),
        ("run", "--all-files", "--hook-stage", "manual", "model-license-guard-all"),
    ],
)
def test_all_files_finds_the_violation_in_an_old_file(repo: Repo, args: tuple[str, ...]) -> None:
    result = repo.pre_commit(*args)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"FAIL  {FAILING}" in output and "1 place (runtime 1): old/legacy.py:3:35" in output
    assert repo.status() == []


def test_manual_hook_does_not_run_on_commit(repo: Repo) -> None:
    repo.write("notes.txt", "nothing to see\n")
    repo.git("add", "notes.txt")
    result = repo.commit("notes")  # model-license-guard-all would fail on old/legacy.py
    assert result.returncode == 0, result.stdout + result.stderr
