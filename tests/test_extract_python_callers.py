"""Parameters resolved from their function's call sites in the same module: one reference per
call-site argument that names a model, at that argument, ``via`` the loader that reads it;
unknowable values unresolved at the call that passes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.python import extract

HEAD = "import pytest\nfrom transformers import AutoModel\n"  # lines 1-2 of every case
LOAD = "def load(model_id):\n    return AutoModel.from_pretrained(model_id)\n"  # lines 3-4

# (case, body from line 3, expected [(line, column, raw, via)],
#  expected unresolved [(line, column, expression)])
CASES = [
    (
        "positional literal",
        LOAD + 'load("org/x")\n',
        [(5, 6, "org/x", "load(model_id) at app.py:4")],
        [],
    ),
    (
        "one reference per distinct value",
        LOAD + 'load("org/x")\nload(model_id="org/y")\nload("org/x")\n',
        [
            (5, 6, "org/x", "load(model_id) at app.py:4"),
            (6, 15, "org/y", "load(model_id) at app.py:4"),
            (7, 6, "org/x", "load(model_id) at app.py:4"),
        ],
        [],
    ),
    (
        "constant argument",
        LOAD + 'M = "org/c"\nload(M)\n',
        [(6, 6, "org/c", "load(model_id) at app.py:4")],
        [],
    ),
    (
        "unknowable argument is unresolved at the call",
        LOAD + 'load("org/x")\nload(args.model)\n',
        [(5, 6, "org/x", "load(model_id) at app.py:4")],
        [(6, 6, "args.model")],
    ),
    (
        "unpacked arguments are unresolved at the call",
        LOAD + "load(*names)\nload(**options)\n",
        [],
        [(5, 7, "names"), (6, 8, "options")],
    ),
    (
        "default and call-site values",
        'def load(m="org/d", rev=None):\n    AutoModel.from_pretrained(m)\n'
        'load(rev="main")\nload("org/x")\n',
        [(4, 31, "org/d", "m at app.py:3"), (6, 6, "org/x", "load(m) at app.py:4")],
        [],
    ),
    (
        "method called via self",
        "class T:\n    def helper(self, mid):\n        AutoModel.from_pretrained(mid)\n"
        '    def run(self):\n        self.helper("org/a")\n        self.helper(mid="org/b")\n',
        [
            (7, 21, "org/a", "helper(mid) at app.py:5"),
            (8, 25, "org/b", "helper(mid) at app.py:5"),
        ],
        [],
    ),
    (
        "static method called via self",
        "class T:\n    @staticmethod\n    def helper(mid):\n"
        "        AutoModel.from_pretrained(mid)\n"
        '    def run(self):\n        self.helper("org/a")\n',
        [(8, 21, "org/a", "helper(mid) at app.py:6")],
        [],
    ),
    (
        "constructor arguments reach __init__",
        "class Loader:\n    def __init__(self, name):\n"
        '        self.m = AutoModel.from_pretrained(name)\nLoader("org/a")\n',
        [(6, 8, "org/a", "Loader(name) at app.py:5")],
        [],
    ),
    (
        "helper called from a parametrized test",
        LOAD + '@pytest.mark.parametrize("mid", ["org/p1", "org/p2"])\n'
        "def test_load(mid):\n    load(mid)\n",
        [
            (7, 10, "org/p1", "load(model_id) at app.py:4"),
            (7, 10, "org/p2", "load(model_id) at app.py:4"),
        ],
        [],
    ),
    (
        "two levels of callers",
        LOAD + 'def outer(a):\n    load(a)\nouter("org/two")\n',
        [(7, 7, "org/two", "load(model_id) at app.py:4")],
        [],
    ),
    (
        "caller's parameter without callers is unresolved at the inner call",
        LOAD + "def outer(a):\n    load(a)\n",
        [],
        [(6, 10, "a")],
    ),
    (
        "attribute of a passed value is unresolved at the use",
        "def main(args):\n    AutoModel.from_pretrained(args.model)\nmain(parse())\n",
        [],
        [(4, 31, "args.model")],
    ),
    (
        "no call sites: unresolved at the use",
        LOAD,
        [],
        [(4, 38, "model_id")],
    ),
    (
        "recursive call adds nothing",
        "def load(m):\n    AutoModel.from_pretrained(m)\n    load(m)\n",
        [],
        [(4, 31, "m")],
    ),
    (
        "shadowed name is another function",
        LOAD + 'def f(load):\n    load("org/no")\n',
        [],
        [(4, 38, "model_id")],
    ),
    (
        "other receivers are not followed",
        "class T:\n    def helper(self, mid):\n        AutoModel.from_pretrained(mid)\n"
        't.helper("org/no")\n',
        [],
        [(5, 35, "mid")],
    ),
    (
        "a module function is not a same-named method",
        "class T:\n    def load(self, mid):\n        AutoModel.from_pretrained(mid)\n"
        'load("org/no")\n',
        [],
        [(5, 35, "mid")],
    ),
    (
        "folder argument is local",
        LOAD + "load(output_dir)\n",
        [],
        [],
    ),
]


@pytest.mark.parametrize(("case", "body", "refs", "unresolved"), CASES, ids=[c[0] for c in CASES])
def test_parameter_from_call_sites(
    tmp_path: Path, case: str, body: str,
    refs: list[tuple[int, int, str, str | None]], unresolved: list[tuple[int, int, str]],
) -> None:  # fmt: skip
    result = extract("app.py", HEAD + body, RepoContext(tmp_path))
    assert [(r.line, r.column, r.raw, r.via) for r in result.refs] == refs
    assert [(u.line, u.column, u.expression) for u in result.unresolved] == unresolved
    assert result.errors == ()


def test_hosted_api_parameter(tmp_path: Path) -> None:
    source = (
        "from openai import OpenAI\nclass Bot:\n    def __init__(self):\n"
        "        self.client = OpenAI()\n    def ask(self, model):\n"
        "        return self.client.chat.completions.create(model=model)\n"
        'bot = Bot()\ndef main():\n    Bot().ask("gpt-4o")\n'
    )
    result = extract("app.py", source, RepoContext(tmp_path))
    # Bot().ask is a call through another receiver: not followed, so the use stays unresolved.
    assert [(u.line, u.column, u.expression) for u in result.unresolved] == [(6, 58, "model")]
    assert result.refs == ()
