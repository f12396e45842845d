"""discover.py: which files a scan reads, and as what."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.context import ReadProblem, RepoContext, read_bytes
from scanner.find.discover import Discovery, SourceFile, classify, discover
from scanner.types import SourceKind, Unscanned


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
    assert discover(tmp_path).files == (
        SourceFile("a.py", SourceKind.PYTHON),
        SourceFile("conf/x.yaml", SourceKind.YAML),
        SourceFile("pkg/b.py", SourceKind.PYTHON),
    )


def test_git_repository_lists_tracked_and_unignored_files(tmp_path: Path) -> None:
    _tree(tmp_path, ["tracked.py", "new.py", "ignored/skip.py", "build/out.py"])
    (tmp_path / ".gitignore").write_text("ignored/\nbuild/\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "tracked.py", ".gitignore"], cwd=tmp_path, check=True)
    assert [f.path for f in discover(tmp_path).files] == ["new.py", "tracked.py"]


def test_explicit_paths_files_and_folders(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.py", "pkg/b.py", "pkg/sub/c.ipynb", "other/d.py", "README.md"])
    found = discover(
        tmp_path, [Path("a.py"), Path("pkg"), Path("README.md"), Path("missing.py")]
    ).files
    assert [(f.path, f.kind) for f in found] == [
        ("a.py", SourceKind.PYTHON),
        ("pkg/b.py", SourceKind.PYTHON),
        ("pkg/sub/c.ipynb", SourceKind.NOTEBOOK),
    ]


def test_exclude_skips_a_policy_or_baseline_given_under_another_name(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.py", "ci/policy.toml", "ci/accepted.json"])
    excluded = [tmp_path / "ci" / "policy.toml", tmp_path / "ci" / "accepted.json"]
    found = discover(tmp_path, exclude=excluded).files
    assert [f.path for f in found] == ["a.py"]


# -- only regular files inside the root are read -------------------------------------------

LOADS = (
    "from transformers import AutoModel\n"
    'AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")\n'
)


def _skipped(found: Discovery) -> dict[str, str]:
    return {error.path: error.message for error in found.skipped}


def test_fifos_devices_and_links_out_of_the_root_are_reported_never_read(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "outside.py"
    root.mkdir()
    outside.write_text(LOADS, encoding="utf-8")
    (root / "good.py").write_text(LOADS, encoding="utf-8")
    os.mkfifo(root / "models.yaml")
    (root / "zero.py").symlink_to("/dev/zero")
    (root / "escape.py").symlink_to(outside)
    (root / "dangling.py").symlink_to(root / "missing.py")
    (root / "loop.py").symlink_to(root / "loop.py")
    (root / "inside.py").symlink_to(root / "good.py")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.py").write_text(LOADS, encoding="utf-8")
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found = discover(root)
    assert [f.path for f in found.files] == ["good.py", "inside.py"]
    skipped = _skipped(found)
    assert sorted(skipped) == ["dangling.py", "escape.py", "loop.py", "models.yaml", "zero.py"]
    assert "named pipe" in skipped["models.yaml"]
    assert "outside the repository" in skipped["zero.py"]
    assert "outside the repository" in skipped["escape.py"]
    assert {e.unscanned for e in found.skipped} == {Unscanned.SKIPPED}
    explicit = discover(root, [root / "models.yaml", root / "escape.py", root / "linked"])
    assert explicit.files == ()
    assert sorted(_skipped(explicit)) == ["escape.py", "linked", "models.yaml"]


def test_a_scan_with_a_fifo_and_a_device_link_ends_and_fails_closed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.py").write_text(LOADS, encoding="utf-8")
    os.mkfifo(tmp_path / "models.yaml")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    code = main(["scan", "--root", str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [f["model"] for f in report["findings"]] == ["CohereForAI/c4ai-command-r-v01"]
    assert report["totals"] == {"seen": 3, "scanned": 1, "skipped": 2, "unreadable": 0}
    assert code == 1


def _deny(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` behave as a folder this user may not read (EACCES), even for root."""
    real_stat, real_scandir = os.stat, os.scandir

    def guard(path: object) -> None:
        text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
        if text.startswith(str(folder) + os.sep) or (text == str(folder) and guard.listing):
            raise PermissionError(errno.EACCES, "Permission denied", text)

    guard.listing = False

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        guard(path)
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    def scandir(path: object = ".") -> object:
        guard.listing = True
        try:
            guard(path)
        finally:
            guard.listing = False
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_folder_is_reported_and_the_scan_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "good.py").write_text(LOADS, encoding="utf-8")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "hidden.py").write_text(LOADS, encoding="utf-8")
    _deny(monkeypatch, tmp_path / "secret")
    code = main(["scan", "--root", str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [f["path"] for f in report["findings"]] == ["good.py"]
    assert [(e["path"], e["unscanned"]) for e in report["errors"]] == [("secret", "unreadable")]
    assert "Permission denied" in report["errors"][0]["message"]
    assert report["totals"] == {"seen": 2, "scanned": 1, "skipped": 0, "unreadable": 1}
    assert code == 1


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("plain", ("files", "")),  # a real folder inside the root
        ("inner-link", ("files", "")),  # a link to a folder inside the root
        ("outer-link", ("skipped", "symlink to a file outside the repository: not followed")),
    ],
)
def test_a_file_in_a_linked_folder_is_read_only_when_the_folder_resolves_inside(
    tmp_path: Path, folder: str, expected: tuple[str, str]
) -> None:
    """Discovery resolves each folder once, not each file: a file reached through a folder link
    out of the root (tracked by git before the folder became a link) is still never read."""
    root = tmp_path / "repo"
    (root / "plain").mkdir(parents=True)
    (root / "plain" / "x.py").write_text(LOADS, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.py").write_text(LOADS, encoding="utf-8")
    (root / "inner-link").symlink_to(root / "plain", target_is_directory=True)
    (root / "outer-link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found = discover(root, [root / folder / "x.py"])
    where, message = expected
    if where == "files":
        assert [f.path for f in found.files] == [f"{folder}/x.py"]
    else:
        assert found.files == ()
        assert _skipped(found) == {f"{folder}/x.py": f"not scanned: {message}"}


@pytest.mark.parametrize(
    ("make", "problem", "text"),
    [
        (lambda p: p.mkdir(), "not a regular file (a folder)", None),
        (lambda p: os.mkfifo(p), "not a regular file (a named pipe (FIFO))", None),
        (lambda p: p.write_bytes(b"x" * 11), "11 bytes is over the 10 byte limit", "x" * 11),
    ],
)
def test_reading_what_is_not_a_small_regular_file_is_a_problem_not_a_crash(
    tmp_path: Path, make: Callable[[Path], None], problem: str, text: str | None
) -> None:
    make(tmp_path / "thing")
    with pytest.raises(ReadProblem, match=re.escape(problem)):
        read_bytes(tmp_path, tmp_path / "thing", 10)
    assert RepoContext(tmp_path).read_text("thing") == text  # a lookup's read: never a crash
