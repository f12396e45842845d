"""The pre-commit case with the cache: a module read for lookups is checked by its code, and
cross-module searches are checked again only where modules changed; the output always equals
a scan without the cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from extracted import edited, extractions, flat, write_tree

from scanner.find import cache as cache_mod
from scanner.find import codehash, searches
from scanner.find.cache import ExtractionCache, Probe
from scanner.find.discover import SourceFile
from scanner.scan import extract_all
from scanner.types import Extraction, SourceKind

LOADER = "from transformers import AutoModel\n"
CONSTS = '# the models\nMODEL = "bert-base-uncased"  # the default\nOTHER = (\n    "gpt2"  # c\n)\n'
FILES = {
    "consts.py": CONSTS,
    "main.py": LOADER + "from consts import MODEL\nAutoModel.from_pretrained(MODEL)\n",
    "helpers.py": LOADER + "def load(name):\n    return AutoModel.from_pretrained(name)\n",
    "app.py": 'from helpers import load\nload("google-bert/bert-base-cased")\n',
}


# -- the code hash --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "same"),
    [
        ("x = 1\n", "x = 1\n\n# edited by a commit\n", True),  # comments appended at the end
        ("x = 1\n# old\ny = 2\n", "x = 1\n# new, longer\ny = 2\n", True),  # a comment line
        ("x = 1  # old\n", "x = 1  # new\n", True),  # a comment after a statement
        ("x = 1\n", "x = 1   \n\n\n", True),  # whitespace at the end
        ("def f():\n    # a\n    return 1\n", "def f():\n    # b\n    return 1\n", True),
        ("x = 1\ny = 2\n", "x = 1\n# inserted\ny = 2\n", False),  # a line moves every line after
        ("x = (1,  # a\n     2)\n", "x = (1,  # b\n     2)\n", False),  # inside brackets: quoted
        ('s = "# a"\n', 's = "# b"\n', False),  # a string, not a comment
        ('s = """\n# a\n"""\n', 's = """\n# b\n"""\n', False),
        ("x = 1\n", "x = 2\n", False),
        ("# a\rM = 1\n", "# a\rM = 2\n", False),  # a carriage return ends a comment
    ],
)
def test_the_code_hash_ignores_only_the_comments_outside_brackets(
    before: str, after: str, same: bool
) -> None:
    assert (codehash.code_digest(before) == codehash.code_digest(after)) is same


def test_the_lexer_finds_the_comments_python_s_tokenizer_finds() -> None:
    """The regular-expression lexer (Python < 3.12) and the tokenizer agree on real code."""
    sources = sorted(Path(cache_mod.__file__).parents[1].rglob("*.py"))
    texts = [path.read_text(encoding="utf-8") for path in sources]
    texts += ["x = {  # a\n 'k': [1,  # b\n ]}  # c\n", "f'{x}'  # c\n", "s = '''#'''  # c\n"]
    for text in texts:
        assert list(codehash._lexed(text)) == list(codehash._tokenized(text))


@pytest.mark.skipif(sys.version_info < codehash.TOKENIZE_FROM, reason="f-strings nest from 3.12")
def test_a_hash_in_a_string_inside_an_f_string_is_not_a_comment() -> None:
    """From Python 3.12 an f-string's replacement field may hold a string in the same quotes:
    the tokenizer, not the regular expression, finds the comments there."""
    assert codehash.without_free_comments('f"{x + "#"}"  # c\n') == 'f"{x + "#"}"'


# -- which files are extracted again --------------------------------------------------------


def _extracted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: dict[str, str | None]
) -> tuple[list[str], bool, list[Extraction]]:
    """The files extracted again after ``edit`` (the cache filled before), and whether every
    extraction equals one without the cache."""
    extracted, warm, cold = edited(tmp_path, monkeypatch, FILES, edit)
    return extracted, warm == cold, warm


@pytest.mark.parametrize(
    ("edit", "again"),
    [
        # comments and blank lines: the file and its importers are served from the cache
        ({"consts.py": CONSTS + "\n# edited\n"}, []),
        ({"consts.py": CONSTS.replace("# the default", "# a better one")}, []),
        ({"helpers.py": FILES["helpers.py"] + "# edited\n"}, []),
        # the code: every file that read it is extracted again
        ({"consts.py": CONSTS.replace("bert-base-uncased", "gpt2")}, ["consts.py", "main.py"]),
        ({"consts.py": CONSTS.replace("bert-base-uncased\"  # the", "bert-base-uncased\"  # a")},
         []),  # a comment after the statement read: outside its brackets
        # in brackets, but of a statement main.py's lookup did not read (``slices``)
        ({"consts.py": CONSTS.replace("# c", "# d")}, ["consts.py"]),
        ({"consts.py": "\n" + CONSTS}, []),  # every line moves, no statement changed: ``shift``
        ({"consts.py": CONSTS + "x = (\n"}, ["consts.py", "main.py"]),  # no longer parses
        # a caller's module: the loader's module found the caller's value there
        ({"app.py": FILES["app.py"] + "# edited\n"}, []),
        ({"app.py": FILES["app.py"].replace("load(", "load(  # c\n")}, ["helpers.py", "app.py"]),
        ({"app.py": 'from helpers import load\nload("gpt2")\n'}, ["helpers.py", "app.py"]),
    ],
)  # fmt: skip
def test_a_file_is_extracted_again_only_when_the_code_it_read_changed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: dict[str, str | None],
    again: list[str],
) -> None:
    extracted, same, _ = _extracted(tmp_path, monkeypatch, edit)
    assert sorted(extracted) == sorted(again)
    assert same


@pytest.mark.parametrize("damage", ["", "{", '{"schema":1}', "[" * 100_000])
def test_a_damaged_entry_naming_a_file_s_code_means_an_extraction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    root = write_tree(tmp_path / "repo", dict(FILES))
    files = [SourceFile(name, SourceKind.PYTHON) for name in FILES]
    cache = ExtractionCache(tmp_path / "cache", "salt")
    extract_all(root, files, 1, cache)
    named = [p for p in cache.folder.glob("??/*.json") if cache_mod.CODE_KEY in p.read_text()]
    assert len(named) == len(FILES)  # one per file, none of them with a problem
    last = [p for p in cache.folder.glob("??/*.json") if cache_mod.LAST_KEY in p.read_text()]
    assert len(last) == len(FILES)  # each file's version last extracted (``shift``)
    for entry in named + last:
        entry.write_text(damage)
    with extractions(monkeypatch) as runs:
        write_tree(root, {"consts.py": CONSTS + "# edited\n"})
        warm = extract_all(root, files, 1, cache)
    assert flat(runs) == ["consts.py"]
    assert warm == extract_all(root, files, 1, None)


def test_the_importer_s_finding_follows_the_constant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit = {"consts.py": CONSTS.replace("bert-base-uncased", "gpt2")}
    _, same, warm = _extracted(tmp_path, monkeypatch, edit)
    raws = [(ref.path, ref.line, ref.raw) for e in warm for ref in e.refs if ref.path == "main.py"]
    assert same
    assert raws == [("main.py", 3, "gpt2")]


# -- cross-module searches checked again where modules changed ------------------------------


@pytest.mark.parametrize(
    "edit",
    [
        {"more.py": 'from helpers import load\nload("gpt2")\n'},  # a new caller
        {"app.py": None},  # the caller deleted
        {"app.py": "import helpers\n"},  # no longer calls
        {"other.py": "# load(\n"},  # a module that matches the search by its text only
        {"consts.py": CONSTS + "# load\n"},
    ],
)
def test_a_search_checked_module_by_module_finds_what_a_full_search_finds(
    tmp_path: Path, edit: dict[str, str | None]
) -> None:
    root = write_tree(tmp_path / "repo", dict(FILES))
    files = [SourceFile(name, SourceKind.PYTHON) for name in FILES]
    cache = ExtractionCache(tmp_path / "cache", "salt")
    extract_all(root, files, 1, cache)
    entries = [json.loads(p.read_text()) for p in (tmp_path / "cache").rglob("*.json")]
    recorded = [cache_mod.dependencies_from_json(e["deps"]) for e in entries if "deps" in e]
    searched = [deps for deps in recorded if deps.searches]
    assert searched  # helpers.py searched the repository for callers of load
    assert list(cache.manifests.folder.glob("*.json"))  # and the module list was kept
    write_tree(root, edit)
    cache_mod.forget_previous_run()
    by_module = Probe(root, cache.manifests)
    cache_mod.forget_previous_run()
    full = Probe(root)
    for deps in searched:
        assert deps.universe != full.universe()
        assert by_module.searched(deps) == full.searched(deps)
        before = cache.manifests.get(deps.universe or "")
        assert before is not None
        for word, pattern, found in deps.searches:
            matches = by_module._matcher(word, pattern)
            again = searches.found_again(by_module.modules, before, found, matches)
            assert again == full.search(word, pattern)


@pytest.mark.parametrize("damage", ["", "{", '{"modules": [["app.py", "0"]]}', "[" * 100_000])
def test_a_damaged_module_list_means_a_full_search(tmp_path: Path, damage: str) -> None:
    manifests = searches.Manifests(tmp_path)
    modules = [("a.py", "1" * 40), ("b.py", "2" * 40)]
    universe = searches.combine(modules)
    manifests.put(universe, modules)
    assert searches.Manifests(tmp_path).get(universe) == dict(modules)
    (tmp_path / searches.FOLDER / f"{universe}.json").write_text(damage)
    assert searches.Manifests(tmp_path).get(universe) is None
    assert searches.Manifests(tmp_path).get("../../etc/passwd") is None


# -- the real CLI: cache on equals cache off ------------------------------------------------


def _scan(root: Path, cache: Path, *options: str) -> bytes:
    command = [sys.executable, "-m", "scanner", "scan", "--root", str(root), "--format", "json",
               "--exit-zero", "--cache-dir", str(cache), *options]  # fmt: skip
    return subprocess.run(command, stdout=subprocess.PIPE, check=True).stdout


@pytest.mark.parametrize(
    ("edit", "staged"),
    [
        ({"consts.py": CONSTS + "# edited\n"}, ["consts.py"]),
        ({"consts.py": CONSTS.replace("bert-base-uncased", "gpt2")}, ["consts.py", "main.py"]),
        ({"app.py": 'from helpers import load\nload("gpt2")\n'}, ["app.py"]),
        ({"helpers.py": FILES["helpers.py"] + "# edited\n"}, ["helpers.py", "app.py"]),
    ],
)
def test_the_hook_with_the_cache_prints_what_it_prints_without(
    tmp_path: Path, edit: dict[str, str | None], staged: list[str]
) -> None:
    root = write_tree(tmp_path / "repo", dict(FILES))
    cache = tmp_path / "cache"
    _scan(root, cache)  # fills the cache
    write_tree(root, edit)
    for changed in ((), ("--changed",)):
        paths = [*changed, *(str(root / name) for name in staged)]
        assert _scan(root, cache, *paths) == _scan(root, cache, "--no-cache", *paths)
