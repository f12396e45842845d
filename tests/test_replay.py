"""Replay of a whole scan's output: an unchanged tree prints the last output without scanning,
and a change to any input the output depends on scans again (a stale replay would fail open)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from test_report_escaping import hostile_report

import license_db
from scanner import replay
from scanner import scan as scan_mod
from scanner.cli import main
from scanner.decide.policy import default_policy
from scanner.find import targets
from scanner.find.cache import ExtractionCache
from scanner.find.discover import MAX_FILE_BYTES
from scanner.report.text import render as render_text
from scanner.report.text import with_duration

LOADER = "from transformers import AutoModel\n"
REPO = {
    "consts.py": 'MODEL = "meta-llama/Llama-3.1-8B"\n',
    "main.py": LOADER + "from consts import MODEL\nAutoModel.from_pretrained(MODEL)\n",
    "local.py": LOADER + 'AutoModel.from_pretrained("./models/mine")\n',
    "models/mine/README.md": "---\nlicense: mit\n---\n# mine\n",
    "other.py": LOADER + 'AutoModel.from_pretrained("bert-base-uncased")\n',
}
POLICY = '[licenses]\ndeny = ["llama3.1"]\n'
IGNORED = (
    LOADER
    + "from consts import MODEL\nAutoModel.from_pretrained(MODEL)  # model-license-guard: ignore\n"
)


def _repo(root: Path) -> Path:
    for name, text in {**REPO, ".model-license-guard.toml": POLICY}.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


class Scans:
    """Counts the scans the CLI runs (a replayed run runs none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = scan_mod.scan

        def counted(*args: object, **kwargs: object) -> object:
            self.count += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(scan_mod, "scan", counted)  # the CLI imports it when it scans


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["scan", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Scans:
    return Scans(monkeypatch)


@pytest.mark.parametrize("fmt", ["json", "sarif", "text", "markdown"])
def test_an_unchanged_tree_is_replayed_with_the_same_output_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scans: Scans, fmt: str
) -> None:
    root = _repo(tmp_path / "repo")
    argv = ("--root", str(root), "--format", fmt)
    first = _run(capsys, *argv)
    second = _run(capsys, *argv)
    assert scans.count == 1
    assert first[0] == second[0] == 1  # llama3.1 is denied
    if fmt == "text":  # the closing line carries each run's own duration
        duration = re.compile(r"; \d+\.\d s$", re.MULTILINE)
        assert duration.search(first[1]) and duration.search(second[1])
        assert duration.sub("", first[1]) == duration.sub("", second[1])
    else:
        assert first == second


def _edit(name: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / name).write_text(text, encoding="utf-8")

    return change


def _remove(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).unlink()


CHANGES: list[tuple[str, Callable[[Path], None], tuple[str, ...]]] = [
    # (what changes, how, the second run's extra arguments)
    ("a scanned file", _edit("other.py", LOADER + 'AutoModel.from_pretrained("gpt2")\n'), ()),
    ("an inline suppression", _edit("main.py", IGNORED), ()),
    ("a new file", _edit("new.py", LOADER + 'AutoModel.from_pretrained("gpt2")\n'), ()),
    ("a removed file", _remove("other.py"), ()),
    ("the policy file", _edit(".model-license-guard.toml", '[licenses]\ndeny = ["mit"]\n'), ()),
    ("a baseline file", lambda root: main(["baseline", "--root", str(root)]), ()),
    ("a local model's card", _edit("models/mine/README.md", "---\nlicense: llama3.1\n---\n"), ()),
    ("the date", lambda root: None, ("--today", "2030-01-01")),
    ("an option", lambda root: None, ("--select", "MDL001")),
    ("the output format", lambda root: None, ("--format", "sarif")),
]


@pytest.mark.parametrize(("change", "argv"), [(c[1], c[2]) for c in CHANGES],
                         ids=[c[0] for c in CHANGES])  # fmt: skip
def test_any_change_to_an_input_scans_again_and_shows_what_a_fresh_scan_shows(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scans: Scans,
    change: Callable[[Path], None],
    argv: tuple[str, ...],
) -> None:
    root = _repo(tmp_path / "repo")
    base = ("--root", str(root), "--format", "json")
    _run(capsys, *base)
    change(root)
    capsys.readouterr()
    before = scans.count  # writing a baseline scans too
    again = _run(capsys, *base, *argv)
    assert scans.count == before + 1
    assert again == _run(capsys, *base, *argv, "--no-cache")


def test_a_module_outside_the_scanned_paths_is_a_dependency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scans: Scans
) -> None:
    root = _repo(tmp_path / "repo")
    argv = ("--root", str(root), "--format", "json", str(root / "main.py"))
    first = json.loads(_run(capsys, *argv)[1])
    (root / "consts.py").write_text('MODEL = "bert-base-uncased"\n', encoding="utf-8")
    second = json.loads(_run(capsys, *argv)[1])
    assert scans.count == 2
    assert [f["model"] for f in first["findings"]] == ["meta-llama/Llama-3.1-8B"]
    assert [f["model"] for f in second["findings"]] == ["bert-base-uncased"]


def test_a_tree_whose_extractions_were_reused_through_a_slice_is_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scans: Scans
) -> None:
    """main.py's entry, which read ``MODEL`` of consts.py, is reused after a statement its
    lookup does not read is added there; the output of that tree is replayed next time."""
    root = _repo(tmp_path / "repo")
    argv = ("--root", str(root), "--format", "json")
    _run(capsys, *argv)
    (root / "consts.py").write_text(REPO["consts.py"] + "OTHER = 1\n", encoding="utf-8")
    first, second = _run(capsys, *argv), _run(capsys, *argv)
    assert scans.count == 2
    assert first == second == _run(capsys, *argv, "--no-cache")


@pytest.mark.parametrize(
    ("setting", "value"),
    [("environment", "MLG_WORKER_CPU_SECONDS"), ("tool", "scanner source")],
)
def test_the_environment_and_the_tool_itself_are_in_the_key(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scans: Scans,
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    value: str,
) -> None:
    root = _repo(tmp_path / "repo")
    argv = ("--root", str(root), "--format", "json")
    _run(capsys, *argv)
    if setting == "environment":
        monkeypatch.setenv(value, "7")
    else:
        changed = replay.tool_hash() + "-edited"
        monkeypatch.setattr(replay, "tool_hash", lambda *_: changed)
    _run(capsys, *argv)
    assert scans.count == 2


def test_no_replay_without_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scans: Scans
) -> None:
    root = _repo(tmp_path / "repo")
    argv = ("--root", str(root), "--format", "json", "--no-cache")
    _run(capsys, *argv)
    _run(capsys, *argv)
    assert scans.count == 2
    assert not (Path(os.environ["MLG_CACHE_DIR"]) / replay.FOLDER).exists()


def test_no_replay_with_a_hub_client(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    plan = targets.plan(root, [], [], [])
    folder = Path(os.environ["MLG_CACHE_DIR"])
    cached = replay.Setup(
        root, license_db.load(), default_policy(), date(2026, 1, 1), 0, None, None,
        MAX_FILE_BYTES, ExtractionCache(folder, "salt"),
    )  # fmt: skip
    assert replay.scan_slot({}, plan, cached, False, []) is not None
    hub = replace(cached, hub=object())  # type: ignore[arg-type]  # its answers are not in the key
    assert replay.scan_slot({}, plan, hub, False, []) is None


def test_an_unreadable_file_is_never_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], scans: Scans
) -> None:
    root = _repo(tmp_path / "repo")
    (root / "bad.py").write_bytes(b"x = 1\n" + b"#" * 2_000)
    argv = ("--root", str(root), "--format", "json", "--max-file-size", "1000")
    first = _run(capsys, *argv)
    second = _run(capsys, *argv)
    assert scans.count == 2
    assert first == second
    assert "bad.py" in first[2]  # reported each time, on stderr


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1],
        lambda data: data[:-2] + b"X" + data[-1:],
        lambda data: b"[]\n" + data.partition(b"\n")[2],
        lambda data: data.replace(b'"code":1', b'"code":"1"', 1),
        lambda data: data.replace(b'"schema":2', b'"schema":3', 1),
        lambda data: data.replace(b'"texts":[', b'"texts":[[1,2],', 1),
        lambda data: b"",
    ],
    ids=["truncated", "last byte lost", "a byte changed", "not an entry", "wrong type",
         "other schema", "bad dependencies", "empty"],
)  # fmt: skip
def test_a_damaged_replay_is_ignored_and_rewritten(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scans: Scans,
    damage: Callable[[bytes], bytes],
) -> None:
    root = _repo(tmp_path / "repo")
    argv = ("--root", str(root), "--format", "json")
    first = _run(capsys, *argv)
    (entry,) = (Path(os.environ["MLG_CACHE_DIR"]) / replay.FOLDER).rglob("*.replay")
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert _run(capsys, *argv) == first
    assert scans.count == 2
    assert entry.read_bytes() == good


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("seconds", [None, 0.04, 12.345])
def test_with_duration_is_the_duration_render_writes(color: bool, seconds: float | None) -> None:
    report = hostile_report()
    rendered = render_text(report, color=color, seconds=seconds)
    assert with_duration(render_text(report, color=color), seconds) == rendered
    if seconds is not None:
        assert rendered.splitlines()[-1].removesuffix("\033[0m").endswith(f"; {seconds:.1f} s")


SEEDED = """
import sys
from pathlib import Path
import license_db
from scanner import replay
from scanner.decide.policy import default_policy, load_policy
root = Path(sys.argv[1])
policy = load_policy(root, root / ".model-license-guard.toml", license_db.load())
print(replay.canonical({"default": default_policy(), "file": policy, "set": {"b", "a", "c"}}))
"""


def test_the_key_is_the_same_in_every_process(tmp_path: Path) -> None:
    """Sets and mappings print in an order that follows each process's string hashing: the
    key sorts them, so a new process finds the last one's output."""
    root = _repo(tmp_path / "repo")
    (root / ".model-license-guard.toml").write_text(
        '[licenses]\ndeny = ["llama3.1", "gemma", "mit"]\nallow = ["apache-2.0", "bsd-3-clause"]\n',
        encoding="utf-8",
    )
    written = {
        subprocess.run(
            [sys.executable, "-c", SEEDED, str(root)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "2", "3")
    }
    assert len(written) == 1
    assert "set('a', 'b', 'c')" in written.pop()


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("license_expression", r"license_expression-[\d.]+\.dist-info"),
        ("libcst", r"libcst-[\d.]+\.dist-info"),
        ("no_such_library_here", "absent"),
    ],
)
def test_the_key_names_the_installed_version_of_each_library(module: str, expected: str) -> None:
    assert re.fullmatch(expected, replay.installed(module))
