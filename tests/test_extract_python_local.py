"""Local folders are not models; pytest parametrize rows and string formatting resolve to models.

Each case: source from line 4 (lines 1-3 are HEAD), the exact references
[(line, column, kind, raw, via)] and the exact unresolved list [(line, column, expression)].
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.python import extract
from scanner.find.extractors.python.local import is_folder_name
from scanner.types import RefKind

HEAD = "import pytest\nfrom peft import PeftModel\nfrom transformers import AutoModel\n"
HF = RefKind.HUGGINGFACE

Ref = tuple[int, int, RefKind, str, str | None]
Missing = tuple[int, int, str]

FOLDERS: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "output_dir parameter with a default, saved then loaded",
        'def train(output_dir: str = "glora"):\n'
        '    model = AutoModel.from_pretrained("org/base")\n'
        "    model.save_pretrained(output_dir)\n"
        "    PeftModel.from_pretrained(model, output_dir)\n",
        [(5, 39, HF, "org/base", None)],
        [],
    ),
    (
        "any parameter saved to before it is loaded",
        'def train(out="glora"):\n'
        "    model.save_pretrained(out)\n"
        "    PeftModel.from_pretrained(model, out)\n",
        [],
        [],
    ),
    (
        "saved with the save_directory keyword, trainer.save_model, torch.save",
        "import torch\n"
        "def f(a, b, c):\n"
        "    model.save_pretrained(save_directory=a)\n"
        "    trainer.save_model(b)\n"
        "    torch.save(model.state_dict(), c)\n"
        "    AutoModel.from_pretrained(a)\n"
        "    AutoModel.from_pretrained(b)\n"
        "    AutoModel.from_pretrained(c)\n",
        [],
        [],
    ),
    (
        "a folder keyword of any call is a destination",
        "def f(name, where):\n"
        "    TrainingArguments(output_dir=where)\n"
        "    snapshot_download(name, local_dir=name)\n"
        "    AutoModel.from_pretrained(where)\n"
        "    AutoModel.from_pretrained(name)\n",
        [],
        [],
    ),
    (
        "a saved string literal is a folder",
        'model.save_pretrained("my-model")\nAutoModel.from_pretrained("my-model")\n',
        [],
        [],
    ),
    (
        "loaded before it is saved: a Hub download cached locally stays a model",
        'def f(name="org/a"):\n'
        "    model = AutoModel.from_pretrained(name)\n"
        "    model.save_pretrained(name)\n",
        [(5, 39, HF, "org/a", "name at app.py:4")],
        [],
    ),
    (
        "a save in another function does not make the name local here",
        'def save(name):\n    model.save_pretrained(name)\ndef load(name="org/a"):\n'
        "    AutoModel.from_pretrained(name)\n",
        [(7, 31, HF, "org/a", "name at app.py:6")],
        [],
    ),
    (
        "a comprehension belongs to its function",
        "def f(out):\n"
        "    model.save_pretrained(out)\n"
        "    [AutoModel.from_pretrained(out) for _ in range(2)]\n",
        [],
        [],
    ),
    (
        "folder-named variables, attributes and keys",
        "def f(args, tmp_path, cfg):\n"
        "    AutoModel.from_pretrained(tmp_path)\n"
        "    AutoModel.from_pretrained(args.output_dir)\n"
        '    AutoModel.from_pretrained(cfg["cache_dir"])\n'
        '    AutoModel.from_pretrained(cfg.get("save_path"))\n'
        "    AutoModel.from_pretrained(str(tmp_path))\n"
        '    AutoModel.from_pretrained(f"{tmp_path}/ckpt")\n'
        "    tmp_dirname = make()\n"
        "    AutoModel.from_pretrained(tmp_dirname)\n",
        [],
        [],
    ),
    (
        "names that often hold Hub ids are not folders",
        "def f(model_path, model_name_or_path, path):\n"
        "    AutoModel.from_pretrained(model_path)\n"
        "    AutoModel.from_pretrained(model_name_or_path)\n"
        "    AutoModel.from_pretrained(path)\n",
        [],
        [(5, 31, "model_path"), (6, 31, "model_name_or_path"), (7, 31, "path")],
    ),
    (
        "a / with a string operand is a path object",
        "def f(tmp_path, base, name):\n"
        '    AutoModel.from_pretrained(tmp_path / "adapter0")\n'
        '    AutoModel.from_pretrained(base / "adapter0")\n'
        '    AutoModel.from_pretrained("root" / base)\n'
        "    AutoModel.from_pretrained(base / name)\n",
        [],
        [(8, 31, "base / name")],
    ),
]

PARAMETRIZE: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "one name, literal rows",
        '@pytest.mark.parametrize("model_id", ["org/a", "org/b"])\n'
        "def test_load(model_id):\n"
        "    AutoModel.from_pretrained(model_id)\n",
        [
            (6, 31, HF, "org/a", "model_id at app.py:4"),
            (6, 31, HF, "org/b", "model_id at app.py:4"),
        ],
        [],
    ),
    (
        "tuple of names, tuple rows, pytest.param and ids",
        '@pytest.mark.parametrize(\n    "name, model_id",\n'
        '    [("a", "org/a"), pytest.param("b", "org/b", marks=pytest.mark.slow)],\n'
        '    ids=["a", "b"],\n)\n'
        "def test_load(name, model_id):\n"
        "    AutoModel.from_pretrained(model_id)\n",
        [
            (10, 31, HF, "org/a", "model_id at app.py:4"),
            (10, 31, HF, "org/b", "model_id at app.py:4"),
        ],
        [],
    ),
    (
        "names as a list, rows from a module-level list",
        'MODELS = [("org/a", 1), pytest.param("org/b", 2, id="b")]\n'
        '@pytest.mark.parametrize(["model_id", "size"], MODELS)\n'
        "def test_load(model_id, size):\n"
        "    AutoModel.from_pretrained(model_id)\n",
        [
            (7, 31, HF, "org/a", "MODELS at app.py:4"),
            (7, 31, HF, "org/b", "MODELS at app.py:4"),
        ],
        [],
    ),
    (
        "one name wrapped in pytest.param, stacked decorators",
        '@pytest.mark.parametrize("model_id", [pytest.param("org/a", marks=skip)])\n'
        '@pytest.mark.parametrize("revision", ["main"])\n'
        "def test_load(model_id, revision):\n"
        "    AutoModel.from_pretrained(model_id, revision=revision)\n",
        [(7, 31, HF, "org/a", "model_id at app.py:4")],
        [],
    ),
    (
        "class-level parametrize reaches every method",
        '@pytest.mark.parametrize("model_id", ["org/a"])\n'
        "class TestLoad:\n"
        "    def test_load(self, model_id):\n"
        "        AutoModel.from_pretrained(model_id)\n",
        [(7, 35, HF, "org/a", "model_id at app.py:4")],
        [],
    ),
    (
        "indirect parametrize feeds a fixture, not the parameter",
        '@pytest.mark.parametrize("model_id", ["fixture-arg"], indirect=True)\n'
        "def test_load(model_id):\n"
        "    AutoModel.from_pretrained(model_id)\n",
        [],
        [(6, 31, "model_id")],
    ),
    (
        "a parameter the decorator does not name stays unknown",
        '@pytest.mark.parametrize("other", ["x"])\n'
        "def test_load(model_id, other):\n"
        "    AutoModel.from_pretrained(model_id)\n",
        [],
        [(6, 31, "model_id")],
    ),
]

OWN_METHODS: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "a repository class's own from_pretrained takes namespaced ids only",
        "class Mock:\n"
        "    @classmethod\n"
        "    def from_pretrained(cls, name):\n"
        "        return cls()\n"
        "class Sub(Mock):\n    pass\n"
        "class TestX:\n"
        "    model_class = Mock\n"
        "    def test(self):\n"
        '        self.model_class.from_pretrained("MLP")\n'
        '        Sub.from_pretrained("Conv1d")\n'
        '        Sub.from_pretrained("org/wrapped")\n',
        [(15, 29, HF, "org/wrapped", None)],
        [],
    ),
    (
        "inherited library loaders and library imports keep the table row",
        "class Net(AutoModel):\n    pass\n"
        'Net.from_pretrained("gpt2")\n'
        'PeftModel.from_pretrained(base, "org/adapter")\n',
        [(6, 21, HF, "gpt2", None), (7, 33, HF, "org/adapter", None)],
        [],
    ),
]

FORMATTING: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "percent formatting with a tuple and a single value",
        'ORG = "org"\nAutoModel.from_pretrained("%s/%s" % (ORG, "a"))\n'
        'AutoModel.from_pretrained("org/%s" % "b")\n'
        'AutoModel.from_pretrained("org/%s-%d" % ("c", 1))\n',
        [(5, 27, HF, "org/a", "ORG at app.py:4"), (6, 27, HF, "org/b", None)],
        [(7, 27, '"org/%s-%d" % ("c", 1)')],
    ),
    (
        "str.format with automatic, numbered and keyword fields",
        'AutoModel.from_pretrained("{}/{}".format("org", "a"))\n'
        'AutoModel.from_pretrained("{1}/{0}".format("b", "org"))\n'
        'AutoModel.from_pretrained("{org}/{name}-{size}".format(org="org", name="c", size=7))\n',
        [(4, 27, HF, "org/a", None), (5, 27, HF, "org/b", None), (6, 27, HF, "org/c-7", None)],
        [],
    ),
    (
        "run-time formatting is unknown",
        'AutoModel.from_pretrained("{:>9}".format("org"))\n'
        'AutoModel.from_pretrained("{}/{}".format(*parts))\n'
        'AutoModel.from_pretrained("{}/{}".format("org"))\n',
        [],
        [
            (4, 27, '"{:>9}".format("org")'),
            (5, 27, '"{}/{}".format(*parts)'),
            (6, 27, '"{}/{}".format("org")'),
        ],
    ),
]


def _run(tmp_path: Path, body: str) -> tuple[list[Ref], list[Missing]]:
    result = extract("app.py", HEAD + body, RepoContext(tmp_path))
    assert result.errors == ()
    refs = [(r.line, r.column, r.kind, r.raw, r.via) for r in result.refs]
    return refs, [(u.line, u.column, u.expression) for u in result.unresolved]


@pytest.mark.parametrize(
    ("case", "body", "refs", "missing"), FOLDERS + PARAMETRIZE + OWN_METHODS + FORMATTING
)
def test_resolution(tmp_path: Path, case: str, body: str, refs: list[Ref],
                    missing: list[Missing]) -> None:  # fmt: skip
    assert _run(tmp_path, body) == (refs, missing), case


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("output_dir", True),
        ("save_dir", True),
        ("cache_dir", True),
        ("checkpoint_dir", True),
        ("tmp_dirname", True),
        ("tmpdirname", True),
        ("tmp_path", True),
        ("tmpdir", True),
        ("tmp_dir", True),
        ("temp_dir", True),
        ("save_path", True),
        ("output_path", True),
        ("OUTPUT_DIR", True),
        ("local_dir", True),
        ("model_path", False),
        ("model_name_or_path", False),
        ("model_id", False),
        ("path", False),
        ("checkpoint", False),
        ("directory_name", False),
        ("tmp_model", False),
        ("lora_path", False),
    ],
)
def test_folder_names(name: str, folder: bool) -> None:
    assert is_folder_name(name) is folder
