"""A staged file with top-level statements inserted that nothing reads is served from the
cached extraction of its earlier version, every position after them moved (``shift``); any
other edit extracts it again; the output always equals a scan without the cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from extracted import Edited, edited, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.find import codehash, shift
from scanner.types import Extraction, FileError, ModelRef, RefKind, SourceKind, Use, UseKind

MODELS = '''"""Models of the demo."""

from transformers import AutoModel, AutoTokenizer, Trainer

DEFAULT = "bert-base-uncased"


@register("encoder")
def load(name=DEFAULT):
    """Load a model."""
    return AutoModel.from_pretrained(name)


class Wrapper:
    model_id = "gpt2"

    def build(self):
        return AutoTokenizer.from_pretrained(self.model_id)


def train(args):
    model = AutoModel.from_pretrained("openai-community/gpt2")
    Trainer(model=model).train()
    AutoModel.from_pretrained(args.model)
    return AutoModel.from_pretrained(
        "google-bert/bert-base-cased",
    )


def fetch(checkpoint):
    return AutoModel.from_pretrained(checkpoint)
'''
FILES = {
    "models.py": MODELS,
    "app.py": 'from models import fetch\nfetch("distilbert/distilbert-base-uncased")\n',
    "main.py": "from models import DEFAULT\nfrom transformers import AutoModel\n\n"
    "AutoModel.from_pretrained(DEFAULT)\n",
}
NEW = "_EDITED_BY_BENCH = {}\n"


def _at(anchor: str, inserted: str = NEW, text: str = MODELS) -> str:
    """``text`` with ``inserted`` right before the line that starts with ``anchor``."""
    at = text.index("\n" + anchor) + 1 if not text.startswith(anchor) else 0
    return text[:at] + inserted + text[at:]


def _edited(tmp: Path, monkeypatch: pytest.MonkeyPatch, edit: dict[str, str]) -> Edited:
    return edited(tmp, monkeypatch, FILES, edit)


MULTI_LINE = '_TABLE = {\n    "a": [1, 2],\n    "b": (\n        3,\n    ),\n}\n'
SERVED: list[str] = []  # main.py's entry too: the slice of models.py it read only moved
MISSED = ["main.py", "models.py"]  # and the slice main.py read changed


@pytest.mark.parametrize(
    ("after", "again"),
    [
        # inert statements inserted at top level: served, positions moved
        (_at("from transformers"), SERVED),  # after the docstring
        (_at("DEFAULT"), SERVED),  # between the imports and the constants
        (_at("@register"), SERVED),  # before a decorated function (the hook's edit)
        (_at("class Wrapper"), SERVED),  # in the middle
        (MODELS + "\n" + NEW, SERVED),  # at the end
        (_at("def train", NEW + "\n\n" + NEW.replace("BENCH", "TWICE"), _at("@register")),
         SERVED),  # several runs, blank lines around them
        (_at("class Wrapper", MULTI_LINE), SERVED),  # a multi-line statement
        (_at("class Wrapper", "\n\n# a comment block\n\n"), SERVED),  # lines, no statement
        (_at("@register", '_ID = "meta-llama/Llama-2-7b-hf"\n'), SERVED),  # no call: not read
        (_at("@register", "_X: int = 1 if _Y else 2\n"), SERVED),  # unbound names of its own
        # what an extraction may read: extracted again
        (_at("@register", "_X = DEFAULT\n"), MISSED),  # a name the module mentions
        (_at("@register", "name = 1\n"), MISSED),  # a parameter's name
        (_at("@register", "_M = AutoModel.from_pretrained('gpt2')\n"), MISSED),  # a call
        (_at("@register", "_M = dict(model='gpt2')\n"), MISSED),  # any call
        (_at("@register", "import os\n"), MISSED),  # an import
        (_at("@register", "__all__ = ['load']\n"), MISSED),  # what every slice reads
        (_at("@register", "_G = globals\n"), MISSED),  # a dynamic construct
        # not a top-level insertion
        (_at("    return AutoModel.from_pretrained(name)", "    _X = 1\n"), MISSED),
        (_at("    def build", "    _X = 1\n\n"), MISSED),  # in a class body
        (MODELS.replace('DEFAULT = "bert-base-uncased"', 'DEFAULT = "bert-base-uncased"; _X = 1'),
         MISSED),  # on a line of its own only
        (MODELS.replace("class Wrapper:\n", "class Wrapper:\n\n"), MISSED),  # in a statement
        (MODELS.replace('    )\n', '\n    )\n'), MISSED),  # blank line in brackets
        # the docstring: nothing inserted before it, nor a new one
        (NEW + MODELS, MISSED),
        (_at("from transformers", '"""Another string."""\n'), SERVED),  # not the first
        # moved or deleted statements
        (MODELS.replace('DEFAULT = "bert-base-uncased"\n', "")
         .replace("\n\nclass Wrapper", '\nDEFAULT = "bert-base-uncased"\n\nclass Wrapper'),
         MISSED),
        (MODELS.replace('DEFAULT = "bert-base-uncased"\n', '_X = 1\n'), MISSED),
    ],
)  # fmt: skip
def test_an_insertion_is_served_moved_exactly_when_nothing_can_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: str, again: list[str]
) -> None:
    extracted, warm, cold = _edited(tmp_path, monkeypatch, {"models.py": after})
    assert sorted(extracted) == again
    assert warm == cold


def test_positions_after_the_insertion_move_and_those_before_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    after = _at("class Wrapper", MULTI_LINE)  # 6 lines before line 16
    extracted, warm, cold = _edited(tmp_path, monkeypatch, {"models.py": after})
    assert extracted == []
    refs = [(r.path, r.line, r.column, r.raw, r.via) for r in warm[0].refs]
    assert refs == [
        ("app.py", 2, 7, "distilbert/distilbert-base-uncased", "fetch(checkpoint) at models.py:37"),
        ("models.py", 11, 38, "bert-base-uncased", "DEFAULT at models.py:5"),
        ("models.py", 18 + 6, 46, "gpt2", "Wrapper.model_id at models.py:21"),
        ("models.py", 22 + 6, 39, "openai-community/gpt2", None),
        ("models.py", 26 + 6, 9, "google-bert/bert-base-cased", None),
    ]
    assert [(u.line, u.kind) for u in warm[0].uses] == [(23 + 6, UseKind.FINE_TUNING)]
    assert [(u.line, u.expression) for u in warm[0].unresolved] == [(24 + 6, "args.model")]
    assert warm == cold


@pytest.mark.parametrize(
    ("edit", "again", "line"),
    [
        # the caller's module: models.py's entry found the model there, and moves it
        ({"app.py": FILES["app.py"].replace("\nfetch", "\n\n_X = {}\n\nfetch")}, [], 5),
        ({"app.py": FILES["app.py"].replace("\nfetch", "\n_X = fetch\nfetch")},
         ["app.py", "models.py"], 3),  # it mentions the function searched for
        ({"app.py": "_X = 1\n" + FILES["app.py"], "main.py": "_Y = 2\n" + FILES["main.py"]},
         [], 3),  # several files moved at once
    ],
)  # fmt: skip
def test_an_entry_that_read_a_module_that_moved_is_served_moved(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: dict[str, str],
    again: list[str],
    line: int,
) -> None:
    extracted, warm, cold = _edited(tmp_path, monkeypatch, edit)
    assert sorted(extracted) == again
    assert [ref.line for ref in warm[0].refs if ref.path == "app.py"] == [line]
    assert warm == cold


# -- the pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "found"),
    [
        ("abc", "abc", [0, 1, 2]),
        ("abc", "xabc", [1, 2, 3]),
        ("abc", "axbyc", [0, 2, 4]),
        ("abc", "abcx", [0, 1, 2]),
        ("abc", "acb", None),  # moved
        ("abc", "ac", None),  # deleted
        ("aab", "aaab", [0, 1, 3]),  # the common prefix first
        ("", "xy", []),
    ],
)
def test_an_embedding_keeps_the_order_and_inserts_only(
    old: str, new: str, found: list[int] | None
) -> None:
    assert shift.embedding(list(old), list(new)) == found


@pytest.mark.parametrize(
    ("old", "new", "names", "lines"),
    [
        ("x = 1\ny = x\n", "x = 1\n_z = 2\ny = x\n", "", [1, 3]),
        ("x = 1\ny = x\n", "x = 1\n_z = 2\ny = x\n", "_z", None),  # a name looked up
        ("x = 1\ny = x\n", "x = 1\n_z = x\ny = x\n", "", None),  # mentions x
        ("x = 1\ny = x\n", "x = 1\n\n\n# c\ny = x\n", "", [1, 5]),  # blank lines only
        ("x = [\n1]\n", "_z = 0\nx = [\n1]\n", "", [2, 3]),
        ("x = (\n1)\n", "x = (\n\n1)\n", "", None),  # the gap inside a statement
        ('s = """\na\n\nb"""\n', 's = """\na\n   \nb"""\n', "", None),  # inside a string
        ('s = """\na\n\nb"""\n', '_z = 1\ns = """\na\n\nb"""\n', "", [2, 3, None, 5]),
        ("x = 1\r\ny = x\r\n", "x = 1\r\n_z = 2\r\ny = x\r\n", "", [1, 3]),
        ("x = 1\n", "x = 1\nif True:\n    _z = 2\n", "", [1]),  # compound, binds its own
        ("x = 1\n", "x = 1\nfor x in ():\n    pass\n", "", None),  # binds x
    ],
)
def test_moves_maps_each_old_line_of_code_or_proves_nothing(
    old: str, new: str, names: str, lines: list[int] | None
) -> None:
    where = shift.moves(new, shift.layout(old), frozenset(names.split()))
    count = len(old.splitlines())
    assert (None if where is None else [where(line) for line in range(1, count + 1)]) == lines


def test_positions_in_the_file_move_and_those_elsewhere_stay() -> None:
    where = shift.moves("x = 1\n_z = 2\n\ny = x\n", shift.layout("x = 1\n\ny = x\n"), frozenset())
    assert where is not None
    caller = ModelRef("b.py", 9, 1, RefKind.HUGGINGFACE, "gpt2", "py.x", SourceKind.PYTHON,
                      via="y at a.py:3")  # fmt: skip
    own = ModelRef("a.py", 3, 5, RefKind.HUGGINGFACE, "gpt2", "py.x", SourceKind.PYTHON,
                   via="M at b.py:3", uses=(Use(UseKind.EXPORT, "a.py", 3, 1, "f"),))  # fmt: skip
    found = shift.moved(Extraction(refs=(caller, own)), "a.py", where)
    assert found is not None
    assert [(r.path, r.line, r.via, [u.line for u in r.uses]) for r in found.refs] == [
        ("b.py", 9, "y at a.py:4", []),
        ("a.py", 4, "M at b.py:3", [4]),
    ]
    on_a_blank_line = Extraction(uses=(Use(UseKind.EXPORT, "a.py", 2, 1, "f"),))
    assert shift.moved(on_a_blank_line, "a.py", where) is None
    assert shift.moved(Extraction(errors=(FileError("a.py", "x", 3),)), "a.py", where) is None


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {},
        [[1]],
        [[0, 1, "a", "b"]],
        [[2, 1, "a", "b"]],
        [[1, 1, 2, "b"]],
        [[True, 1, "a", "b"]],
    ],
)
def test_a_damaged_layout_is_none(raw: object) -> None:
    assert shift.from_json(raw) is None


# -- random inert insertions into small real-looking modules ---------------------------------

DOCSTRING = '"""A module of the demo."""\n'
IMPORTS = "import os\n\nfrom transformers import AutoModel, AutoTokenizer, Trainer\n"
PARTS = [
    'MODEL = "bert-base-uncased"\n',
    'CHECKPOINTS = {\n    "small": "google/flan-t5-small",\n'
    '    "base": "google/flan-t5-base",\n}\n',
    "def load(name=MODEL):\n    return AutoModel.from_pretrained(name)\n",
    "@decorate\ndef tokenizer():\n    return AutoTokenizer.from_pretrained(\n"
    "        CHECKPOINTS['small']\n    )\n",
    "class Runner:\n    model = 'openai-community/gpt2'\n\n    def run(self):\n"
    "        model = AutoModel.from_pretrained(self.model)\n        Trainer(model=model).train()\n",
    "def main(args):\n    AutoModel.from_pretrained(args.model or os.environ['M'])\n",
    "if __name__ == '__main__':\n    main(None)\n",
]
INERT = [
    "{} = {{}}\n", "{} = [\n    1,\n    2,\n]\n", "{}: int = 3\n", "{} = 'meta-llama/Llama-2-7b'\n",
    "{} = (1, 'two')  # a comment\n", "class {}:\n    value = 1\n", "def {}():\n    return 1\n",
    "if {0}_flag:\n    {0} = 1\n",
]  # fmt: skip
READ = [
    "{} = MODEL\n",
    "{} = load('gpt2')\n",
    "MODEL = '{}'\n",
    "import {}\n",
    "__all__ = ['{}']\n",
]


@st.composite
def _insertions(draw: st.DrawFn) -> tuple[str, str, bool]:
    """A module, the same with statements inserted between its top-level statements (blank
    lines around them), and whether they are all inert (then it must be served)."""
    parts = draw(st.lists(st.sampled_from(PARTS), min_size=1, max_size=5, unique=True))
    docstring = draw(st.booleans())
    statements = [DOCSTRING] * docstring + [IMPORTS, *parts]
    edited = [[statement] for statement in statements]
    inert = True
    for index in range(draw(st.integers(1, 3))):
        read = draw(st.integers(0, 9)) == 0
        template = draw(st.sampled_from(READ if read else INERT))
        at = draw(st.integers(0, len(statements)))
        inert &= not read and not (docstring and at == 0)
        blank = "\n" * draw(st.integers(0, 2))
        edited[min(at, len(statements) - 1)].insert(
            0 if at < len(statements) else 1, blank + template.format(f"_new{index}") + blank
        )
    return "\n\n".join(statements), "\n\n".join("".join(group) for group in edited), inert


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=_insertions())
def test_random_insertions_give_the_output_of_a_scan_without_the_cache(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, str, bool],
) -> None:
    before, after, inert = case
    tmp = tmp_path_factory.mktemp("random")
    extracted, warm, cold = edited(tmp, monkeypatch, {"mod.py": before}, {"mod.py": after})
    assert warm == cold
    if inert:
        assert extracted == []


# -- the hook's command ----------------------------------------------------------------------


def _scan(root: Path, cache: Path, *options: str) -> bytes:
    command = [sys.executable, "-m", "scanner", "scan", "--root", str(root), "--format", "json",
               "--exit-zero", "--cache-dir", str(cache), *options]  # fmt: skip
    return subprocess.run(command, stdout=subprocess.PIPE, check=True).stdout


@pytest.mark.parametrize(
    "after",
    [
        _at("@register"),
        _at("def train", NEW + "\n\n" + NEW.replace("BENCH", "TWICE"), _at("class Wrapper")),
        _at("@register", "_X = DEFAULT\n"),
    ],
)
def test_the_hook_with_the_cache_prints_what_it_prints_without(tmp_path: Path, after: str) -> None:
    root = write_tree(tmp_path / "repo", dict(FILES))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    cache = tmp_path / "cache"
    _scan(root, cache)  # fills the cache
    write_tree(root, {"models.py": after})
    staged = ["--changed", str(root / "models.py")]
    warm = _scan(root, cache, *staged)
    assert warm == _scan(root, cache, "--no-cache", *staged)
    assert len(json.loads(warm)["findings"]) == 6


def test_the_layout_cut_by_expressions_is_the_layout_cut_line_by_line() -> None:
    """``layout`` finds the chunks with regular expressions; line by line (the way it takes a
    text with a carriage return alone) gives the same on real code."""
    sources = sorted(Path(shift.__file__).parents[1].rglob("*.py"))
    texts = [path.read_text(encoding="utf-8") for path in sources]
    texts += ["", "\n\n", "  x = 1\n", "x = (\n1)\r\n\r\ny = 2\r\n", "\ufeffx = 1\n\x0cy = 2\n"]
    for text in texts:
        code = codehash.without_free_comments(text) + "\n"
        assert shift.layout(text) == shift._layout_by_lines(code)
    assert [c.first for c in shift.layout("x = 1\ry = 2\r\rz = 3\n")] == [1, 2, 4]
