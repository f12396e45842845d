"""The hash index (``scanner.stamps``): a recorded hash is trusted only while the file's status
is the one it was recorded with, and never for a file changed too recently (racy); a warm rescan
reads no file whose status is unchanged, and scans again for every edit, whatever timestamps it
restores."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scanner import replay, stamps
from scanner.cli import main
from scanner.find.cache import Probe, digest
from scanner.stamps import RACY_NS, HashIndex

TEXT = b'MODEL = "bert-base-uncased"\n'


def _later() -> int:
    """A moment long after every change the test has made (a read then is not racy)."""
    return time.time_ns() + 10 * RACY_NS


def _index(tmp_path: Path) -> HashIndex:
    return HashIndex(tmp_path / "cache", tmp_path / "repo", 1 << 30)


def _file(tmp_path: Path, data: bytes = TEXT) -> Path:
    path = tmp_path / "repo" / "m.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _note(index: HashIndex, path: Path, read_ns: int | None = None) -> None:
    data = path.read_bytes()
    read_ns = _later() if read_ns is None else read_ns
    index.note(path.name, os.stat(path), digest(data), len(data.decode()), read_ns)


def test_a_recorded_hash_is_trusted_while_the_status_is_unchanged(tmp_path: Path) -> None:
    path = _file(tmp_path)
    index = _index(tmp_path)
    _note(index, path)
    index.save()
    again = _index(tmp_path)  # as the next run reads it
    assert again.known("m.py", os.stat(path)) == (digest(TEXT), len(TEXT))


def _same_size_restored_times(path: Path) -> None:
    before = os.stat(path)
    time.sleep(0.02)  # past the change time's tick: an edit moves it, whatever is restored
    path.write_bytes(TEXT.replace(b"bert", b"BERT"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def _replaced_by_rename(path: Path) -> None:
    before = os.stat(path)
    other = path.with_suffix(".new")
    other.write_bytes(TEXT.replace(b"bert", b"BERT"))
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, path)


def _touched(path: Path) -> None:
    time.sleep(0.02)
    os.utime(path)


def _grown(path: Path) -> None:
    path.write_bytes(TEXT + b"# more\n")


@pytest.mark.parametrize(
    "change",
    [_same_size_restored_times, _replaced_by_rename, _touched, _grown],
    ids=["same size, modification time restored", "replaced by a rename", "touched", "grown"],
)
def test_a_changed_status_is_never_trusted(tmp_path: Path, change: Callable[[Path], None]) -> None:
    path = _file(tmp_path)
    index = _index(tmp_path)
    _note(index, path)
    change(path)
    assert index.known("m.py", os.stat(path)) is None


def test_a_racy_file_is_not_recorded(tmp_path: Path) -> None:
    """Changed less than RACY_NS before it was read: an edit in the same timestamp tick would
    keep its status, so its hash is not kept (the file is read again next time)."""
    path = _file(tmp_path)
    index = _index(tmp_path)
    _note(index, path, read_ns=os.stat(path).st_mtime_ns + 1)
    index.save()
    assert index.known("m.py", os.stat(path)) is None
    assert _index(tmp_path).known("m.py", os.stat(path)) is None
    assert set(index.racy) == {"m.py"}


@pytest.mark.parametrize(("edited", "recorded"), [(False, True), (True, False)])
def test_settle_records_a_racy_file_once_old_enough_if_unchanged(
    tmp_path: Path, edited: bool, recorded: bool
) -> None:
    path = _file(tmp_path)
    index = HashIndex(tmp_path / "cache", tmp_path / "repo", 1 << 30, clock=_later)
    _note(index, path, read_ns=os.stat(path).st_mtime_ns + 1)
    if edited:
        _same_size_restored_times(path)
    index.settle()
    index.save()
    found = _index(tmp_path).known("m.py", os.stat(path))
    assert found == ((digest(TEXT), len(TEXT)) if recorded else None)


@pytest.mark.parametrize(
    "stored",
    [
        b"not json",
        b'{"schema": 1, "root": "/elsewhere", "files": {}}',
        b'{"schema": 1, "root": "ROOT", "files": {"m.py": [1, 2, 3]}}',
        b'{"schema": 99, "root": "ROOT", "files": {}}',
    ],
    ids=["damaged", "another root", "a short entry", "another schema"],
)
def test_an_unexpected_index_is_ignored_and_rewritten(tmp_path: Path, stored: bytes) -> None:
    path = _file(tmp_path)
    index = _index(tmp_path)
    index.path.parent.mkdir(parents=True)
    index.path.write_bytes(stored.replace(b"ROOT", os.fsencode(tmp_path / "repo")))
    assert index.entries() == {}
    _note(index, path)
    index.save()
    assert json.loads(index.path.read_bytes())["files"]["m.py"][5] == digest(TEXT)


# -- through the command line ----------------------------------------------------------------

REPO = {
    "consts.py": 'MODEL = "meta-llama/Llama-3.1-8B"\n',
    "main.py": "from transformers import AutoModel\nfrom consts import MODEL\n"
    "AutoModel.from_pretrained(MODEL)\n",
}


def _repo(root: Path) -> Path:
    for name, text in REPO.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _scan(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> str:
    main(["scan", "--root", str(root), "--format", "json", *extra])
    return capsys.readouterr().out


class Reads:
    """Counts the files whose hash had to be read for a scan's replay key (the index did not
    know them)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = replay.chars

        def counted(data: bytes) -> int:
            self.count += 1
            return real(data)

        monkeypatch.setattr(replay, "chars", counted)


def test_a_warm_rescan_reads_no_file_whose_status_is_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stamps, "RACY_NS", 0)  # files written just now count as old
    reads = Reads(monkeypatch)
    root = _repo(tmp_path / "repo")
    time.sleep(0.02)  # a tick after the files were written
    first = _scan(capsys, root)
    read = reads.count
    assert read >= len(REPO)  # the planned files (and the tool's own, once per process)
    assert _scan(capsys, root) == first
    assert reads.count == read  # every hash came from the index


@pytest.mark.parametrize("racy", [True, False], ids=["racy", "recorded"])
def test_an_edit_that_restores_size_and_modification_time_scans_again(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    racy: bool,
) -> None:
    """Racy: edited right after the scan that read it, in the same tick (its hash was never
    recorded). Recorded: edited later, with the modification time put back (the change time
    moves). Either way the next scan shows what a fresh scan shows."""
    if not racy:
        monkeypatch.setattr(stamps, "RACY_NS", 0)
    root = _repo(tmp_path / "repo")
    time.sleep(0.02)
    first = _scan(capsys, root)
    consts = root / "consts.py"
    before = os.stat(consts)
    if not racy:
        time.sleep(0.02)
    consts.write_text('MODEL = "meta-llama/Llama-3.2-1B"\n', encoding="utf-8")  # same size
    os.utime(consts, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(consts).st_size == before.st_size
    again = _scan(capsys, root)
    assert again != first
    assert again == _scan(capsys, root, "--no-cache")


PATHS = [
    "a/b/c.py", "a/b", "a/b/", "a/missing.py", "missing/c.py", "a/b/c.py/x", "link/c.py", "a/link",
    "a/link/c.py", "a/b/../b/c.py", "", "/abs", "a//b", "a\\b", "inner/c.py", "out/x.py",
]  # fmt: skip


def test_the_probe_answers_path_checks_as_the_extraction_cache_does(tmp_path: Path) -> None:
    """The replay's probe works out each folder once; every answer is ``Probe``'s."""
    root = tmp_path / "repo"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "c.py").write_text("x = 1\n", encoding="utf-8")
    (root / "link").symlink_to(root / "a" / "b", target_is_directory=True)
    (root / "a" / "link").symlink_to(root / "a" / "b", target_is_directory=True)
    (root / "inner").symlink_to("a/b")
    (tmp_path / "out").mkdir()
    (root / "out").symlink_to(tmp_path / "out", target_is_directory=True)
    mine = replay.IndexedProbe(root, HashIndex(tmp_path / "cache", root, 1 << 30))
    theirs = Probe(root)
    for rel in PATHS:
        assert mine._listed(rel) == theirs._listed(rel), rel
        for folder in (False, True):
            assert mine.path(rel, folder) == theirs.path(rel, folder), (rel, folder)
        if not theirs.path(rel, True):  # (reading a folder's text raises in RepoContext)
            assert mine.text(rel) == theirs.text(rel), rel


def test_first_run_is_the_run_of_an_empty_index(tmp_path: Path) -> None:
    """A root's first run (nothing recorded before it) looks entries up by bytes only: notes
    made during the run do not make it a later run; the next run's index does."""
    path = _file(tmp_path)
    index = _index(tmp_path)
    assert index.first_run()
    _note(index, path)
    assert index.first_run()  # recorded during this run: still its first
    index.save()
    assert not _index(tmp_path).first_run()
    assert not Probe(tmp_path / "repo").first_run()  # no index: every lookup is tried
