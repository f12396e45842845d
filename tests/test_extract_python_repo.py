"""Parameters resolved from call sites in other modules of the repository (an import of the
function or class, a subclass calling an inherited method), and attributes of instances of the
repository's classes (constructor arguments, ``__init__`` parameters, field defaults)."""

from __future__ import annotations

import ast
import gc
import re
from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.python import extract
from scanner.find.extractors.python import loader as python_loader
from scanner.find.extractors.python.callers import calls_named
from scanner.find.extractors.python.loader import load_module
from scanner.find.extractors.python.repo import (
    caller_pattern,
    may_call,
    modules_matching,
    python_modules,
    word_start,
)
from scanner.find.extractors.python.scope import release

HELPERS = (
    "from transformers import AutoModel\n"
    "def load(model_id):\n"
    "    return AutoModel.from_pretrained(model_id)\n"  # line 3, column 38
)
MIXIN = (
    "from transformers import AutoModel\n"
    "class Mixin:\n"
    "    def _test_model(self, model_id, config):\n"
    "        AutoModel.from_pretrained(model_id)\n"  # line 4, column 35
)

# (case, files written to the repository, the module extracted,
#  expected [(path, line, column, raw, via)],
#  expected unresolved [(path, line, column, expression)])
CROSS_MODULE = [
    (
        "relative import of the function",
        {"pkg/__init__.py": "", "pkg/app.py": 'from .helpers import load\nload("org/x")\n'},
        "pkg/helpers.py",
        [("pkg/app.py", 2, 6, "org/x", "load(model_id) at pkg/helpers.py:3")],
        [],
    ),
    (
        "absolute import, keyword argument, one reference per call",
        {
            "pkg/__init__.py": "",
            "main.py": 'from pkg.helpers import load\nload(model_id="org/x")\nload("org/x")\n',
        },
        "pkg/helpers.py",
        [
            ("main.py", 2, 15, "org/x", "load(model_id) at pkg/helpers.py:3"),
            ("main.py", 3, 6, "org/x", "load(model_id) at pkg/helpers.py:3"),
        ],
        [],
    ),
    (
        "called through its module",
        {"pkg/__init__.py": "", "run.py": 'from pkg import helpers\nhelpers.load("org/m")\n'},
        "pkg/helpers.py",
        [("run.py", 2, 14, "org/m", "load(model_id) at pkg/helpers.py:3")],
        [],
    ),
    (
        "import in parentheses, constant of the caller's module",
        {
            "pkg/__init__.py": "",
            "run.py": 'from pkg.helpers import (\n    load,\n)\nM = "org/c"\nload(M)\n',
        },
        "pkg/helpers.py",
        [("run.py", 5, 6, "org/c", "load(model_id) at pkg/helpers.py:3")],
        [],
    ),
    (
        "subclass in another module calls the inherited method with parametrized values",
        {
            "tests/__init__.py": "",
            "tests/test_a.py": "import pytest\nfrom .common import Mixin\n"
            "class TestA(Mixin):\n"
            '    @pytest.mark.parametrize("model_id", ["org/p1", "org/p2"])\n'
            "    def test_x(self, model_id):\n"
            "        self._test_model(model_id, {})\n",
        },
        "tests/common.py",
        [
            ("tests/test_a.py", 6, 26, "org/p1", "_test_model(model_id) at tests/common.py:4"),
            ("tests/test_a.py", 6, 26, "org/p2", "_test_model(model_id) at tests/common.py:4"),
        ],
        [],
    ),
    (
        "subclass in the same module",
        {},
        "tests/common.py",
        [("tests/common.py", 7, 26, "org/s", "_test_model(model_id) at tests/common.py:4")],
        [],
    ),
    (
        "constructor called from another module",
        {
            "app.py": 'from loader import Loader\nLoader("org/l")\n',
            "loader.py": "",  # replaced by the module extracted
        },
        "loader.py",
        [("app.py", 2, 8, "org/l", "Loader(name) at loader.py:4")],
        [],
    ),
    (
        "unknowable argument in another module is unresolved at its call",
        {
            "pkg/__init__.py": "",
            "pkg/app.py": 'from .helpers import load\nload(args.m)\nload("org/x")\n',
        },
        "pkg/helpers.py",
        [("pkg/app.py", 3, 6, "org/x", "load(model_id) at pkg/helpers.py:3")],
        [("pkg/app.py", 2, 6, "args.m")],
    ),
    (
        "a same-named function of another module is not a caller",
        {
            "pkg/__init__.py": "",
            "pkg/other.py": 'def load(m):\n    pass\nload("org/no")\n',
            "pkg/app.py": 'from .other import load\nload("org/no")\n',
        },
        "pkg/helpers.py",
        [],
        [("pkg/helpers.py", 3, 38, "model_id")],
    ),
    (
        "a class that does not inherit the method is not a caller",
        {
            "tests/test_b.py": "from .common import Mixin\nclass TestB:\n"
            "    def _test_model(self, model_id, config):\n        pass\n"
            '    def test_y(self):\n        self._test_model("org/no", {})\n'
        },
        "tests/common.py",
        [],
        [("tests/common.py", 4, 35, "model_id")],
    ),
    (
        "a subclass overriding the method calls its own",
        {
            "tests/test_c.py": "from .common import Mixin\nclass TestC(Mixin):\n"
            "    def _test_model(self, model_id, config):\n        pass\n"
            '    def test_z(self):\n        self._test_model("org/no", {})\n'
        },
        "tests/common.py",
        [],
        [("tests/common.py", 4, 35, "model_id")],
    ),
    (
        "a nested function cannot be imported",
        {"app.py": 'from helpers import load\nload("org/no")\n'},
        "helpers.py",
        [],
        [("helpers.py", 4, 42, "m")],
    ),
    (
        "no caller anywhere",
        {"pkg/__init__.py": "", "pkg/app.py": "import os\n"},
        "pkg/helpers.py",
        [],
        [("pkg/helpers.py", 3, 38, "model_id")],
    ),
]

SOURCES = {
    "pkg/helpers.py": HELPERS,
    "tests/common.py": MIXIN,
    "loader.py": "from transformers import AutoModel\nclass Loader:\n"
    "    def __init__(self, name):\n"
    "        self.m = AutoModel.from_pretrained(name)\n",
    "helpers.py": "from transformers import AutoModel\ndef outer():\n    def load(m):\n"
    "        return AutoModel.from_pretrained(m)\n    return load\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


@pytest.mark.parametrize(("case", "files", "path", "refs", "unresolved"), CROSS_MODULE,
                         ids=[c[0] for c in CROSS_MODULE])  # fmt: skip
def test_parameter_from_callers_in_other_modules(
    tmp_path: Path, case: str, files: dict[str, str], path: str,
    refs: list[tuple[str, int, int, str, str]], unresolved: list[tuple[str, int, int, str]],
) -> None:  # fmt: skip
    source = SOURCES[path]
    if case == "subclass in the same module":
        source += (
            'class TestS(Mixin):\n    def test_s(self):\n        self._test_model("org/s", {})\n'
        )
    _write(tmp_path, {**files, path: source})
    result = extract(path, source, RepoContext(tmp_path))
    assert [(r.path, r.line, r.column, r.raw, r.via) for r in result.refs] == refs
    assert [(u.path, u.line, u.column, u.expression) for u in result.unresolved] == unresolved
    assert result.errors == ()


def test_callers_beyond_the_module_bound_leave_the_use_unresolved(tmp_path: Path) -> None:
    files = {f"c{i:02}.py": f'from helpers import load\nload("org/m{i:02}")\n' for i in range(17)}
    _write(tmp_path, {**files, "helpers.py": HELPERS})
    result = extract("helpers.py", HELPERS, RepoContext(tmp_path))
    assert [r.raw for r in result.refs] == [f"org/m{i:02}" for i in range(16)]
    assert [(u.line, u.column, u.reason) for u in result.unresolved] == [
        (3, 38, "load() is called from more modules than are followed")
    ]


def test_candidate_modules_are_found_by_text(tmp_path: Path) -> None:
    _write(tmp_path, {
        "a.py": "from helpers import load\n", "b.py": "from helpers import (x,\n load)\n",
        "c.py": "helpers.load(1)\n", "d.py": "load = 1  # no import\n",
        ".venv/e.py": "import load\n",
        "f.txt": "import load\n",
    })  # fmt: skip
    ctx = RepoContext(tmp_path)
    assert [rel for rel, _ in python_modules(ctx)] == ["a.py", "b.py", "c.py", "d.py"]
    pattern = caller_pattern("load", ("helpers",), method=False)
    assert modules_matching(ctx, "load", pattern) == ("a.py", "b.py", "c.py")
    method = caller_pattern("_t", (), method=True)
    assert modules_matching(ctx, "load", method) == ()


# (case, module text, whether it may call ``load`` and so must be parsed)
MAY_CALL = [
    ("plain call", "load(1)\n", True),
    ("attribute call, spaces", "helpers . load (1)\n", True),
    ("line continuation", "load \\\n (1)\n", True),
    ("comment inside brackets", "f(load  # why\n  (1))\n", True),
    ("parenthesized name", "(load)(1)\n", True),
    ("imported, never called", "from helpers import load\nx = load\n", False),
    ("longer names only", "loader(1)\nreload(2)\n", False),
    ("parenthesis inside the comment only", "load  # (1)\n", False),
]


@pytest.mark.parametrize(("case", "text", "expected"), MAY_CALL, ids=[r[0] for r in MAY_CALL])
def test_may_call_screens_modules_before_parsing(
    tmp_path: Path, case: str, text: str, expected: bool
) -> None:
    _write(tmp_path, {"a.py": text})
    ctx = RepoContext(tmp_path)
    assert may_call(ctx, "a.py", "load") is expected
    assert may_call(ctx, "not_listed.py", "load") is True  # unknown text: parse to be sure


# (case, text, whether ``load`` starts a word in it: what ``\bload`` finds)
WORD_STARTS = [
    ("at the start of the text", "load(1)", True),
    ("after a space", "x = load", True),
    ("after a dot", "helpers.load", True),
    ("after a newline", "x\nload", True),
    ("inside a word", "reload", False),
    ("after a digit", "2load", False),
    ("after an underscore", "_load", False),
    ("after a non-ASCII letter", "éload", False),
    ("after a non-ASCII non-word", "\u2028load", True),
    ("only a prefix", "loa", False),
]


@pytest.mark.parametrize(("case", "text", "expected"), WORD_STARTS, ids=[r[0] for r in WORD_STARTS])
def test_word_start_finds_what_a_leading_word_boundary_finds(
    case: str, text: str, expected: bool
) -> None:
    assert (re.search(word_start("load"), text) is not None) is expected
    assert (re.search(r"\bload", text) is not None) is expected
    assert word_start("load").startswith("load")  # a literal first: the engine skips to it


def test_imported_but_uncalled_module_is_not_parsed(tmp_path: Path) -> None:
    _write(tmp_path, {
        "a.py": "from helpers import load\nx = load\n",
        "b.py": 'import helpers\nhelpers.load("org/b")\n',
        "helpers.py": HELPERS,
    })  # fmt: skip
    ctx = RepoContext(tmp_path)
    result = extract("helpers.py", HELPERS, ctx)
    assert [(r.path, r.raw, r.via) for r in result.refs] == [
        ("b.py", "org/b", "load(model_id) at helpers.py:3")
    ]
    assert result.unresolved == ()
    assert sorted(python_loader._parsed(ctx).modules) == ["b.py", "helpers.py"]


def test_module_cache_drops_the_oldest_half_at_its_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(python_loader, "MAX_CACHED_MODULES", 4)
    _write(tmp_path, {f"m{i}.py": f"def f{i}(): g{i}(1)\n" for i in range(6)})
    ctx = RepoContext(tmp_path)
    loaded = [load_module(ctx, f"m{i}.py") for i in (0, 1, 2, 3, 0, 4, 5)]
    assert [info.path if info else None for info in loaded] == [
        "m0.py",
        "m1.py",
        "m2.py",
        "m3.py",
        "m0.py",
        "m4.py",
        "m5.py",
    ]
    assert loaded[4] is loaded[0]  # a hit, and m0 is now the most recently used
    assert list(python_loader._parsed(ctx).modules) == ["m3.py", "m0.py", "m4.py", "m5.py"]
    assert load_module(ctx, "missing.py") is None and load_module(ctx, ".") is None
    assert "missing.py" not in python_loader._parsed(ctx).modules
    again = load_module(ctx, "m1.py")  # dropped: parsed again, same calls
    assert again is not None and again is not loaded[1]
    assert [s.node.func.value for s in calls_named(again, "g1")] == ["g1"]  # type: ignore[attr-defined]
    assert calls_named(again, "f1") == ()


def test_module_cache_keeps_its_code_under_its_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(python_loader, "MAX_CACHED_CODE", 40)  # 3 modules of 13 characters
    _write(tmp_path, {f"m{i}.py": f"def f{i}(): g{i}(1)\n" for i in range(5)})
    ctx = RepoContext(tmp_path)
    for i in range(3):
        load_module(ctx, f"m{i}.py")
    assert list(python_loader._parsed(ctx).modules) == ["m0.py", "m1.py", "m2.py"]
    load_module(ctx, "m3.py")  # over the cap: the oldest go until half of it is free
    assert list(python_loader._parsed(ctx).modules) == ["m3.py"]
    load_module(ctx, "m4.py")
    assert list(python_loader._parsed(ctx).modules) == ["m3.py", "m4.py"]


def test_a_dropped_module_is_released_when_the_next_file_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(python_loader, "MAX_CACHED_MODULES", 2)
    _write(tmp_path, {f"m{i}.py": f"X{i} = 'org/model-{i}'\n" for i in range(3)})
    ctx = RepoContext(tmp_path)
    first = load_module(ctx, "m0.py")
    assert first is not None
    scope = first.scope
    load_module(ctx, "m1.py")
    load_module(ctx, "m2.py")  # over the cap: m0 is dropped
    assert list(python_loader._parsed(ctx).modules) == ["m1.py", "m2.py"]
    assert list(scope.bindings) == ["X0"]  # a lookup of the file being extracted may use it
    python_loader.settle(ctx)  # the next file starts
    assert scope.bindings == {}


@pytest.mark.parametrize("released", [True, False])
def test_a_released_module_leaves_no_cycle_to_collect(released: bool) -> None:
    text = (  # scopes, comprehensions, and statements split in blocks by the pruner
        "import os\nfrom transformers import AutoModel\nX = 'org/m'\n"
        "class C:\n    def f(self, a=X):\n        self.y = [a for a in os.environ]\n"
        "def load(name, n):\n    if n:\n        for _ in range(n):\n"
        "            m = AutoModel.from_pretrained(name)\n    print(n)\n    return m\n"
    )
    python_loader.parse_tree("m.py", text, ast.parse(text), frozenset())  # first-use work
    gc.collect()
    gc.disable()  # no collection but the one counted
    try:
        info = python_loader.parse_tree("m.py", text, ast.parse(text), frozenset())
        if released:
            release(info)
        del info
        found = gc.collect()
    finally:
        gc.enable()
    assert (found == 0) is released


CONFIG = (
    "from dataclasses import dataclass, field\n"
    "from typing import NamedTuple\n"
    "from pydantic import BaseModel, Field\n"
    "from langchain.chat_models import init_chat_model\n"
)  # lines 1-4 of every case

# (case, body from line 5, expected [(line, column, raw, via)], expected unresolved lines)
INSTANCES = [
    (
        "dataclass keyword argument through a registry",
        "@dataclass\nclass ModelConfig:\n    id: str\n    name: str = ''\n"
        'MODELS = {"a": ModelConfig(id="openai:gpt-4o", name="A")}\n'
        'DEFAULT = MODELS["a"]\ninit_chat_model(model=DEFAULT.id)\n',
        [(11, 23, "gpt-4o", "ModelConfig.id at app.py:9")],
        [],
    ),
    (
        "dataclass positional argument, fields of the base first",
        "@dataclass\nclass Base:\n    provider: str\n@dataclass\nclass C(Base):\n    id: str\n"
        'init_chat_model(C("openai", "openai:o3").id)\n',
        [(11, 17, "o3", "C.id at app.py:11")],
        [],
    ),
    (
        "iterating instances",
        "class M(NamedTuple):\n    id: str\n"
        'ALL = [M("openai:gpt-4o"), M(id="anthropic:claude-3-opus")]\n'
        "for m in ALL:\n    init_chat_model(m.id)\n",
        [
            (9, 21, "claude-3-opus", "M.id at app.py:7"),
            (9, 21, "gpt-4o", "M.id at app.py:7"),
        ],
        [],
    ),
    (
        "class-level default read through an instance",
        'class Settings(BaseModel):\n    model: str = "openai:gpt-4o-mini"\n'
        "init_chat_model(Settings().model)\n",
        [(7, 17, "gpt-4o-mini", "Settings.model at app.py:6")],
        [],
    ),
    (
        "pydantic Field and dataclass field defaults",
        'class S(BaseModel):\n    model: str = Field(default="openai:o1")\n'
        '    other: str = Field("openai:o3", description="x")\n'
        '@dataclass\nclass D:\n    m: str = field(default="openai:gpt-4.1")\n'
        "init_chat_model(S().model)\ninit_chat_model(S().other)\ninit_chat_model(D().m)\n",
        [
            (11, 17, "o1", "S.model at app.py:6"),
            (12, 17, "o3", "S.other at app.py:7"),
            (13, 17, "gpt-4.1", "D.m at app.py:10"),
        ],
        [],
    ),
    (
        "constructor argument overrides the default",
        'class S(BaseModel):\n    model: str = "openai:o1"\n'
        'init_chat_model(S(model="openai:o3").model)\n',
        [(7, 17, "o3", "S.model at app.py:7")],
        [],
    ),
    (
        "__init__ stores its parameter: per instance, or its default",
        'class P:\n    def __init__(self, name="openai:gpt-4o"):\n        self.model = name\n'
        'init_chat_model(P("openai:o1").model)\ninit_chat_model(P().model)\n',
        [(8, 17, "o1", "P.model at app.py:8"), (9, 17, "gpt-4o", "name at app.py:6")],
        [],
    ),
    (
        "a class's own __init__: keywords are not attributes",
        "class P:\n    def __init__(self, model):\n        self.m = 'x'\n"
        'init_chat_model(P(model="openai:o1").model)\n',
        [],
        [8],
    ),
    (
        "unknowable constructor argument",
        "@dataclass\nclass C:\n    id: str\ninit_chat_model(C(id=args.model).id)\n",
        [],
        [8],
    ),
    (
        "a function's result is not an instance",
        'def make(id):\n    return id\ninit_chat_model(make(id="openai:o1").id)\n',
        [],
        [7],
    ),
    (
        "an imported library class is not known",
        'from lib import Config\ninit_chat_model(Config(id="openai:o1").id)\n',
        [],
        [6],
    ),
    (
        "field without a default",
        "@dataclass\nclass C:\n    id: str = field(repr=False)\ninit_chat_model(C().id)\n",
        [],
        [8],
    ),
]


@pytest.mark.parametrize(("case", "body", "refs", "unresolved"), INSTANCES,
                         ids=[c[0] for c in INSTANCES])  # fmt: skip
def test_attribute_of_an_instance(
    tmp_path: Path, case: str, body: str,
    refs: list[tuple[int, int, str, str]], unresolved: list[int],
) -> None:  # fmt: skip
    result = extract("app.py", CONFIG + body, RepoContext(tmp_path))
    assert [(r.line, r.column, r.raw, r.via) for r in result.refs] == refs
    assert [u.line for u in result.unresolved] == unresolved
    assert result.errors == ()


def test_instance_of_a_class_in_another_module(tmp_path: Path) -> None:
    _write(tmp_path, {
        "config.py": "from dataclasses import dataclass\n@dataclass\nclass Cfg:\n    model: str\n"
        'DEFAULT = Cfg(model="org/cfg")\n',
    })  # fmt: skip
    source = "from transformers import AutoModel\nfrom config import DEFAULT\n"
    source += "AutoModel.from_pretrained(DEFAULT.model)\n"
    result = extract("app.py", source, RepoContext(tmp_path))
    assert [(r.line, r.column, r.raw, r.via) for r in result.refs] == [
        (3, 27, "org/cfg", "Cfg.model at config.py:5")
    ]
    assert result.unresolved == ()
