"""Bad input never stops a scan and never hides a finding elsewhere (core issue, point 6)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from scanner.cli import main
from scanner.find.extractors import EXTRACTORS
from scanner.types import SourceKind

LOADER = "from transformers import AutoModel\n"

FILES: dict[str, bytes] = {
    "good.py": (LOADER + 'm = AutoModel.from_pretrained("bert-base-uncased")\n').encode(),
    "syntax.py": (
        LOADER + 'm = AutoModel.from_pretrained("google/gemma-2b")\ndef broken(:\n'
    ).encode(),
    "latin1.py": LOADER.encode() + b"# caf\xe9\n" + b'AutoModel.from_pretrained("gpt2")\n',
    "binary.py": b"\x7fELF\x00\x01\x02\x00 from_pretrained",
    "empty.py": b"",
    "big.py": (
        LOADER + "X = 1\n" * 300_000 + 'AutoModel.from_pretrained("meta-llama/Llama-2-7b-hf")\n'
    ).encode(),
    "notebooks/broken.ipynb": b'{"cells": [ {"cell_type": "code", ',
    "configs/bad.yaml": b"base_model: mistralai/Mistral-7B-v0.1\nlist: [a, b\nother: 1\n",
    "configs/good.yaml": b"base_model: mistralai/Mistral-7B-v0.1\n",
    "requirements.txt": b"transformers>=4\nthis is not a requirement ===\nen_core_web_sm\n",
}


@pytest.fixture
def broken_repo(tmp_path: Path) -> Path:
    for name, data in FILES.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return tmp_path


def _scan_json(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["scan", "--root", str(root), "--format", "json", str(root)])
    return code, json.loads(capsys.readouterr().out)


def test_every_broken_file_is_reported_and_healthy_findings_survive(
    broken_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _scan_json(broken_repo, capsys)
    findings = report["findings"]
    assert isinstance(findings, list)
    found = [(f["path"], f["line"], f["model"], f.get("confidence")) for f in findings]
    assert found == [
        ("big.py", 300_002, "meta-llama/Llama-2-7b-hf", "low"),
        ("configs/good.yaml", 1, "mistralai/Mistral-7B-v0.1", "high"),
        ("good.py", 2, "bert-base-uncased", "high"),
        ("latin1.py", 3, "gpt2", "high"),
        ("requirements.txt", 3, "en_core_web_sm", "high"),
        ("syntax.py", 2, "google/gemma-2b", "low"),
    ]
    errors = report["errors"]
    assert isinstance(errors, list)
    by_path = {(e["path"], e.get("line")): e["message"] for e in errors}
    assert sorted(by_path) == sorted(
        [
            ("big.py", None),
            ("binary.py", None),
            ("configs/bad.yaml", 3),
            ("latin1.py", 2),
            ("notebooks/broken.ipynb", 1),
            ("requirements.txt", 2),
            ("syntax.py", 3),
        ]
    )
    assert "binary" in by_path[("binary.py", None)]
    assert "UTF-8" in by_path[("latin1.py", 2)]
    assert "fallback" in by_path[("big.py", None)]
    unscanned = {e["path"]: e.get("unscanned") for e in errors if e.get("unscanned")}
    assert unscanned == {"binary.py": "skipped"}
    assert report["totals"] == {"seen": 10, "scanned": 9, "skipped": 1, "unreadable": 0}
    # the one file that could not be scanned fails closed (on.unscanned = "fail" by default);
    # the broken but scanned files are no failure, and none is an internal error
    assert code == 1


def test_internal_error_fails_closed(
    broken_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(path: str, text: str, ctx: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setitem(EXTRACTORS, SourceKind.PYTHON, (explode,))  # workers are forked: seen
    code, report = _scan_json(broken_repo, capsys)
    assert code == 2
    errors = report["errors"]
    assert isinstance(errors, list)
    internal = [e for e in errors if "internal error" in e["message"]]
    assert {e["path"] for e in internal} == {"good.py", "latin1.py", "syntax.py", "empty.py"}
    assert "RuntimeError: boom" in internal[0]["message"]
    # the other kinds of file were still scanned
    assert ("configs/good.yaml", "mistralai/Mistral-7B-v0.1") in {
        (f["path"], f["model"])
        for f in report["findings"]  # type: ignore[union-attr]
    }


def _unreadable(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Opening files with these names fails with EACCES (as for another user's file)."""
    real_open = os.open

    def guarded(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(os.fsdecode(path)).name in names:  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", guarded)


@pytest.mark.parametrize(
    ("policy", "code", "level"),
    [
        ("", 1, "fail"),
        ('[on]\nunscanned = "warn"\n', 0, "warn"),
        ('[on]\nunscanned = "pass"\n', 0, "pass"),
    ],
)
def test_an_unreadable_file_fails_closed_unless_the_policy_says_otherwise(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    policy: str,
    code: int,
    level: str,
) -> None:
    (tmp_path / "good.py").write_bytes(FILES["good.py"])
    (tmp_path / "secret.py").write_text(
        LOADER + 'AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")\n', encoding="utf-8"
    )
    if policy:
        (tmp_path / ".model-license-guard.toml").write_text(policy, encoding="utf-8")
    _unreadable(monkeypatch, "secret.py")
    got, report = _scan_json(tmp_path, capsys)
    assert [f["model"] for f in report["findings"]] == ["bert-base-uncased"]
    errors = report["errors"]
    assert [(e["path"], e["unscanned"]) for e in errors] == [("secret.py", "unreadable")]  # type: ignore[index,union-attr]
    assert "Permission denied" in errors[0]["message"]  # type: ignore[index]
    assert (report["unscanned_verdict"], got) == (level, code)
    assert report["totals"] == {"seen": 2, "scanned": 1, "skipped": 0, "unreadable": 1}
