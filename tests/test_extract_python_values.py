"""Value resolution: where the code keeps a model id, reported at the use site with ``via``."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.python import extract

HEAD = "import os\nfrom transformers import AutoModel\n"  # lines 1-2 of every case

# (case, body from line 3, expected [(line, column, raw, via)],
#  expected unresolved [(line, column, expression)])
CASES = [
    (
        "module constant",
        'MODEL = "org/a"\nAutoModel.from_pretrained(MODEL)\n',
        [(4, 27, "org/a", "MODEL at app.py:3")],
        [],
    ),
    (
        "annotated constant",
        'MODEL: str = "org/a"\nAutoModel.from_pretrained(MODEL)\n',
        [(4, 27, "org/a", "MODEL at app.py:3")],
        [],
    ),
    (
        "constant via constant",
        'A = "org/a"\nB = A\nAutoModel.from_pretrained(B)\n',
        [(5, 27, "org/a", "A at app.py:3")],
        [],
    ),
    (
        "every assigned value",
        'M = "org/a"\nif x:\n    M = "org/b"\nAutoModel.from_pretrained(M)\n',
        [(6, 27, "org/a", "M at app.py:3"), (6, 27, "org/b", "M at app.py:5")],
        [],
    ),
    (
        "tuple assignment",
        'A, B = "org/a", "org/b"\nAutoModel.from_pretrained(B)\n',
        [(4, 27, "org/b", "B at app.py:3")],
        [],
    ),
    (
        "self attribute",
        'class L:\n    MODEL = "org/a"\n    def load(self):\n'
        "        return AutoModel.from_pretrained(self.MODEL)\n",
        [(6, 42, "org/a", "L.MODEL at app.py:4")],
        [],
    ),
    (
        "cls attribute",
        'class L:\n    MODEL = "org/a"\n    @classmethod\n    def load(cls):\n'
        "        AutoModel.from_pretrained(cls.MODEL)\n",
        [(7, 35, "org/a", "L.MODEL at app.py:4")],
        [],
    ),
    (
        "class name attribute",
        'class L:\n    MODEL = "org/a"\nAutoModel.from_pretrained(L.MODEL)\n',
        [(5, 27, "org/a", "L.MODEL at app.py:4")],
        [],
    ),
    (
        "inherited attribute",
        'class Base:\n    MODEL = "org/a"\nclass L(Base):\n    def load(self):\n'
        "        AutoModel.from_pretrained(self.MODEL)\n",
        [(7, 35, "org/a", "Base.MODEL at app.py:4")],
        [],
    ),
    (
        "attribute set in __init__",
        'class L:\n    def __init__(self):\n        self.name = "org/a"\n    def load(self):\n'
        "        AutoModel.from_pretrained(self.name)\n",
        [(7, 35, "org/a", "L.name at app.py:5")],
        [],
    ),
    (
        "parameter default",
        'def load(name="org/a"):\n    AutoModel.from_pretrained(name)\n',
        [(4, 31, "org/a", "name at app.py:3")],
        [],
    ),
    (
        "parameter without default",
        "def load(name):\n    AutoModel.from_pretrained(name)\n",
        [],
        [(4, 31, "name")],
    ),
    (
        "concatenation",
        'ORG = "org/"\nAutoModel.from_pretrained(ORG + "a")\n',
        [(4, 27, "org/a", "ORG at app.py:3")],
        [],
    ),
    (
        "implicit concatenation",
        'AutoModel.from_pretrained("org/" "a")\n',
        [(3, 27, "org/a", None)],
        [],
    ),
    (
        "environ.get default",
        'AutoModel.from_pretrained(os.environ.get("MODEL", "org/a"))\n',
        [(3, 27, "org/a", None)],
        [],
    ),
    (
        "getenv default",
        'M = os.getenv("MODEL", default="org/a")\nAutoModel.from_pretrained(M)\n',
        [(4, 27, "org/a", "M at app.py:3")],
        [],
    ),
    (
        "environ.setdefault",
        'AutoModel.from_pretrained(os.environ.setdefault("M", "org/a"))\n',
        [(3, 27, "org/a", None)],
        [],
    ),
    (
        "environ without default",
        'AutoModel.from_pretrained(os.environ["MODEL"])\n',
        [],
        [(3, 27, 'os.environ["MODEL"]')],
    ),
    (
        "getenv without default",
        'AutoModel.from_pretrained(os.getenv("MODEL"))\n',
        [],
        [(3, 27, 'os.getenv("MODEL")')],
    ),
    (
        "f-string",
        'ORG = "org"\nSIZE = "7b"\nAutoModel.from_pretrained(f"{ORG}/m-{SIZE}")\n',
        [(5, 27, "org/m-7b", "ORG at app.py:3")],
        [],
    ),
    (
        "f-string with unknown part",
        'AutoModel.from_pretrained(f"org/{args.size}")\n',
        [],
        [(3, 27, 'f"org/{args.size}"')],
    ),
    (
        "iterate a list",
        'MODELS = ["org/a", "org/b"]\nfor m in MODELS:\n    AutoModel.from_pretrained(m)\n',
        [(5, 31, "org/a", "MODELS at app.py:3"), (5, 31, "org/b", "MODELS at app.py:3")],
        [],
    ),
    (
        "iterate a tuple literal",
        'for m in ("org/a", "org/b"):\n    AutoModel.from_pretrained(m)\n',
        [(4, 31, "org/a", "m at app.py:3"), (4, 31, "org/b", "m at app.py:3")],
        [],
    ),
    (
        "iterate dict keys",
        'D = {"org/a": 1, "org/b": 2}\nfor m in D:\n    AutoModel.from_pretrained(m)\n',
        [(5, 31, "org/a", "D at app.py:3"), (5, 31, "org/b", "D at app.py:3")],
        [],
    ),
    (
        "iterate dict items",
        'D = {"s": "org/a", "l": "org/b"}\nfor k, v in D.items():\n'
        "    AutoModel.from_pretrained(v)\n",
        [(5, 31, "org/a", "D at app.py:3"), (5, 31, "org/b", "D at app.py:3")],
        [],
    ),
    (
        "comprehension",
        'L = ["org/a"]\nms = [AutoModel.from_pretrained(n) for n in L]\n',
        [(4, 33, "org/a", "L at app.py:3")],
        [],
    ),
    (
        "list of dicts",
        'CFG = [{"id": "org/a"}, {"id": "org/b"}]\nfor c in CFG:\n'
        '    AutoModel.from_pretrained(c["id"])\n',
        [(5, 31, "org/a", "CFG at app.py:3"), (5, 31, "org/b", "CFG at app.py:3")],
        [],
    ),
    (
        "index by key",
        'D = {"s": "org/a", "l": "org/b"}\nAutoModel.from_pretrained(D["l"])\n',
        [(4, 27, "org/b", "D at app.py:3")],
        [],
    ),
    (
        "index by position",
        'L = ["org/a", "org/b"]\nAutoModel.from_pretrained(L[0])\n'
        "AutoModel.from_pretrained(L[-1])\n",
        [(4, 27, "org/a", "L at app.py:3"), (5, 27, "org/b", "L at app.py:3")],
        [],
    ),
    (
        "missing key",
        'D = {"s": "org/a"}\nAutoModel.from_pretrained(D["x"])\n',
        [],
        [(4, 27, 'D["x"]')],
    ),
    (
        "dict.get present",
        'D = {"s": "org/a"}\nAutoModel.from_pretrained(D.get("s", "org/z"))\n',
        [(4, 27, "org/a", "D at app.py:3")],
        [],
    ),
    (
        "dict.get default",
        'D = {"s": "org/a"}\nAutoModel.from_pretrained(D.get("x", "org/z"))\n',
        [(4, 27, "org/z", None)],
        [],
    ),
    (
        "conditional expression",
        'AutoModel.from_pretrained("org/a" if big else "org/b")\n',
        [(3, 27, "org/a", None), (3, 27, "org/b", None)],
        [],
    ),
    (
        "or default",
        'AutoModel.from_pretrained(args.model or "org/a")\n',
        [(3, 27, "org/a", None)],
        [(3, 27, 'args.model or "org/a"')],
    ),
    (
        "attribute of unknown",
        "AutoModel.from_pretrained(args.model)\n",
        [],
        [(3, 27, "args.model")],
    ),
    ("call result", "AutoModel.from_pretrained(pick_model())\n", [], [(3, 27, "pick_model()")]),
    ("self reference", "M = M + 'x'\nAutoModel.from_pretrained(M)\n", [], [(4, 27, "M")]),
    (
        "multi-line argument",
        'AutoModel.from_pretrained(\n    "org/"\n    "a",\n)\n',
        [(4, 5, "org/a", None)],
        [],
    ),
    (
        "path join is local",
        'AutoModel.from_pretrained(os.path.join(os.path.dirname(__file__), "m"))\n',
        [],
        [],
    ),
]


@pytest.mark.parametrize(("case", "body", "refs", "unresolved"), CASES, ids=[c[0] for c in CASES])
def test_value_resolution(
    tmp_path: Path, case: str, body: str,
    refs: list[tuple[int, int, str, str | None]], unresolved: list[tuple[int, int, str]],
) -> None:  # fmt: skip
    result = extract("app.py", HEAD + body, RepoContext(tmp_path))
    assert [(r.line, r.column, r.raw, r.via) for r in result.refs] == refs
    assert [(u.line, u.column, u.expression) for u in result.unresolved] == unresolved
    assert result.errors == ()


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


MODULE_CASES = [
    (
        "relative import",
        {"pkg/__init__.py": "", "pkg/config.py": 'X = 1\nMODEL_ID = "org/a"\n'},
        "pkg/app.py",
        "from .config import MODEL_ID\nAutoModel.from_pretrained(MODEL_ID)\n",
        [(2, 27, "org/a", "MODEL_ID at pkg/config.py:2")],
        [],
    ),
    (
        "parent-relative import",
        {"pkg/settings.py": 'MODEL = "org/a"\n', "pkg/sub/__init__.py": ""},
        "pkg/sub/app.py",
        "from ..settings import MODEL as M\nAutoModel.from_pretrained(M)\n",
        [(2, 27, "org/a", "MODEL at pkg/settings.py:1")],
        [],
    ),
    (
        "absolute import from src layout",
        {"src/pkg/__init__.py": "", "src/pkg/config.py": 'MODEL_ID = "org/a"\n'},
        "src/pkg/train.py",
        "from pkg.config import MODEL_ID\nAutoModel.from_pretrained(MODEL_ID)\n",
        [(2, 27, "org/a", "MODEL_ID at src/pkg/config.py:1")],
        [],
    ),
    (
        "module attribute",
        {"config.py": 'import os\nMODEL_ID = os.getenv("M", "org/a")\n'},
        "scripts/run.py",
        "import config\nAutoModel.from_pretrained(config.MODEL_ID)\n",
        [(2, 27, "org/a", "MODEL_ID at config.py:2")],
        [],
    ),
    (
        "submodule from package",
        {"pkg/__init__.py": "", "pkg/config.py": 'MODEL_ID = "org/a"\n'},
        "app.py",
        "from pkg import config\nAutoModel.from_pretrained(config.MODEL_ID)\n",
        [(2, 27, "org/a", "MODEL_ID at pkg/config.py:1")],
        [],
    ),
    (
        "re-export through __init__",
        {
            "pkg/__init__.py": "from .consts import MODEL_ID\n",
            "pkg/consts.py": 'MODEL_ID = "org/a"\n',
        },
        "app.py",
        "from pkg import MODEL_ID\nAutoModel.from_pretrained(MODEL_ID)\n",
        [(2, 27, "org/a", "MODEL_ID at pkg/consts.py:1")],
        [],
    ),
    (
        "star import",
        {"consts.py": 'MODEL_ID = "org/a"\n'},
        "app.py",
        "from consts import *\nAutoModel.from_pretrained(MODEL_ID)\n",
        [(2, 27, "org/a", "MODEL_ID at consts.py:1")],
        [],
    ),
    (
        "list in another module",
        {"consts.py": 'MODELS = ["org/a", "org/b"]\n'},
        "app.py",
        "from consts import MODELS\nfor m in MODELS:\n    AutoModel.from_pretrained(m)\n",
        [(3, 31, "org/a", "MODELS at consts.py:1"), (3, 31, "org/b", "MODELS at consts.py:1")],
        [],
    ),
    (
        "import cycle",
        {"a.py": "from b import X\n", "b.py": "from a import X\n"},
        "app.py",
        "from a import X\nAutoModel.from_pretrained(X)\n",
        [],
        [(2, 27, "X")],
    ),
    (
        "module not in the repository",
        {},
        "app.py",
        "from settings import MODEL\nAutoModel.from_pretrained(MODEL)\n",
        [],
        [(2, 27, "MODEL")],
    ),
    (
        "name missing in module",
        {"consts.py": "OTHER = 1\n"},
        "app.py",
        "from consts import MODEL\nAutoModel.from_pretrained(MODEL)\n",
        [],
        [(2, 27, "MODEL")],
    ),
    (
        "unparsable module",
        {"consts.py": "MODEL = (\n"},
        "app.py",
        "from consts import MODEL\nAutoModel.from_pretrained(MODEL)\n",
        [],
        [(2, 27, "MODEL")],
    ),
]


@pytest.mark.parametrize(("case", "files", "path", "body", "refs", "unresolved"), MODULE_CASES,
                         ids=[c[0] for c in MODULE_CASES])  # fmt: skip
def test_constant_from_another_module(
    tmp_path: Path, case: str, files: dict[str, str], path: str, body: str,
    refs: list[tuple[int, int, str, str | None]], unresolved: list[tuple[int, int, str]],
) -> None:  # fmt: skip
    _write(tmp_path, files)
    source = "from transformers import AutoModel\n" + body
    result = extract(path, source, RepoContext(tmp_path))
    assert [(r.line - 1, r.column, r.raw, r.via) for r in result.refs] == refs
    assert [(u.line - 1, u.column, u.expression) for u in result.unresolved] == unresolved
    assert result.errors == ()


def test_path_constant_naming_a_repo_folder_is_local(tmp_path: Path) -> None:
    (tmp_path / "models" / "tiny").mkdir(parents=True)
    source = HEAD + 'HERE = "models"\nAutoModel.from_pretrained(os.path.join(HERE, "tiny"))\n'
    result = extract("app.py", source, RepoContext(tmp_path))
    assert [(r.line, r.column, r.kind.value, r.raw) for r in result.refs] == [
        (4, 27, "local", "models/tiny")
    ]
