"""The pruner gives libcst less code and changes nothing else: lines and columns of what it
keeps, imports of what it blanks, the closure of what a kept body reaches, a lookup into blanked
code (one restart), and every finding of a repository full of the cases that reach into other
functions and modules (scanned both ways by the real CLI)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from scanner.context import RepoContext
from scanner.find.extractors.python import extract
from scanner.find.extractors.python.guard import MAX_DEPTH, depth, spans
from scanner.find.extractors.python.loader import _parsed, load_module, parse
from scanner.find.extractors.python.positions import statement_lines
from scanner.find.extractors.python.prune import KEEP_ALL, _imported, prune
from scanner.find.extractors.python.relevance import Relevance, called, words

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from compare_findings import report

MODULE = """import os
from transformers import AutoModel


class Loader:
    NAME = "org/x"

    def __init__(self, name):
        self.name = name

    def other(self):
        import json
        total = 0
        return json.dumps(total)

    def load(self):
        return AutoModel.from_pretrained(self.name)


def unrelated(a, b):
    return a + b
"""

PRUNED = """import os
from transformers import AutoModel


class Loader:
    NAME = "org/x"

    def __init__(self, name):
        self.name = name

    def other():
        import json



    def load(self):
        return AutoModel.from_pretrained(self.name)


def unrelated():
    pass
"""


def test_pruned_text_keeps_lines_columns_and_imports() -> None:
    """``load`` is relevant; it reads ``self.name``, so ``__init__`` that stores it is kept;
    ``other`` and ``unrelated`` are blanked (``other``'s import written back)."""
    pruned = prune(MODULE, ast.parse(MODULE))
    assert pruned.text == PRUNED
    assert (pruned.calls, pruned.stores) == (frozenset({"dumps"}), frozenset())
    assert pruned.callables == frozenset({"Loader", "__init__", "unrelated"})


def test_needed_words_keep_their_callers_and_stores() -> None:
    lookup = prune(MODULE, ast.parse(MODULE), frozenset({"dumps"}), scanning=False)
    assert "        return json.dumps(total)\n" in lookup.text
    assert "        self.name = name\n" not in lookup.text
    stored = prune(MODULE, ast.parse(MODULE), frozenset({"name"}), scanning=False)
    assert "        self.name = name\n" in stored.text
    assert prune(MODULE, ast.parse(MODULE), frozenset({KEEP_ALL})).text == MODULE


def test_lookup_only_keeps_no_relevant_body() -> None:
    pruned = prune(MODULE, ast.parse(MODULE), scanning=False)
    assert "from_pretrained" not in pruned.text
    assert "from_pretrained" in pruned.calls


CLOSURE = """from transformers import AutoModel


def load(name):
    return AutoModel.from_pretrained(name)


def caller():
    load(pick())


def pick():
    return "x"


def far():
    caller()
"""


def test_callers_of_kept_functions_are_kept_not_their_callees() -> None:
    """``caller`` passes ``load`` its argument: kept; ``pick`` and ``far`` take no argument
    and call nothing kept that takes one: blanked."""
    text = prune(CLOSURE, ast.parse(CLOSURE)).text
    kept = [name for name in ("load", "caller", "pick", "far") if f"def {name}():\n    pass" not
            in text and f"def {name}(name):\n    pass" not in text]  # fmt: skip
    assert kept == ["load", "caller"]


def _marked(rows: str) -> tuple[str, str]:
    """A module and its expected pruning from marked lines: ``+`` kept, ``-`` blanked, ``p``
    blanked with ``pass`` written at its indentation."""
    source, expected = [], []
    for row in rows.splitlines():
        mark, line = row[:1], row[2:]
        source.append(line + "\n")
        indent = line[: len(line) - len(line.lstrip())]
        expected.append({"+": line, "-": "", "p": indent + "pass"}[mark] + "\n")
    return "".join(source), "".join(expected)


_HEAD = "+ from transformers import AutoModel\n+ def f(flag, items):\n"
STATEMENTS = [
    # a value through a chain of local names; the unrelated statement and call blanked
    "+     base = flag\n+     name = base + '-x'\n-     noise = 3\n-     print(noise)\n"
    "+     AutoModel.from_pretrained(name)",
    # a loop target: the header is kept, its other statements blanked
    "+     for name in items:\n-         print(name)\n+         AutoModel.from_pretrained(name)",
    # a with-target binds the name the call reads; a loop kept for its target only keeps
    # ``pass`` in its block; an ``if`` that binds nothing read is blanked whole
    "+     with open(flag) as handle:\n+         name = handle.read()\n"
    "+     for item in items:\np         print(item)\n-     if flag:\n-         print(flag)\n"
    "+     AutoModel.from_pretrained(name, item)",
    # walrus in a header binds; an ``elif`` test is part of the header; ``else`` block kept
    "+     if (name := flag):\np         print(1)\n+     elif items:\np         print(2)\n"
    "+     else:\n+         name = items\n+     AutoModel.from_pretrained(name)",
    # tuple unpacking, augmented assignment, a statement sharing a line with a kept one (and
    # what that one reads)
    "+     first, name = flag\n+     name += '-x'\n+     other = 1; name = name + '-y'\n"
    "+     other = 2\n-     third = 3\n+     AutoModel.from_pretrained(name)",
    # ``try``: the kept statement's handlers stay, their blocks ``pass`` when nothing is kept
    "+     try:\n+         name = flag['x']\n-         print(name)\n+     except KeyError:\n"
    "p         print('missing')\n+     finally:\n+         name = items\n"
    "+     AutoModel.from_pretrained(name)",
    # imports and ``global`` stay with their body; a nested def the call reads stays whole
    "+     global CACHE\n+     import json\n+     def pick():\n+         return json.loads(flag)\n"
    "-     def other():\n-         return 2\n+     AutoModel.from_pretrained(pick())",
    # a nested function holding the call is kept whole, and so are the statements calling it
    "+     def load(name):\n+         return AutoModel.from_pretrained(name)\n-     print(items)\n"
    "+     load(items)",
    # comment lines between two statements are blanked (no statement holds them)
    "+     name = flag\n-     # a comment\n+     AutoModel.from_pretrained(name)\n-     # another",
    # a compound statement on one line is one unit; a folder a save call writes stays
    "+     if flag: name = items\n-     if items: print(items)\n+     flag.save_pretrained(items)\n"
    "+     AutoModel.from_pretrained(name)",
    # a docstring and the statements that only use the model are blanked
    '-     """Load."""\n+     model = AutoModel.from_pretrained(flag)\n-     assert model.config\n'
    "-     model.eval()",
]


@pytest.mark.parametrize("rows", STATEMENTS)
def test_statements_kept_and_blanked(rows: str) -> None:
    source, expected = _marked(_HEAD + rows)
    pruned = prune(source, ast.parse(source))
    assert pruned.text == expected
    module = parse(pruned.text)  # still valid, and each kept statement has its line
    lines = statement_lines(module, pruned.tree or ast.parse(source))
    function = module.body[1]
    assert isinstance(function, cst.FunctionDef)
    assert all(id(statement) in lines for statement in function.body.body)


def test_blanked_statements_calls_and_stores_restart_a_lookup() -> None:
    """What a blanked statement of a kept body calls and stores is remembered: a lookup of the
    callers of ``helper`` or of ``self.cache`` there raises ``NeedWords`` (``base``)."""
    source, expected = _marked(
        "+ from transformers import AutoModel\n+ class C:\n+     def load(self, name):\n"
        "-         helper(name)\n-         self.cache = name\n"
        "+         AutoModel.from_pretrained(name)"
    )
    pruned = prune(source, ast.parse(source))
    assert pruned.text == expected
    assert (pruned.calls, pruned.stores) == (frozenset({"helper"}), frozenset({"cache"}))
    kept = prune(source, ast.parse(source), frozenset({"helper", "cache"}))
    assert kept.text == source


def test_body_starting_with_a_decorated_definition_is_blanked_from_its_decorator() -> None:
    source, expected = _marked(
        "+ import functools\n+ def f():\np     @functools.cache\n-     def g():\n"
        "-         return 1\n-     return g"
    )
    pruned = prune(source, ast.parse(source))
    assert pruned.text == expected
    parse(pruned.text)


def test_self_attribute_stores_are_kept_across_methods() -> None:
    """``load`` reads ``self.name``: the statement of ``__init__`` that stores it is kept, the
    other statements of ``__init__`` are blanked; a lookup of ``self.size`` would restart."""
    source, expected = _marked(
        "+ from transformers import AutoModel\n+ class C:\n+     def __init__(self, name):\n"
        "+         self.name = name\n-         self.size = 3\n+     def load(self):\n"
        "+         AutoModel.from_pretrained(self.name)"
    )
    pruned = prune(source, ast.parse(source))
    assert pruned.text == expected
    assert "size" in pruned.stores


@pytest.mark.parametrize(
    ("module", "body", "relevant"),
    [
        ("from transformers import AutoModel\n", "AutoModel.from_pretrained(x)", True),
        ("from transformers import pipeline\n", "self.pipeline = None", False),  # not a call
        ("from transformers import pipeline\n", "pipeline('fill-mask')", True),
        ("from transformers import pipeline as pl\n", "pl('fill-mask')", True),  # alias
        ("import os\n", "pipeline('fill-mask')", False),  # the row's library is not named
        ("import openai\n", "client.completions.create(model=m)", True),
        ("import openai\n", "client.files.create(purpose=p)", False),  # a word is missing
        ("import os\n", "x = 'org/name'", True),  # a model-like literal
        ("import os\n", "x = 'plain words'", False),
        ("from peft import get_peft_model\n", "get_peft_model(m, c)", True),  # a usage row
        ("import torch\n", "model.to(device)", False),  # a LINK row alone
        ("import os\n", "trainer.train()", True),  # a trainer run
        ("import argparse\n", "p.add_argument('--m', default=d)", True),  # an option
        ("from torch.onnx import export\n", "export(m, x, f)", True),  # words of the import
        ("from torch.onnx import export as ex\n", "ex(m, x, f)", True),
        ("import torch\n", "export(m, x, f)", False),  # no ``onnx`` anywhere
    ],
)  # fmt: skip
def test_relevance_table(module: str, body: str, relevant: bool) -> None:
    criterion = Relevance.of(module + body, _imported(ast.parse(module).body))
    assert criterion.relevant(body, words(body), called(body)) is relevant


@pytest.mark.parametrize(
    ("text", "walked"),
    [
        ("x = 1\n" * 50, False),  # 50 short statements: none is walked
        ("def f():\n    return [[[1]]]\n", False),
        ("y = " + "(" * 120 + "1" + ")" * 120 + "\n", False),  # brackets: no ``ast`` level
        ("y = " + "-" * 140 + "1\n", True),  # each level long enough to reach the limit
    ],
)
def test_depth_walk_skips_only_what_cannot_reach_the_limit(text: str, walked: bool) -> None:
    tree = ast.parse(text)
    full, short = depth(tree), depth(tree, spans(text))
    assert short[0] <= full[0] <= MAX_DEPTH
    assert (short == full) is walked


def test_deep_statement_is_still_measured() -> None:
    text = "y = " + "-" * (MAX_DEPTH + 5) + "1\n"
    assert depth(ast.parse(text), spans(text)) == depth(ast.parse(text))


def test_parse_skips_validation_only_while_parsing() -> None:
    text = "def f(a, *, b=1):\n    return a + b  # sum\n"
    assert parse(text).code == text
    assert parse(text).deep_equals(cst.parse_module(text))
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


RESTART = {
    "app.py": (
        "from transformers import AutoModel\nfrom pkg.m import CONST\n\n"
        "AutoModel.from_pretrained(CONST)\n\n\n"
        "def load(model_id):\n    return AutoModel.from_pretrained(model_id)\n"
    ),
    "pkg/__init__.py": "",
    "pkg/m.py": 'from app import load\n\nCONST = "org/c"\n\n\ndef go():\n    load("org/r")\n',
}


def test_lookup_into_blanked_code_restarts_once(tmp_path: Path) -> None:
    """``app.py`` reads ``CONST`` from ``pkg/m.py`` first (parsed for that lookup: ``go``
    blanked), then looks for the callers of ``load``: one sits in ``go``; the file starts over
    with it kept."""
    for rel, text in RESTART.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    ctx = RepoContext(tmp_path)
    refs = extract("app.py", RESTART["app.py"], ctx).refs
    assert [(r.path, r.line, r.column, r.raw) for r in refs] == [
        ("app.py", 4, 27, "org/c"),
        ("pkg/m.py", 7, 10, "org/r"),
    ]
    assert _parsed(ctx).asks == {"pkg/m.py": 1}


FILES = {
    "pkg/__init__.py": "",
    "pkg/constants.py": 'MODEL = "org/const"\n\n\ndef noise(x):\n    return x * 2\n',
    "pkg/loader.py": (
        "from transformers import AutoModel\n\n\n"
        "def load(model_id):\n    return AutoModel.from_pretrained(model_id)\n\n\n"
        "class Runner:\n    def __init__(self, name):\n        self.name = name\n\n"
        "    def setup(self):\n        self.revision = 'main'\n        self.repo = 'org/inst'\n\n"
        "    def run(self):\n        AutoModel.from_pretrained(self.repo)\n"
        "        return AutoModel.from_pretrained(self.name)\n"
    ),
    "app.py": (
        "from pkg.constants import MODEL\nfrom pkg.loader import Runner, load\n\n\n"
        "def main():\n    load(MODEL)\n    load('org/direct')\n\n\n"
        "def helper(x):\n    return load(x)\n\n\n"
        "def outer():\n    helper('org/two-levels')\n    Runner('org/runner').run()\n"
    ),
    "cfg.py": (
        "from dataclasses import dataclass\n\nfrom transformers import AutoModel\n\n\n"
        "@dataclass\nclass Cfg:\n    model: str = 'org/dc'\n\n\n"
        "class Base:\n    MODEL_ID = 'org/classattr'\n\n"
        "    def load(self):\n        return AutoModel.from_pretrained(self.MODEL_ID)\n\n\n"
        "def go(cfg):\n    return AutoModel.from_pretrained(cfg.model)\n\n\n"
        "def make():\n    go(Cfg())\n\n\n"
        "def setup():\n    import transformers\n    return transformers\n\n\n"
        "def use(m):\n    return m.from_pretrained('gpt2')\n"
    ),
    "alias.py": (
        "from transformers import pipeline as pl\n\n\n"
        "def g():\n    return pl('text-generation', model='org/alias')\n"
    ),
    "flows.py": (
        "import os\nfrom transformers import AutoModel\n\n"
        "NAMES = ['org/loop']\nPREFIX = 'org'\n_CACHE = None\n\n\n"
        "def chain():\n    base = PREFIX\n    name = base + '/chain'\n    noise = os.getcwd()\n"
        "    return AutoModel.from_pretrained(name)\n\n\n"
        "def loop():\n    for name in NAMES:\n        print(name)\n"
        "        AutoModel.from_pretrained(name)\n\n\n"
        "def with_target():\n    with open('models.txt') as handle:\n"
        "        name = handle.read().strip()\n        size = len(name)\n"
        "    AutoModel.from_pretrained(name)\n\n\n"
        "def walrus():\n    if (name := PREFIX + '/walrus'):\n        print('loading')\n"
        "    AutoModel.from_pretrained(name)\n\n\n"
        "def unpack():\n    first, second = PREFIX + '/first', PREFIX + '/second'\n"
        "    other = 3\n    AutoModel.from_pretrained(second)\n\n\n"
        "def augmented():\n    name = PREFIX\n    name += '/aug'\n"
        "    AutoModel.from_pretrained(name)\n\n\n"
        "def conditional(flag):\n    if flag:\n        name = PREFIX + '/yes'\n    else:\n"
        "        name = PREFIX + '/no'\n        unrelated = 2\n"
        "    AutoModel.from_pretrained(name)\n\n\n"
        "class Holder:\n    def __init__(self):\n        self.name = PREFIX + '/self'\n"
        "        self.size = 3\n\n    def load(self):\n"
        "        AutoModel.from_pretrained(self.name)\n\n\n"
        "def with_global():\n    global _CACHE\n    _CACHE = PREFIX + '/global'\n"
        "    AutoModel.from_pretrained(_CACHE)\n"
    ),
    "models.txt": "org/file\n",
    "tests/test_models.py": (
        "import pytest\nfrom transformers import AutoModel\n\n\n"
        "@pytest.mark.parametrize('mid', ['org/p1', 'org/p2'])\n"
        "def test_load(mid):\n    AutoModel.from_pretrained(mid)\n"
    ),
}
NOTEBOOK_CELLS = [
    "from transformers import AutoModel",
    "def f(m):\n    return AutoModel.from_pretrained(m)",
    "def unrelated():\n    return 1",
    "f('org/nb')",
]
EXPECTED = {
    "org/const", "org/direct", "org/two-levels", "org/runner", "org/inst", "org/dc",
    "org/classattr", "gpt2", "org/alias", "org/p1", "org/p2", "org/nb", "org/chain",
    "org/loop", "org/file", "org/walrus", "org/second", "org/yes", "org/no", "org/self",
    "org/global",
}  # fmt: skip


def _repository(root: Path) -> None:
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": source}
        for source in NOTEBOOK_CELLS
    ]  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (root / "nb.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)


def test_pruned_scan_finds_what_the_whole_parse_finds(tmp_path: Path) -> None:
    """Every path a value takes to a loader call inside one body (``flows.py``: a variable
    chain, a loop target, a with-target, walrus, tuple unpacking, augmented and conditional
    assignment, ``self.X``, ``global``) is kept while the statements beside it are blanked."""
    flows = FILES["flows.py"]
    pruned_flows = prune(flows, ast.parse(flows)).text
    for blanked in ("noise", "print(name)", "size = len", "other = 3", "unrelated", "self.size"):
        assert blanked in flows and blanked not in pruned_flows, blanked
    _repository(tmp_path)
    pruned, whole = report(tmp_path, False, 1), report(tmp_path, True, 1)
    assert {f["model"] for f in pruned["findings"]} == EXPECTED
    for section in ("findings", "unresolved", "errors", "uses"):
        assert pruned[section] == whole[section], section


@pytest.mark.parametrize(
    ("text", "scanned"),
    [
        ("from transformers import AutoModel\n\n\ndef f():\n    AutoModel.from_pretrained('x')\n",
         True),  # the scan reads it for itself: parsed with its relevant bodies at once
        ("X = 1\n\n\ndef f():\n    return 2\n", False),  # read for lookups only
    ],
)  # fmt: skip
def test_lookup_parse_serves_the_module_own_scan(tmp_path: Path, text: str, scanned: bool) -> None:
    (tmp_path / "m.py").write_text(text, encoding="utf-8")
    ctx = RepoContext(tmp_path)
    info = load_module(ctx, "m.py")
    assert info is not None
    assert ("m.py" in _parsed(ctx).scanned) is scanned
    assert load_module(ctx, "m.py", scanning=True) is info or not scanned


_RELEVANT = "def load():\n    AutoModel.from_pretrained('org/m')\n"
_CALLER = "def use(x):\n    helper(x)\n"
_KEPT = "TABLE = [1, 2, 3, 4, 5, 6, 7, 8, 9]\n" * 20  # module level: always kept
_BLANKED = "    value = [1, 2, 3, 4, 5, 6, 7, 8, 9]\n" * 20  # in the caller's body


@pytest.mark.parametrize(
    ("parts", "word", "needed", "parsed_again"),
    [
        # the parse kept most of the module: the growth parses it whole, once
        ((_KEPT, _RELEVANT, _CALLER), "helper", {"*"}, True),
        # it kept little: only the bodies calling the new word are added
        ((_RELEVANT, _CALLER + _BLANKED), "helper", {"helper"}, True),
        # no blanked body calls the word: the cached parse serves on
        ((_KEPT, _RELEVANT, _CALLER), "absent", {"absent"}, False),
    ],
)  # fmt: skip
def test_growth_parses_a_mostly_kept_module_whole(
    tmp_path: Path, parts: tuple[str, ...], word: str, needed: set[str], parsed_again: bool
) -> None:
    text = "from transformers import AutoModel\n\n\n" + "\n\n".join(parts)
    (tmp_path / "m.py").write_text(text, encoding="utf-8")
    ctx = RepoContext(tmp_path)
    info = load_module(ctx, "m.py", scanning=True)
    assert info is not None and "helper(x)" not in info.text  # the caller's body is blanked
    _parsed(ctx).need("m.py", frozenset({word}))
    assert _parsed(ctx).needed["m.py"] == needed
    again = load_module(ctx, "m.py", scanning=True)
    assert (again is not info) is parsed_again
    assert again is not None and ("helper(x)" in again.text) is parsed_again


@pytest.mark.parametrize(
    ("text", "pruned"),
    [
        ('"""Module.\n\nMore."""\nimport os\n', "pass\n\n\nimport os\n"),
        ("class A:\n    '''Doc.'''\n    X = 1\n", "class A:\n    pass\n    X = 1\n"),
        ('class A:\n    b"raw"  # note\n', "class A:\n    pass\n"),
        # not alone on its lines: kept as they are
        ('x = 1; "s"\n', 'x = 1; "s"\n'),
        ('"s"; x = 1\n', '"s"; x = 1\n'),
        ('class A: "doc"\n', 'class A: "doc"\n'),
        ("f'{x}'\n", "f'{x}'\n"),  # an f-string may call: not a bare string
        ("...\n", "...\n"),
    ],
)  # fmt: skip
def test_bare_strings_become_pass(text: str, pruned: str) -> None:
    assert prune(text, ast.parse(text), scanning=False).text == pruned


def test_docstring_of_a_blanked_body_is_not_written_back() -> None:
    text = 'def f(a):\n    """Doc."""\n    return a\n'
    assert prune(text, ast.parse(text), scanning=False).text == "def f():\n    pass\n\n"


@pytest.mark.parametrize(
    ("header", "needed", "cut", "calls"),
    [
        ("@skip('why')\n@other\ndef f(a: int, b=g(2)) -> int:", (), "\n\ndef f():", {"skip", "g"}),
        ("async def f(\n    a,\n    b,\n):", (), "async def f():\n\n\n", set()),
        ("class A:\n  @staticmethod\n  def f(a):", (), "class A:\n\n  def f():", set()),
        # kept: a model-like literal, a relevant call, an option declaration, a save, a call
        # whose callers a lookup asked for
        ("def f(a='org/m'):", (), None, set()),
        ("@cache(AutoModel.from_pretrained('x'))\ndef f():", (), None, set()),
        ("@click.option('--model')\ndef f(model):", (), None, set()),
        ("def f(a=save_pretrained(1)):", (), None, set()),
        ("def f(a=helper(1)):", ("helper",), None, set()),
    ],
)  # fmt: skip
def test_blanked_body_header_is_cut_to_its_name(
    header: str, needed: tuple[str, ...], cut: str | None, calls: set[str]
) -> None:
    """A blanked body's decorators and signature become ``def name():`` (line for line) when
    nothing in them can matter; what they called is still known to the lookups."""
    imports = "from transformers import AutoModel\n\n\n"
    text = f"{imports}{header}\n    return 1\n"
    pruned = prune(text, ast.parse(text), frozenset(needed))
    assert pruned.text == f"{imports}{header if cut is None else cut}\n    pass\n"
    assert calls <= pruned.calls
