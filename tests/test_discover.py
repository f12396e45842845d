"""discover.py: which files a scan reads, and as what."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scanner.discover import SourceFile, classify, discover
from scanner.types import SourceKind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("src/app.py", SourceKind.PYTHON),
        ("tools/run.pyw", SourceKind.PYTHON),
        ("nb/Explore.ipynb", SourceKind.NOTEBOOK),
        ("requirements.txt", SourceKind.REQUIREMENTS),
        ("requirements-dev.txt", SourceKind.REQUIREMENTS),
        ("requirements/base.in", SourceKind.REQUIREMENTS),
        ("requirements/prod.txt", SourceKind.REQUIREMENTS),
        ("dev-requirements.txt", SourceKind.REQUIREMENTS),
        ("pyproject.toml", SourceKind.PYPROJECT),
        ("sub/pyproject.toml", SourceKind.PYPROJECT),
        ("setup.cfg", SourceKind.SETUP_CFG),
        ("configs/train.yaml", SourceKind.YAML),
        ("configs/train.YML", SourceKind.YAML),
        ("model/config.json", SourceKind.JSON),
        ("settings.toml", SourceKind.TOML),
        ("environment.yml", SourceKind.CONDA),
        ("envs/environment-gpu.yaml", SourceKind.CONDA),
        ("dev_environment.yml", SourceKind.CONDA),
        ("environments.yml", SourceKind.YAML),
        ("environmental_vars.yml", SourceKind.YAML),
        ("environment.json", SourceKind.JSON),
        ("conda-lock.yml", None),
        (".vscode/launch.json", SourceKind.JSON),
        # not read
        ("README.md", None),
        ("notes.txt", None),
        ("package-lock.json", None),
        (".model-license-guard.toml", None),
        ("sub/.model-license-guard-baseline.json", None),
        ("poetry.lock", None),
        ("uv.lock", None),
        ("pnpm-lock.yaml", None),
        ("weights/model.safetensors", None),
        ("Makefile", None),
    ],
)
def test_classify(path: str, kind: SourceKind | None) -> None:
    assert classify(path) == kind


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x = 1\n", encoding="utf-8")


def test_walk_skips_vcs_caches_and_virtualenvs(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "a.py",
            "pkg/b.py",
            "node_modules/c.py",
            ".git/d.py",
            "__pycache__/e.py",
            "env/lib/f.py",
            "docs/readme.md",
            "conf/x.yaml",
        ],
    )
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    assert discover(tmp_path) == [
        SourceFile("a.py", SourceKind.PYTHON),
        SourceFile("conf/x.yaml", SourceKind.YAML),
        SourceFile("pkg/b.py", SourceKind.PYTHON),
    ]


def test_git_repository_lists_tracked_and_unignored_files(tmp_path: Path) -> None:
    _tree(tmp_path, ["tracked.py", "new.py", "ignored/skip.py", "build/out.py"])
    (tmp_path / ".gitignore").write_text("ignored/\nbuild/\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "tracked.py", ".gitignore"], cwd=tmp_path, check=True)
    assert [f.path for f in discover(tmp_path)] == ["new.py", "tracked.py"]


def test_explicit_paths_files_and_folders(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.py", "pkg/b.py", "pkg/sub/c.ipynb", "other/d.py", "README.md"])
    found = discover(tmp_path, [Path("a.py"), Path("pkg"), Path("README.md"), Path("missing.py")])
    assert [(f.path, f.kind) for f in found] == [
        ("a.py", SourceKind.PYTHON),
        ("pkg/b.py", SourceKind.PYTHON),
        ("pkg/sub/c.ipynb", SourceKind.NOTEBOOK),
    ]


def test_exclude_skips_a_policy_or_baseline_given_under_another_name(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.py", "ci/policy.toml", "ci/accepted.json"])
    excluded = [tmp_path / "ci" / "policy.toml", tmp_path / "ci" / "accepted.json"]
    found = discover(tmp_path, exclude=excluded)
    assert [f.path for f in found] == ["a.py"]
