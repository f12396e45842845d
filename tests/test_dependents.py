"""The import graph behind the hook's re-checks: which files depend on a changed file (its
importers, transitively) and which modules a file needs read (what it imports)."""

from __future__ import annotations

import json

import pytest

from scanner.find.dependents import ImportGraph, dependents, providers

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
    assert dependents(ImportGraph(REPO), changed) == expected


def test_dependents_stop_at_the_depth_bound() -> None:
    chain = {f"m{i}.py": f"from m{i + 1} import X\n" for i in range(5)} | {"m5.py": "X = 1\n"}
    assert dependents(ImportGraph(chain), ["m5.py"], depth=2) == {"m4.py", "m3.py"}


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
    assert providers(ImportGraph(REPO), files) == expected
