"""The scan's limits: files per scan and bytes per file, each reported when hit and raisable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner import scan
from scanner.cli import main
from scanner.find.discover import MAX_FILES, discover
from scanner.types import Unscanned

LOADS = (
    "from transformers import AutoModel\n"
    'AutoModel.from_pretrained("CohereForAI/c4ai-command-r-v01")\n'
)
TEXTS = {
    ".py": LOADS,
    ".yaml": "base_model: CohereForAI/c4ai-command-r-v01\n",
    ".json": '{"base_model": "CohereForAI/c4ai-command-r-v01"}\n',
}
NAMES = ["a.py", "b.yaml", "c/d.py", "c/e.json", "f.py"]
OVER = (
    "not scanned: over the limit of {limit:,} files per scan (5 to scan; raise it with --max-files)"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in NAMES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(TEXTS[Path(name).suffix], encoding="utf-8")
    return tmp_path


def scan_json(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["scan", "--root", str(root), "--format", "json", "--jobs", "1", *args])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("limit", "scanned"),
    [(1, ["a.py"]), (3, ["a.py", "b.yaml", "c/d.py"]), (5, NAMES), (MAX_FILES, NAMES)],
)
def test_discovery_keeps_the_first_files_in_path_order(
    repo: Path, limit: int, scanned: list[str]
) -> None:
    found = discover(repo, max_files=limit)
    assert [f.path for f in found.files] == scanned
    over = [(e.path, e.message, e.unscanned) for e in found.skipped]
    message = OVER.format(limit=limit)
    assert over == [(n, message, Unscanned.SKIPPED) for n in NAMES if n not in scanned]


def test_the_file_limit_is_reported_counted_and_fails_closed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = scan_json(repo, capsys, "--max-files", "2")
    assert code == 1
    assert sorted({f["path"] for f in report["findings"]}) == ["a.py", "b.yaml"]
    assert [(e["path"], e["message"]) for e in report["errors"]] == [
        (name, OVER.format(limit=2)) for name in NAMES[2:]
    ]
    assert report["totals"] == {"seen": 5, "scanned": 2, "skipped": 3, "unreadable": 0}


def test_raising_the_file_limit_scans_everything(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = scan_json(repo, capsys, "--max-files", "5")
    assert report["errors"] == []
    assert report["totals"] == {"seen": 5, "scanned": 5, "skipped": 0, "unreadable": 0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), None),
        (("--max-file-size", "95"), None),
        (("--max-file-size", "94"), "not scanned: 95 bytes is over the 94 byte limit"),
    ],
)
def test_the_size_limit_is_reported_and_raisable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str | None
) -> None:
    (tmp_path / "big.py").write_text(LOADS, encoding="utf-8")  # 95 bytes
    (tmp_path / "small.yaml").write_text("model: gpt2\n", encoding="utf-8")
    _, report = scan_json(tmp_path, capsys, *args)
    errors = [(e["path"], e["message"], e["unscanned"]) for e in report["errors"]]
    assert errors == ([] if message is None else [("big.py", message, "skipped")])
    assert ("big.py" in {f["path"] for f in report["findings"]}) is (message is None)


def test_a_file_over_the_default_size_limit_is_never_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (tmp_path / "huge.json").open("wb") as handle:  # sparse: costs no disk and no read
        handle.truncate(scan.MAX_READ_BYTES + 1)
    code, report = scan_json(tmp_path, capsys)
    size = f"{scan.MAX_READ_BYTES + 1:,} bytes is over the {scan.MAX_READ_BYTES:,} byte limit"
    assert [(e["path"], e["message"]) for e in report["errors"]] == [
        ("huge.json", f"not scanned: {size}")
    ]
    assert code == 1


@pytest.mark.parametrize("option", ["--max-files", "--max-file-size"])
@pytest.mark.parametrize("value", ["0", "-3", "many", "1.5"])
def test_a_limit_must_be_a_positive_integer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["scan", "--root", str(tmp_path), option, value])
    assert exited.value.code == 2
    assert f"not a positive integer: '{value}'" in capsys.readouterr().err
