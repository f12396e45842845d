"""What a change can alter (``scanner.find.change``): a file importing a changed module is
affected when a read its extraction recorded answers differently with the module as it was
before the change (at ``HEAD``, or pre-commit's ``--from-ref``), and only then; the version
before comes from git (real repositories in tmp folders)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.find import change, git
from scanner.find.cache import Dependencies, ExtractionCache
from scanner.find.discover import SourceFile
from scanner.scan import ScanReads, extract_all
from scanner.types import Extraction, FileError, ModelRef, RefKind, SourceKind

CONFIG = "BASE = 'org'\nMODEL = BASE + '/model'\nOTHER = 'gpt2'\n"
LIB = (
    "from transformers import AutoModel\n\n\n"
    "def load(name):\n    return AutoModel.from_pretrained(name)\n"
)
USER = (
    "from transformers import AutoModel\n"
    "from config import MODEL\n"
    "from lib import load\n\n"
    "AutoModel.from_pretrained(MODEL)\n"
    "load('org/direct')\n"
)
FILES = {"config.py": CONFIG, "lib.py": LIB, "user.py": USER}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(exist_ok=True)
    _git(root, "init", "-q")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    return root


def _affected(deps: Dependencies, found: change.Change, root: Path) -> bool:
    return change.Before(root, found).affected(deps)


def _reads(root: Path, rel: str) -> Dependencies:
    """What the extraction of ``rel`` read (as its cache entry records it)."""
    reads = ScanReads()
    cache = ExtractionCache(root.parent / f"cache-{rel}", "test")
    extract_all(root, [SourceFile(rel, SourceKind.PYTHON)], 1, cache, reads=reads)
    [deps] = reads.extraction
    return deps


@pytest.mark.parametrize(
    ("path", "edited", "affected"),
    [
        # what the importer's lookups did not read: the change cannot alter its findings
        ("config.py", CONFIG + "\nVERSION = 2\n", False),
        ("config.py", CONFIG.replace("'gpt2'", "'gpt3'"), False),
        ("config.py", CONFIG.replace("'gpt2'", "'gpt2'  # a comment"), False),
        ("lib.py", LIB + "\n\ndef other():\n    return 1\n", False),
        # what they read: the constant, what it is built from, the loader
        ("config.py", CONFIG.replace("'/model'", "'/other'"), True),
        ("config.py", CONFIG.replace("BASE = 'org'", "BASE = 'gro'"), True),
        ("config.py", CONFIG + "MODEL = 'org/later'\n", True),
        # what a loader finds at its callers is its own module's extraction's, not theirs
        ("lib.py", LIB.replace("AutoModel.from_pretrained(name)", "name"), False),
        ("config.py", "syntax error (\n", True),
        # lines moved by what nothing reads: the same findings, their via a line further down
        ("config.py", "# a comment first\n" + CONFIG, False),
        ("config.py", "VERSION = 2\n" + CONFIG, False),
        ("config.py", "ALIAS = MODEL\n" + CONFIG, True),  # it names what the importer read
    ],
)
def test_an_importer_is_affected_when_a_read_differs_before_the_change(
    tmp_path: Path, path: str, edited: str, affected: bool
) -> None:
    root = _repo(tmp_path / "repo", FILES)
    (root / path).write_text(edited, encoding="utf-8")
    found = change.before(root, [path], {})
    assert found.before == ((path, FILES[path].encode()),)
    assert _affected(_reads(root, "user.py"), found, root) is affected


def test_a_file_unchanged_since_the_base_commit_counts_as_changed_in_every_way(
    tmp_path: Path,
) -> None:
    root = _repo(tmp_path / "repo", FILES)
    found = change.before(root, ["config.py"], {})
    assert found == change.Change((), frozenset({"config.py"}))
    assert _affected(_reads(root, "user.py"), found, root)
    assert _affected(_reads(root, "lib.py"), found, root)  # its search may match it
    assert not _affected(Dependencies(exists=(("lib.py", True),)), found, root)


def test_pre_commits_from_ref_is_the_version_before(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", FILES)
    base = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    (root / "config.py").write_text(CONFIG.replace("'/model'", "'/x'"), encoding="utf-8")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "x")
    found = change.before(root, ["config.py"], {change.FROM_REF: base})
    assert found.before == (("config.py", CONFIG.encode()),)
    assert _affected(_reads(root, "user.py"), found, root)


def test_a_new_module_and_what_probed_for_it_are_affected(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", FILES)
    (root / "new.py").write_text("MODEL = 'org/new'\n", encoding="utf-8")
    found = change.before(root, ["new.py"], {})
    assert found.before == (("new.py", None),)
    probed = Dependencies(exists=(("new.py", True),))
    assert _affected(probed, found, root)
    assert _affected(Dependencies(dirs=(("", True),)), found, root)
    assert not _affected(Dependencies(exists=(("config.py", True),)), found, root)


def test_a_caller_search_that_a_change_matches_differently_is_affected(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", FILES)
    (root / "config.py").write_text(CONFIG + "from lib import load\n", encoding="utf-8")
    found = change.before(root, ["config.py"], {})
    searched = Dependencies(searches=(("load", r"\bimport\b[^\n;]*\bload\b", ("config.py",)),))
    assert _affected(searched, found, root)
    same = Dependencies(searches=(("MODEL", r"\bMODEL\b", ("config.py",)),))
    assert not _affected(same, found, root)


def test_a_scan_root_below_the_top_level_asks_git_for_its_own_paths(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {f"sub dir/{name}": text for name, text in FILES.items()})
    sub = root / "sub dir"
    (sub / "config.py").write_text(CONFIG + "VERSION = 2\n", encoding="utf-8")
    found = change.before(sub, ["config.py", "new.py"], {})
    assert found.before == (("config.py", CONFIG.encode()), ("new.py", None))


def test_git_unable_to_answer_makes_every_changed_file_unknown(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert change.before(tmp_path, ["a.py"], {}) == change.Change((), frozenset({"a.py"}))
    root = _repo(tmp_path / "repo", FILES)
    assert git.blobs(root, "HEAD", ["bad\nname.py"]) is None
    assert git.blobs(root, "no-such-ref", ["config.py"]) is None
    assert git.blobs(root, "HEAD", ["config.py", "gone.py"]) == {
        "config.py": CONFIG.encode(),
        "gone.py": None,
    }


def test_narrowed_keeps_what_the_changed_files_name_and_every_error() -> None:
    hub, python = RefKind.HUGGINGFACE, SourceKind.PYTHON
    inside = ModelRef("config.py", 1, 1, hub, "org/a", "py.from_pretrained", python)
    outside = ModelRef("user.py", 5, 1, hub, "org/b", "py.from_pretrained", python)
    error = FileError("user.py", "syntax error")
    extraction = Extraction((inside, outside), (), (error,))
    kept = change.narrowed(extraction, frozenset({"config.py"}))
    assert kept == Extraction((inside,), (), (error,))


@pytest.mark.parametrize(
    ("edited", "places"),
    [
        (CONFIG + "\nVERSION = 2\n", []),  # nothing the importer read
        ("VERSION = 2\n" + CONFIG, []),  # the same, every line after it moved
        (CONFIG.replace("'/model'", "'/other'"), [("user.py", 5, "org/other")]),
    ],
)
def test_the_hook_reports_the_same_with_and_without_the_cache(
    tmp_path: Path, edited: str, places: list[tuple[str, int, str]]
) -> None:
    root = _repo(tmp_path / "repo", FILES)
    cache = ("--cache-dir", str(tmp_path / "cache"))
    _cli(root, "scan", *cache)  # fills the cache with the committed versions
    (root / "config.py").write_text(edited, encoding="utf-8")
    hook = ("scan", "--changed", "config.py", "--format", "json")
    cached, uncached = _cli(root, *hook, *cache), _cli(root, *hook, "--no-cache")
    assert cached.stdout == uncached.stdout
    assert "also checking 1 file importing the changed ones" in cached.stderr
    found = json.loads(cached.stdout)["findings"]
    assert [(f["path"], f["line"], f["model"]) for f in found] == places


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scanner", *args, "--exit-zero"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True)
