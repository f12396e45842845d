"""The import graph behind the hook's re-checks: which files depend on a changed file (its
importers, transitively) and which modules a file needs read (what it imports)."""

from __future__ import annotations

import json

import pytest

from scanner.find.dependents import ImportGraph, _imported, dependents, providers

NOTEBOOK = json.dumps(
    {
        "cells": [
            {"cell_type": "markdown", "source": ["import nothing_here\n"]},
            {"cell_type": "code", "source": ["%pip install x\n", "from app.config import M\n"]},
        ]
    }
)

REPO = {
    "src/app/__init__.py": "",
    "src/app/config.py": 'MODEL = "org/x"\n',
    "src/app/serve.py": "from app.config import MODEL\n",
    "src/app/relative.py": "from .config import MODEL\n",
    "src/app/package_member.py": "from . import config\n",
    "src/app/lazy.py": "def f():\n    import app.config as c\n    return c\n",
    "src/app/lib.py": "from transformers import AutoModel\ndef load(m):\n    return m\n",
    "tests/test_lib.py": "from app.lib import load\nfrom app.serve import MODEL\n",
    "tests/broken.py": "from app.config import (MODEL,\n  OTHER\ndef (:\n",
    "scripts/config_words.py": "# mentions config but imports nothing of it\nconfig = 1\n",
    "nb.ipynb": NOTEBOOK,
}


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (
            ["src/app/config.py"],
            {
                "src/app/serve.py",
                "src/app/relative.py",
                "src/app/package_member.py",
                "src/app/lazy.py",
                "tests/broken.py",
                "nb.ipynb",
                "tests/test_lib.py",  # through serve.py, two imports away
            },
        ),
        (["src/app/lib.py"], {"tests/test_lib.py"}),
        (["tests/test_lib.py"], set()),
        (["nb.ipynb"], set()),
        (["not/in/repo.py"], set()),
    ],
)
def test_dependents_are_the_importers_transitively(changed: list[str], expected: set[str]) -> None:
    assert dependents(ImportGraph.from_texts(REPO), changed) == expected


def test_dependents_stop_at_the_depth_bound() -> None:
    chain = {f"m{i}.py": f"from m{i + 1} import X\n" for i in range(5)} | {"m5.py": "X = 1\n"}
    assert dependents(ImportGraph.from_texts(chain), ["m5.py"], depth=2) == {"m4.py", "m3.py"}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["tests/test_lib.py"], {"src/app/lib.py", "src/app/serve.py", "src/app/config.py"}),
        (["src/app/package_member.py"], {"src/app/__init__.py", "src/app/config.py"}),
        (["nb.ipynb"], {"src/app/config.py"}),
        (["src/app/config.py"], set()),
    ],
)
def test_providers_are_what_the_files_import(files: list[str], expected: set[str]) -> None:
    assert providers(ImportGraph.from_texts(REPO), files) == expected


PACKAGE = {
    "lib/__init__.py": "from .encoder import Encoder\nfrom .ranker import Ranker as Reranker\n",
    "lib/encoder.py": "from .util import fetch\nclass Encoder:\n    pass\n",
    "lib/ranker.py": "class Ranker:\n    pass\n",
    "lib/util.py": "def fetch(name):\n    return name\n",
    "uses_encoder.py": "from lib import Encoder\n",
    "uses_reranker.py": "from lib import Reranker\n",
    "uses_package.py": "import lib\n",
    "star.py": "from lib.encoder import *\n",
    "uses_star.py": "from star import Encoder\n",
}


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (
            ["lib/encoder.py"],
            {"lib/__init__.py", "uses_encoder.py", "uses_package.py", "star.py", "uses_star.py"},
        ),
        (["lib/ranker.py"], {"lib/__init__.py", "uses_reranker.py", "uses_package.py"}),
        (
            ["lib/util.py"],  # two levels (the package __init__ is not one); not Reranker's users
            {"lib/encoder.py", "lib/__init__.py", "star.py", "uses_encoder.py", "uses_package.py"},
        ),
    ],
)
def test_dependents_follow_re_exported_names_only(changed: list[str], expected: set[str]) -> None:
    assert dependents(ImportGraph.from_texts(PACKAGE), changed) == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (["uses_encoder.py"], {"lib/__init__.py", "lib/encoder.py", "lib/util.py"}),
        (["uses_reranker.py"], {"lib/__init__.py", "lib/ranker.py"}),
        (["uses_star.py"], {"star.py", "lib/encoder.py", "lib/util.py"}),
    ],
)
def test_providers_follow_re_exports_to_the_defining_module(
    files: list[str], expected: set[str]
) -> None:
    assert providers(ImportGraph.from_texts(PACKAGE), files) == expected


@pytest.mark.parametrize("first", ["import c\nimport a\n", "import a\nimport c\n"])
def test_providers_do_not_depend_on_the_order_modules_are_reached(first: str) -> None:
    """``c`` is imported directly (its own imports count) and through ``a`` (one level left):
    whichever comes first, ``d``, which ``c`` imports, is read."""
    texts = {"f.py": first, "a.py": "import c\n", "c.py": "import d\n", "d.py": ""}
    graph = ImportGraph.from_texts(texts)
    assert providers(graph, ["f.py"]) == {"a.py", "c.py", "d.py"}


# (case, module text, the bindings read [(level, module, name, bound)])
IMPORTS = [
    ("both forms", "import os.path as p, sys\nfrom .a import b as c\n",
     [(0, "os.path", None, "p"), (0, "sys", None, "sys"), (1, "a", "b", "c")]),
    ("nested blocks", "try:\n    import x\nexcept ImportError:\n    x = None\n"
     "def f():\n    if True:\n        from y import z\n",
     [(0, "x", None, "x"), (0, "y", "z", "z")]),
    ("after ; and :", "import a; import b\nif TYPE_CHECKING: from c import d\n",
     [(0, "a", None, "a"), (0, "b", None, "b"), (0, "c", "d", "d")]),
    ("parentheses over lines", "from m import (\n    a,  # first\n    b as c,\n)\n",
     [(0, "m", "a", "a"), (0, "m", "b", "c")]),
    ("a backslash", "from m import a, \\\n    b\n", [(0, "m", "a", "a"), (0, "m", "b", "b")]),
    ("strings and comments are not imports",
     '"""\nimport in_docstring\n"""\n# import in_comment\ns = "import in_string"\n', []),
    ("not a statement alone: the whole module is parsed", "import a; f(\n  1)\n",
     [(0, "a", None, "a")]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "expected"), IMPORTS, ids=[c[0] for c in IMPORTS])
def test_imports_are_read_statement_by_statement(
    case: str, text: str, expected: list[tuple[int, str, str | None, str]]
) -> None:
    assert list(_imported("m.py", text)) == expected
