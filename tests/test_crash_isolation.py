"""A parser crash, hang or memory blow-up on one file never ends the scan (real CLI, subprocess).

The worker honours ``MLG_TEST_WORKER_FAULT=KIND:NAME`` (tests only): it crashes on the file
whose path ends with NAME, as a real native parser crash would. The crashed file is reported
with the reason, its literal ids are still found by the fallback tokenizer, every other
finding stays and the exit code fails the scan (a file could not be parsed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.find import isolate

LOADER = "from transformers import AutoModel\n"
GOOD = LOADER + 'AutoModel.from_pretrained("google-bert/bert-base-uncased")\n'
BAD = LOADER + 'MODEL = "gpt2"\nAutoModel.from_pretrained("openai-community/gpt2")\n'


def _repo(root: Path, fillers: int) -> Path:
    root.mkdir()
    (root / "good.py").write_text(GOOD)
    (root / "bad.py").write_text(BAD)
    for n in range(fillers):  # enough files for the pool of many workers
        (root / f"filler_{n}.py").write_text(f"X = {n}\n")
    return root


def _scan(root: Path, args: list[str], env: dict[str, str]) -> tuple[int, dict[str, object]]:
    command = [sys.executable, "-m", "scanner", "scan", "--root", str(root), "--format", "json",
               "--no-cache", *args]  # fmt: skip
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **env}, timeout=300
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


MODES = {  # name: (filler files, CLI arguments beyond the root)
    "one file": (0, ["bad.py"]),
    "a few files": (3, []),
    "many files": (60, ["--jobs", "2"]),
    "many files, --jobs 1": (60, ["--jobs", "1"]),
}
FAULTS = {  # kind: (environment, reason reported)
    "segv": ({}, "the parser crashed (SIGSEGV)"),
    "abort": ({}, "the parser crashed (SIGABRT)"),
    "exit": ({}, "the parser's process ended unexpectedly (exit status 3)"),
    "spin": ({"MLG_WORKER_CPU_SECONDS": "1"}, "abandoned: over the 1 s CPU budget per file"),
    "memory": ({"MLG_WORKER_MEMORY_MB": "1024"}, "ran out of memory (over the 1024 MB"),
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("mode", MODES)
def test_a_crashing_file_is_reported_and_every_other_finding_stays(
    tmp_path: Path, mode: str, fault: str
) -> None:
    fillers, args = MODES[mode]
    env, reason = FAULTS[fault]
    root = _repo(tmp_path / "repo", fillers)
    paths = [str(root / a) if a.endswith(".py") else a for a in args]
    code, report = _scan(root, paths, {**env, isolate.TEST_FAULT_ENV: f"{fault}:bad.py"})
    found = sorted((f["path"], f["model"], f["confidence"]) for f in report["findings"])
    expected = [("bad.py", "openai-community/gpt2", "low")]
    if mode != "one file":
        expected.append(("good.py", "google-bert/bert-base-uncased", "high"))
    assert found == expected
    (error,) = report["errors"]
    assert error["path"] == "bad.py"
    assert error["message"].startswith(reason)
    assert error["message"].endswith("searched by the fallback tokenizer")
    assert code == 1  # a file could not be parsed: the default policy fails the scan


HOSTILE = {  # a few KB each: each crashes or exhausts libcst's native parser when given to it
    "nested parentheses": "x = " + "(" * 2000 + "1" + ")" * 2000 + "\n",
    "nested calls": "x = " + "f(" * 2000 + ")" * 2000 + "\n",
    "long and-chain": "x = " + " and ".join(["a"] * 8000) + "\n",
    "nested brackets": "x = " + "[" * 1000 + "]" * 1000 + "\n",
    "unary minus": "x = " + "-" * 10000 + "1\n",
}


@pytest.mark.parametrize("shape", HOSTILE)
@pytest.mark.parametrize("mode", ["one file", "a few files", "many files, --jobs 1"])
def test_hostile_shapes_never_end_the_scan(tmp_path: Path, shape: str, mode: str) -> None:
    fillers, args = MODES[mode]
    root = _repo(tmp_path / "repo", fillers)
    (root / "bad.py").write_text(BAD + HOSTILE[shape])
    paths = [str(root / a) if a.endswith(".py") else a for a in args]
    code, report = _scan(root, paths, {})
    found = {(f["path"], f["model"]) for f in report["findings"]}
    assert ("bad.py", "openai-community/gpt2") in found
    assert (mode == "one file") or ("good.py", "google-bert/bert-base-uncased") in found
    assert [e["path"] for e in report["errors"]] == ["bad.py"]
    assert code == 1


def test_a_clean_file_importing_from_a_crashing_module_is_reported(tmp_path: Path) -> None:
    """The crash happens while the clean file's values are resolved in another module."""
    root = _repo(tmp_path / "repo", 0)
    (root / "uses.py").write_text(
        LOADER + "from bad import MODEL\nAutoModel.from_pretrained(MODEL)\n"
    )
    code, report = _scan(root, [str(root / "uses.py")], {isolate.TEST_FAULT_ENV: "segv:uses.py"})
    (error,) = report["errors"]
    assert error["path"] == "uses.py"
    assert "(or a module it imports)" in error["message"]
    assert code == 1
