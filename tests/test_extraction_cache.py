"""The extraction cache: valid only while its inputs hold, bad entries rewritten."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from extracted import extractions, write_tree

from scanner import replay
from scanner.cli import main
from scanner.context import RepoContext
from scanner.find import cache as cache_mod
from scanner.find import cache_codec, change
from scanner.find.cache import Dependencies, ExtractionCache, Probe
from scanner.find.discover import SourceFile
from scanner.scan import content_hashes, extract_all
from scanner.types import (
    Confidence,
    Extraction,
    FileError,
    ModelRef,
    RefKind,
    SourceKind,
    UnresolvedRef,
    Unscanned,
)

LOADER = "from transformers import AutoModel\n"


def _models(root: Path, capsys: pytest.CaptureFixture[str], *paths: str) -> list[tuple]:
    """(path, line, model) of every finding of a scan of ``paths`` (all files when none)."""
    targets = [str(root / p) for p in paths] or [str(root)]
    main(["scan", "--root", str(root), "--format", "json", "--exit-zero", *targets])
    report = json.loads(capsys.readouterr().out)
    return [(f["path"], f["line"], f["model"]) for f in report["findings"]]


def _entries(folder: Path) -> list[Path]:
    """The extraction entries (not the replays of whole scans beside them, the module lists
    searches read, or the entries that name an entry by a file's code hash or as the version
    of a path last extracted)."""
    found = (folder / f"v{cache_mod.CACHE_SCHEMA}").glob("??/*.json")
    return sorted(
        p
        for p in found
        if not p.name.startswith(".tmp-")
        and f'"content":"{cache_mod.CODE_KEY}' not in p.read_text()
        and f'"content":"{cache_mod.LAST_KEY}' not in p.read_text()
    )


# -- cross-module dependencies: change only the other module ---------------------------------

IMPORTED = {
    "consts.py": 'MODEL = "bert-base-uncased"\n',
    "main.py": LOADER + "from consts import MODEL\nAutoModel.from_pretrained(MODEL)\n",
}
CALLED = {
    "helpers.py": LOADER + "def load(name):\n    return AutoModel.from_pretrained(name)\n",
    "app.py": 'from helpers import load\nload("google-bert/bert-base-cased")\n',
}


@pytest.mark.parametrize(
    ("files", "scanned", "edit", "before", "after"),
    [
        # a value imported from another module: the importer's finding follows the constant
        (IMPORTED, "main.py", {"consts.py": 'MODEL = "gpt2"\n'},
         [("main.py", 3, "bert-base-uncased")], [("main.py", 3, "gpt2")]),
        # a parameter whose value only a caller in another module passes: the loader's module
        # finds it (reported at the caller), so its cached extraction follows the caller's text
        (CALLED, "", {"app.py": 'from helpers import load\nload("gpt2")\n'},
         [("app.py", 2, "google-bert/bert-base-cased")], [("app.py", 2, "gpt2")]),
        # a new caller appears in a module that did not exist (the cross-module search)
        (CALLED, "", {"more.py": 'from helpers import load\nload("gpt2")\n'},
         [("app.py", 2, "google-bert/bert-base-cased")],
         [("app.py", 2, "google-bert/bert-base-cased"), ("more.py", 2, "gpt2")]),
        # the imported module disappears: the value is no longer known
        (IMPORTED, "main.py", {"consts.py": None}, [("main.py", 3, "bert-base-uncased")], []),
    ],
)  # fmt: skip
def test_a_change_to_another_module_changes_the_cached_file_s_findings(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    scanned: str,
    edit: dict[str, str | None],
    before: list[tuple],
    after: list[tuple],
) -> None:
    root = write_tree(tmp_path / "repo", files)
    paths = [scanned] if scanned else []  # "": the whole repository
    assert _models(root, capsys, *paths) == before
    assert _models(root, capsys, *paths) == before  # from the cache
    for name, text in edit.items():
        if text is None:
            (root / name).unlink()
        else:
            write_tree(root, {name: text})
    assert _models(root, capsys, *paths) == after
    assert _models(root, capsys, scanned) == after


def test_an_unchanged_tree_is_not_extracted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "repo", {**IMPORTED, **CALLED, "other.txt": "x\n"})
    files = [SourceFile(name, SourceKind.PYTHON) for name in (*IMPORTED, *CALLED)]
    cache = ExtractionCache(tmp_path / "cache", "salt")
    with extractions(monkeypatch) as extracted:
        first = extract_all(root, files, 1, cache)
        second = extract_all(root, files, 1, cache)
        write_tree(root, {"consts.py": 'MODEL = "gpt2"\n'})
        third = extract_all(root, files, 1, cache)
    assert first == second != third
    everything = ["consts.py", "main.py", "helpers.py", "app.py"]
    assert extracted == [everything, ["consts.py", "main.py"]]  # the second scan: no workers


# -- bad entries, options, folder ---------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "",  # empty
        lambda text: "\x00\xff garbage",  # not JSON
        lambda text: "[]",  # JSON, not an entry
        lambda text: text.replace('"schema":1', '"schema":99'),  # another schema
        lambda text: text.replace('"line":3', '"line":"3"'),  # a field of the wrong type
        lambda text: text.replace('"kind":"huggingface"', '"kind":"martian"'),  # unknown enum
        lambda text: text.replace('"line":3', '"line":3,"extra":1'),  # an unknown field
        lambda text: text.replace('"texts":[', '"texts":[[1,2],'),  # bad dependencies
        lambda text: "[" * 100_000 + "]" * 100_000,  # nesting JSON cannot read
    ],
)
def test_a_corrupt_entry_is_ignored_and_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage
) -> None:  # type: ignore[no-untyped-def]
    root = write_tree(tmp_path / "repo", IMPORTED)
    folder = Path(os.environ["MLG_CACHE_DIR"])
    expected = _models(root, capsys)
    (entry,) = [p for p in _entries(folder) if '"path":"main.py"' in p.read_text()]
    good = entry.read_text()
    entry.write_text(damage(good), encoding="utf-8", errors="surrogateescape")
    shutil.rmtree(folder / replay.FOLDER)  # else the whole scan is replayed, nothing extracted
    assert _models(root, capsys) == expected
    assert entry.read_text() == good  # rewritten


def test_no_cache_writes_nothing_and_cache_dir_moves_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "repo", IMPORTED)
    default = Path(os.environ["MLG_CACHE_DIR"])
    main(["scan", "--root", str(root), "--no-cache", "--exit-zero", str(root)])
    assert _entries(default) == []
    moved = tmp_path / "elsewhere"
    main(["scan", "--root", str(root), "--cache-dir", str(moved), "--exit-zero", str(root)])
    assert [p.parent.parent.parent for p in _entries(moved)] == [moved, moved]
    assert _entries(default) == []
    capsys.readouterr()


def test_a_cache_folder_inside_the_repository_is_not_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(tmp_path / "repo", IMPORTED)
    main(["scan", "--root", str(root), "--cache-dir", str(root / "c"), "--exit-zero", str(root)])
    assert not (root / "c").exists()
    assert "is inside the repository: not used" in capsys.readouterr().err


def test_the_default_folder_is_the_user_cache() -> None:
    env = {"XDG_CACHE_HOME": "/x/cache"}
    assert cache_mod.cache_dir(env) == Path("/x/cache/model-license-guard/extractions")
    assert cache_mod.cache_dir({**env, "MLG_CACHE_DIR": "/y"}) == Path("/y")
    assert cache_mod.cache_dir(env, Path("/z")) == Path("/z")


def test_the_salt_changes_with_the_database_data(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"files": {"models.json": "aa"}}')
    first = cache_mod.salt("2026.01.01", manifest)
    assert cache_mod.salt("2026.01.01", manifest) == first
    assert cache_mod.salt("2026.01.02", manifest) != first
    manifest.write_text('{"files": {"models.json": "bb"}}')
    assert cache_mod.salt("2026.01.01", manifest) != first


def test_the_oldest_entries_go_when_the_cache_is_over_its_cap(tmp_path: Path) -> None:
    cache = ExtractionCache(tmp_path, "salt")
    files = [SourceFile(f"m{n}.py", SourceKind.PYTHON) for n in range(8)]
    for age, file in enumerate(files):
        cache.put(file, "c", Extraction(), Dependencies())
        (entry,) = [p for p in _entries(tmp_path) if file.path in p.read_text()]
        os.utime(entry, (1_000_000 + age, 1_000_000 + age))
    size = sum(p.stat().st_size for p in _entries(tmp_path))
    stale = cache.folder / "00" / ".tmp-left-behind.json"
    stale.parent.mkdir(exist_ok=True)
    stale.write_text("{")
    os.utime(stale, (1_000_000, 1_000_000))
    cache_mod.evict(cache.folder, size // 2)
    kept = sorted(json.loads(p.read_text())["path"] for p in _entries(tmp_path))
    assert kept == ["m5.py", "m6.py", "m7.py"]  # at most 3/4 of the cap, newest kept
    assert not stale.exists()


def test_two_runs_at_once_share_the_cache(tmp_path: Path) -> None:
    files = {f"pkg/m{n}.py": LOADER + f'AutoModel.from_pretrained("org/m{n}")\n' for n in range(60)}
    root = write_tree(tmp_path / "repo", files)
    command = [sys.executable, "-m", "scanner", "scan", "--root", str(root), "--format", "json",
               "--exit-zero", str(root)]  # fmt: skip
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate()[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    again = subprocess.run(command, stdout=subprocess.PIPE, check=True).stdout
    assert outputs[0] == outputs[1] == again
    assert len(json.loads(again)["findings"]) == 60


# -- the entry codec ------------------------------------------------------------------------

FULL = Extraction(
    refs=(
        ModelRef("a.py", 3, 5, RefKind.HUGGINGFACE, "org/x", "py.from_pretrained",
                 SourceKind.PYTHON),
        ModelRef("b.ipynb", 1, 1, RefKind.API, "gpt-4o", "py.openai", SourceKind.NOTEBOOK,
                 cell=2, confidence=Confidence.LOW, provider="openai", via="M at a.py:1"),
    ),
    unresolved=(UnresolvedRef("a.py", 4, 1, "args.model", "py.from_pretrained",
                              SourceKind.PYTHON, reason="a parameter", suppressed="baseline"),),
    errors=(FileError("a.py", "syntax error", 7), FileError("c.py", "big", internal=True,
                                                             unscanned=Unscanned.SKIPPED)),
)  # fmt: skip


@pytest.mark.parametrize("extraction", [Extraction(), FULL])
def test_the_codec_round_trips_every_field(extraction: Extraction) -> None:
    data = json.loads(json.dumps(cache_codec.encode(extraction)))
    assert cache_codec.decode(data) == extraction


@pytest.mark.parametrize(
    "within", [frozenset(), frozenset({"a.py"}), frozenset({"b.ipynb"}), frozenset({"c.py"})]
)
def test_the_codec_reads_back_what_is_in_some_files_and_every_error(
    within: frozenset[str],
) -> None:
    data = json.loads(json.dumps(cache_codec.encode(FULL)))
    assert cache_codec.decode(data, within) == change.narrowed(FULL, within)


def test_a_probe_answers_like_the_repository(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a/b.py": "x\n"})
    (tmp_path / "link").symlink_to("/")
    probe = Probe(root)
    probes = ("a", "a/b.py", "a/c.py", "x/y.py", "a/", "link", "../a", "")
    answers = [(rel, probe.path(rel, False), probe.path(rel, True)) for rel in probes]
    assert answers == [("a", True, True), ("a/b.py", True, False), ("a/c.py", False, False),
                       ("x/y.py", False, False), ("a/", True, True), ("link", False, False),
                       ("../a", False, False), ("", False, False)]  # fmt: skip


def test_the_probe_s_module_list_is_the_extractor_s() -> None:
    """``Probe.universe`` lists modules by the same rule as the extractor's searches."""
    from scanner.find.extractors.python import repo

    assert cache_mod.MAX_MODULE_CHARS == repo.MAX_MODULE_BYTES


def test_the_probe_hashes_the_modules_as_a_worker_does(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {**IMPORTED, **CALLED, "big.py": "x" * 1_500_001,
                                     "bad.py": "", "sub/c.py": "Y = 1\n"})  # fmt: skip
    (root / "bad.py").write_bytes(b"\xff\xfe not UTF-8")
    cache_mod.forget_previous_run()
    worker = cache_mod.universe(RepoContext(root))
    cold = Probe(root)
    warm = Probe(root)
    for name in ("main.py", "big.py", "bad.py"):
        warm.preload(name, (root / name).read_bytes())
    assert cold.universe() == warm.universe() == worker
    write_tree(root, {"sub/c.py": "Y = 2\n"})
    cache_mod.forget_previous_run()  # a new run
    assert Probe(root).universe() != worker


def test_a_cold_run_keeps_no_file_bytes_for_later_checks(tmp_path: Path) -> None:
    """Bytes read for the keys are kept only for files with an entry (a warm run checks them);
    a cold run's workers fork without them."""
    root = tmp_path / "repo"
    root.mkdir()
    files = [SourceFile(name, SourceKind.PYTHON) for name in ("a.py", "b.py")]
    for file in files:
        (root / file.path).write_text(f"# {file.path}\n")
    cache = ExtractionCache(tmp_path / "cache", "salt")
    probe = Probe(root)
    contents = content_hashes(root, files, probe, keep=cache.has)
    assert probe.loaded == {}
    assert contents[0] is not None
    cache.put(files[0], contents[0], Extraction(), Dependencies())
    probe = Probe(root)
    content_hashes(root, files, probe, keep=cache.has)
    assert list(probe.loaded) == ["a.py"]
