"""What planning keeps of each module by content hash (``module_index``): the graph built from
it is the graph built from the texts, an unchanged module is not read again, a changed one is,
and a damaged index is ignored."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find import module_index
from scanner.find.cache import Probe, forget_previous_run
from scanner.find.dependents import ImportGraph, dependents, providers
from scanner.find.module_index import ModuleIndex

FILES = {
    "pkg/__init__.py": "from .config import MODEL\nfrom .lib import load as fetch\n",
    "pkg/config.py": 'MODEL = "org/x"\nOTHER = 1\n',
    "pkg/lib.py": "from transformers import AutoModel\ndef load(m):\n    return m\n",
    "pkg/sub/__init__.py": "from .. import MODEL\nfrom . import leaf\n",
    "pkg/sub/leaf.py": "from ..config import OTHER\n",
    "app.py": "from pkg import MODEL, fetch\nfetch(MODEL)\n",
    "star.py": "from pkg.config import *\n",
    "uses_star.py": "from star import MODEL\n",
    "broken.py": "from pkg import (MODEL,\ndef (:\n",
    "nb.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": ["import pkg.lib\n"]}]}),
}
CHANGES = [["pkg/config.py"], ["pkg/lib.py"], ["pkg/__init__.py"], ["star.py"], ["app.py"]]


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


class _Counting(RepoContext):
    """A context that counts the texts read."""

    reads: list[str]

    def read_text(self, rel: str) -> str | None:
        self.reads.append(rel)
        return super().read_text(rel)


def _index(tmp_path: Path, root: Path, salt: str = "salt") -> tuple[ModuleIndex, list[str]]:
    forget_previous_run()
    index = ModuleIndex(tmp_path / "cache", root, 1 << 30, Probe(root).text, salt)
    counting = _Counting(root)
    object.__setattr__(counting, "reads", [])
    index.ctx = counting
    return index, counting.reads


def _answers(graph: ImportGraph) -> list[object]:
    """Every question planning asks of a graph, for each change of ``CHANGES``."""
    out: list[object] = []
    for changed in CHANGES:
        users = dependents(graph, changed)
        out += [sorted(users), sorted(providers(graph, [*changed, *sorted(users)]))]
    return out


def _texts(root: Path, names: Iterable[str]) -> ImportGraph:
    return ImportGraph.from_texts({rel: (root / rel).read_text() for rel in names})


def test_the_kept_graph_answers_as_the_texts_do_and_reads_only_what_changed(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    _write(root, FILES)
    expected = _answers(_texts(root, FILES))
    first, reads = _index(tmp_path, root)
    assert _answers(first.graph(FILES)) == expected
    assert sorted(set(reads)) == sorted(FILES)  # the first run reads every module
    first.save()
    again, reads = _index(tmp_path, root)
    assert _answers(again.graph(FILES)) == expected
    assert reads == []  # facts and top-level names came from the index
    edited = {**FILES, "pkg/config.py": 'MODEL = "org/y"\nfrom pkg.lib import load\n'}
    _write(root, edited)
    changed, reads = _index(tmp_path, root)
    assert _answers(changed.graph(edited)) == _answers(_texts(root, edited))
    assert set(reads) == {"pkg/config.py"}


def test_a_module_deleted_leaves_the_index(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root, FILES)
    first, _ = _index(tmp_path, root)
    first.graph(FILES)
    first.save()
    (root / "star.py").unlink()
    rest = [rel for rel in FILES if rel != "star.py"]
    second, _ = _index(tmp_path, root)
    assert _answers(second.graph(FILES)) == _answers(_texts(root, rest))
    second.save()
    assert sorted(json.loads(second.path.read_text())["modules"]) == sorted(rest)


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "{",
        "[" * 100_000,
        '{"schema": 1, "salt": "salt", "root": "/elsewhere", "modules": {}}',
        "ENTRY:[1, 2]",
        'ENTRY:["HASH", [["x"]], [], true, "?"]',
        'ENTRY:["HASH", [], [1], true, "?"]',
        'ENTRY:["HASH", [], [], "yes", "?"]',
        'ENTRY:["HASH", [], [], true, [1]]',
        'ENTRY:["HASH", [[0, "os", 3, "os"]], [], true, "?"]',
        'ENTRY:["HASH", ["0 pkg MODEL MODEL"], "pkg", true, "?"]',
        'ENTRY:["HASH", "0 pkg MODEL MODEL", ["pkg"], true, "?"]',
        'ENTRY:["HASH", "0 pkg MODEL", "pkg", true, "?"]',
        'ENTRY:["HASH", "x pkg MODEL MODEL", "pkg", true, "?"]',
    ],
)
def test_a_damaged_index_is_computed_again(tmp_path: Path, damage: str) -> None:
    root = tmp_path / "repo"
    _write(root, FILES)
    expected = _answers(_texts(root, FILES))
    first, _ = _index(tmp_path, root)
    first.graph(FILES)
    first.save()
    if damage.startswith("ENTRY:"):
        data = json.loads(first.path.read_text())
        hashed = data["modules"]["app.py"][0]
        entry = damage.removeprefix("ENTRY:").replace("HASH", hashed)
        data["modules"]["app.py"] = json.loads(entry)
        first.path.write_text(json.dumps(data))
    else:
        first.path.write_text(damage)
    again, _ = _index(tmp_path, root)
    assert _answers(again.graph(FILES)) == expected
    again.save()
    assert json.loads(again.path.read_text())["schema"] == module_index.SCHEMA


def test_another_version_of_the_tool_reads_every_module_again(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root, FILES)
    first, _ = _index(tmp_path, root)
    first.graph(FILES)
    first.save()
    upgraded, reads = _index(tmp_path, root, salt="another version")
    assert _answers(upgraded.graph(FILES)) == _answers(_texts(root, FILES))
    assert sorted(set(reads)) == sorted(FILES)
