"""git is called so that nothing the scanned repository configures runs a command."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.find import git
from scanner.find.discover import discover

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

APP = (
    "from transformers import AutoModel\n"
    'AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")\n'
)


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text(APP, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "app.py"], cwd=repo, check=True)
    return repo


def _plant(repo: Path, marker: Path, settings: dict[str, str]) -> None:
    for key, value in settings.items():
        command = value.format(marker=marker)
        subprocess.run(["git", "config", key, command], cwd=repo, check=True)


HOSTILE_CONFIG = {
    "core.fsmonitor": "touch {marker}; echo",
    "core.pager": "touch {marker}; cat",
    "pager.ls-files": "touch {marker}; cat",
    "core.hooksPath": "{marker}.hooks",
}


def test_a_hostile_git_config_runs_nothing_during_discovery(tmp_path: Path) -> None:
    repo, marker = _repo(tmp_path), tmp_path / "marker"
    _plant(repo, marker, {"core.fsmonitor": "touch {marker}; echo"})
    subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, check=True)
    assert marker.exists(), "the planted fsmonitor command is not what git runs here"
    marker.unlink()
    _plant(repo, marker, HOSTILE_CONFIG)
    assert [f.path for f in discover(repo).files] == ["app.py"]
    assert git.toplevel(repo) == repo.resolve()
    assert not marker.exists()


def test_the_cli_scan_runs_nothing_from_a_hostile_git_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, marker = _repo(tmp_path), tmp_path / "marker"
    _plant(repo, marker, HOSTILE_CONFIG)
    monkeypatch.chdir(repo)
    assert main(["scan", "--format", "json"]) == 1
    assert "CohereForAI/c4ai-command-r-v01" in capsys.readouterr().out
    assert not marker.exists()


def test_a_scan_takes_no_git_lock_and_writes_no_index(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    index = repo / ".git" / "index"
    before = index.stat().st_mtime_ns, index.read_bytes()
    os.utime(repo / "app.py")  # a stat change that a refreshing git would write back
    discover(repo)
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before


def test_a_work_tree_moved_elsewhere_by_the_config_is_not_believed(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run(["git", "config", "core.worktree", str(elsewhere)], cwd=repo, check=True)
    assert git.toplevel(repo) is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_checkout_owned_by_another_user_is_still_listed_by_git(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / ".gitignore").write_text("ignored.py\n", encoding="utf-8")
    (repo / "ignored.py").write_text(APP, encoding="utf-8")
    for path in [repo, *repo.rglob("*")]:
        os.lchown(path, 65534, 65534)
    plain = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True)
    assert plain.returncode != 0 and "dubious ownership" in plain.stderr
    assert [f.path for f in discover(repo).files] == ["app.py"]  # git's view: ignored.py is out
