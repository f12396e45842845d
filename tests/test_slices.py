"""A file's cached extraction depends on the part of each imported module its lookups read
(``scanner.find.slices``): an unrelated statement added to that module keeps the file cached;
an edit to anything the lookup followed extracts it again; the output always equals a scan
without the cache (random edits too)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from extracted import extractions, flat, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.cli import main
from scanner.find import slices
from scanner.find.cache import ExtractionCache
from scanner.find.discover import SourceFile
from scanner.scan import extract_all
from scanner.types import SourceKind

# -- the slice of one module ----------------------------------------------------------------

MODULE = (
    "import os\n"
    "BASE = 'org'\n"
    "MODEL = BASE + '/model'\n"
    "OTHER = 'gpt2'\n"
    "class Config:\n"
    "    model = 'org/config'\n"
    "def load(name='org/default'):\n"
    "    return name\n"
    "def unrelated():\n"
    "    return 1  # a comment\n"
)


@pytest.mark.parametrize(
    ("names", "old", "new", "same"),
    [
        # unrelated edits: appended, or inside statements no followed name reaches
        ({"MODEL"}, "", "_EDITED = 1\n", True),
        ({"MODEL"}, "OTHER = 'gpt2'", "OTHER = 'gpt3'", True),
        ({"MODEL"}, "return 1  # a comment", "return 2  # another", True),
        ({"Config"}, "return name", "return name.upper()", True),
        ({"load"}, "model = 'org/config'", "model = 'org/other'", True),
        ({"MODEL"}, "", "\n\n# comments and blank lines at the end\n", True),
        # what a lookup followed: the binding, what it reads, a new binding of it
        ({"MODEL"}, "'/model'", "'/other'", False),
        ({"MODEL"}, "BASE = 'org'", "BASE = 'gro'", False),
        ({"MODEL"}, "", "if os.environ:\n    MODEL = 'x'\n", False),
        ({"MODEL"}, "", "BASE += 'x'\n", False),
        ({"MODEL"}, "", "def f():\n    global BASE\n    BASE = 'y'\n", False),
        ({"MODEL"}, "", "for MODEL in ['a']:\n    pass\n", False),
        ({"MODEL"}, "", "x = getattr(os, 'MODEL')\n", False),  # a string naming it
        ({"Config"}, "model = 'org/config'", "model = 'org/other'", False),  # class attribute
        ({"load"}, "name='org/default'", "name='org/else'", False),  # a default parameter
        ({"load"}, "return name", "return 'x' + name", False),  # the function's body
        ({"load"}, "", "load('org/called')\n", False),  # a new caller of it
        ({"load"}, "", "@load\ndef g(): pass\n", False),
        # what every slice holds: imports (a call's meaning), star imports, __all__, dynamics
        ({"MODEL"}, "", "import sys\n", False),
        ({"MODEL"}, "", "def h():\n    from json import loads\n", False),
        ({"MODEL"}, "", "from other import *\n", False),
        ({"MODEL"}, "", "__all__ = ['OTHER']\n", False),
        ({"MODEL"}, "", "globals()['X'] = 1\n", False),
        ({"MODEL"}, "", "def __getattr__(name):\n    return name\n", False),
        ({"MODEL"}, "", "import sys\nsys.modules[__name__] = None\n", False),
        # lines as Python counts them: a form feed does not end one
        ({"OTHER"}, "BASE = 'org'", "BASE = 'org\x0c'", True),
        # positions: a line inserted above the statement read moves it
        ({"MODEL"}, "import os\n", "import os\n_NEW = 1\n", False),
        ({"OTHER"}, "BASE = 'org'", "BASE = 'org'; X = 1", True),  # on a line not read
        ({"BASE"}, "BASE = 'org'", "BASE = 'org'; X = 1", False),  # on a line read
    ],
)
def test_a_slice_changes_exactly_when_what_a_lookup_read_changes(
    names: set[str], old: str, new: str, same: bool
) -> None:
    edited = MODULE + new if not old else MODULE.replace(old, new, 1)
    assert edited != MODULE
    before, after = slices.slice_digest(MODULE, names), slices.slice_digest(edited, names)
    assert before is not None and after is not None
    assert (before == after) is same


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_a_statement_is_read_on_the_lines_python_counts(end: str) -> None:
    """A form feed (or another character ``str.splitlines`` ends a line at) in a string does
    not shift the lines a statement is read on."""
    before = end.join(["A = 'x\x0c\x1c\u2028'", "B = 1", "C = 2", ""])
    after = before.replace("C = 2", "C = 3")
    assert slices.slice_digest(before, {"C"}) != slices.slice_digest(after, {"C"})
    assert slices.slice_digest(before, {"B"}) == slices.slice_digest(after, {"B"})


def test_a_module_read_for_lookups_is_tabled_from_the_loader_s_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's guarded ``ast`` tree makes the table: recording the module parses it no
    more, and the table is the one ``slices`` makes alone."""
    from scanner.context import RepoContext
    from scanner.find.extractors.python import guard, loader

    text = MODULE + "TAG = 'lookup-tabled'\n"  # a text no other test tables first
    (tmp_path / "helpers.py").write_text(text)
    loader.forget()
    assert loader.load_module(RepoContext(tmp_path), "helpers.py") is not None
    monkeypatch.setattr(guard, "checked", lambda text: pytest.fail("parsed again"))
    tabled = slices.statements(text)
    monkeypatch.undo()
    assert tabled == slices._checked_table(text)


def test_a_module_the_extractor_does_not_parse_has_no_slice() -> None:
    assert slices.slice_digest("x = (\n", {"x"}) is None
    assert slices.slice_digest("x = " + "(" * 300 + ")" * 300 + "\n", {"x"}) is None  # refused


# -- which files are extracted again --------------------------------------------------------

LOADER = "from transformers import AutoModel\n"
FILES = {
    "pkg/__init__.py": "from pkg.consts import MODEL\nfrom pkg.lib import load, Settings\n"
    "__version__ = '1.0'\n",
    "pkg/consts.py": "ORG = 'google-bert'\nMODEL = ORG + '/bert-base-uncased'\nSPARE = 'gpt2'\n",
    "pkg/lib.py": LOADER + "class Settings:\n    model = 'openai-community/gpt2'\n\n"
    "class Holder:\n    def __init__(self):\n        self.path = 'facebook/opt-125m'\n\n"
    "def load(name='distilbert/distilbert-base-uncased'):\n"
    "    return AutoModel.from_pretrained(name)\n\n"
    "def fetch(name):\n    return AutoModel.from_pretrained(name)\n\n"
    "def other():\n    return 1\n",
    "main.py": LOADER + "from pkg import MODEL\nAutoModel.from_pretrained(MODEL)\n",
    "attr.py": LOADER + "from pkg import Settings\nAutoModel.from_pretrained(Settings.model)\n",
    "held.py": LOADER + "from pkg.lib import Holder\nAutoModel.from_pretrained(Holder().path)\n",
    "app.py": "from pkg.lib import fetch\nfetch('google-t5/t5-small')\n",
    "later.py": "from pkg.lib import LATER, fetch\nfetch(LATER)\n",
}


def _files(root: Path) -> list[SourceFile]:
    return [
        SourceFile(path.relative_to(root).as_posix(), SourceKind.PYTHON)
        for path in sorted(root.rglob("*.py"))
    ]


def _again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: dict[str, str]):  # type: ignore[no-untyped-def]
    """The files extracted again after ``edit`` (the cache filled before) and whether the
    extractions equal those without the cache."""
    root = write_tree(tmp_path / "repo", dict(FILES))
    cache = ExtractionCache(tmp_path / "cache", "salt")
    extract_all(root, _files(root), 1, cache)
    with extractions(monkeypatch) as runs:
        write_tree(root, edit)
        warm = extract_all(root, _files(root), 1, cache)
    return sorted(flat(runs)), warm == extract_all(root, _files(root), 1, None)


INIT, CONSTS, LIB = FILES["pkg/__init__.py"], FILES["pkg/consts.py"], FILES["pkg/lib.py"]
APP = FILES["app.py"]


@pytest.mark.parametrize(
    ("edit", "again"),
    [
        # an unrelated statement appended: nothing (its own extraction cannot read it either)
        ({"pkg/__init__.py": INIT + "_EDITED_BY_BENCH = 1\n"}, []),
        ({"pkg/consts.py": CONSTS + "_EDITED_BY_BENCH = 1\n"}, []),
        ({"pkg/lib.py": LIB + "_EDITED_BY_BENCH = 1\n\nclass Unused:\n    x = 'gpt2'\n"}, []),
        ({"main.py": FILES["main.py"] + "_EDITED_BY_BENCH = 1\n"}, []),
        # ... unless it calls, imports, or names what the module's code or lookups read
        ({"main.py": FILES["main.py"] + "AutoModel.from_pretrained('gpt2')\n"}, ["main.py"]),
        ({"main.py": FILES["main.py"] + "import os\n"}, ["main.py"]),
        ({"main.py": FILES["main.py"] + "_EDITED = MODEL\n"}, ["main.py"]),
        ({"main.py": FILES["main.py"] + "MODEL = 'gpt2'\n"}, ["main.py"]),
        ({"pkg/lib.py": LIB + "LATER = 'google-t5/t5-base'\n"}, ["pkg/lib.py"]),  # later.py's
        # an unrelated statement elsewhere: only the edited module
        ({"pkg/consts.py": CONSTS.replace("gpt2", "gpt3")}, ["pkg/consts.py"]),
        ({"pkg/lib.py": LIB.replace("return 1", "return 2")}, ["pkg/lib.py"]),
        ({"pkg/consts.py": "_EDITED_BY_BENCH = 1\n" + CONSTS}, []),  # moved: ``shift``
        # a constant's value: its importers, through the re-export
        ({"pkg/consts.py": CONSTS.replace("google-bert", "FacebookAI")},
         ["main.py", "pkg/consts.py"]),
        # a re-export's target (an import: every file that read the package)
        ({"pkg/__init__.py": INIT.replace("consts import MODEL", "consts import SPARE as MODEL")},
         ["attr.py", "main.py", "pkg/__init__.py"]),
        # a class attribute, a method body a lookup read
        ({"pkg/lib.py": LIB.replace("openai-community/gpt2", "gpt2")}, ["attr.py", "pkg/lib.py"]),
        ({"pkg/lib.py": LIB.replace("facebook/opt-125m", "facebook/opt-350m")},
         ["held.py", "pkg/lib.py"]),
        # a caller in another module: the loader's module read its call
        ({"app.py": APP + "_EDITED_BY_BENCH = 1\n"}, []),
        ({"app.py": APP.replace("t5-small", "t5-base")}, ["app.py", "pkg/lib.py"]),
        ({"app.py": APP + "fetch('google-t5/t5-large')\n"}, ["app.py", "pkg/lib.py"]),
    ],
)  # fmt: skip
def test_dependents_are_extracted_again_only_when_what_they_read_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: dict[str, str], again: list[str]
) -> None:
    extracted, same = _again(tmp_path, monkeypatch, edit)
    assert extracted == again
    assert same


# -- random edits: the cache never changes the output ---------------------------------------

STATEMENTS = [
    "_EDITED = 1\n", "MODEL = 'FacebookAI/roberta-base'\n", "ORG = 'meta-llama'\n",
    "SPARE = MODEL\n", "from pkg.consts import SPARE as MODEL\n", "import os\n",
    "class Settings:\n    model = 'google/flan-t5-base'\n",
    "def load(name='google/gemma-2b'):\n    return name\n", "fetch('Qwen/Qwen2-0.5B')\n",
    "class Holder:\n    def __init__(self):\n        self.path = 'x/z'\n",
    "if ORG:\n    MODEL = 'x/y'\n", "from pkg.lib import *\n", "__all__ = ['MODEL']\n",
    "# a comment\n", "\n",
]  # fmt: skip


@st.composite
def _edits(draw: st.DrawFn) -> dict[str, str]:
    """An edit of the modules others read: statements inserted, replaced or deleted."""
    edit: dict[str, str] = {}
    names = st.sampled_from(["pkg/__init__.py", "pkg/consts.py", "pkg/lib.py", "app.py"])
    for name in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
        lines = FILES[name].splitlines(keepends=True)
        for _ in range(draw(st.integers(1, 3))):
            where = draw(st.integers(0, len(lines)))
            action = draw(st.sampled_from(["insert", "replace", "delete"]))
            statement = draw(st.sampled_from(STATEMENTS))
            if action == "insert" or where == len(lines):
                lines.insert(where, statement)
            elif action == "replace" and not lines[where].startswith(" "):
                lines[where] = statement
            elif not lines[where].startswith(("def ", "class ")):
                del lines[where]
        edit[name] = "".join(lines)
    return edit


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edit=_edits())
def test_random_edits_give_the_output_of_a_scan_without_the_cache(
    tmp_path_factory: pytest.TempPathFactory, edit: dict[str, str]
) -> None:
    tmp = tmp_path_factory.mktemp("random")
    root = write_tree(tmp / "repo", dict(FILES))
    cache = ExtractionCache(tmp / "cache", "salt")
    extract_all(root, _files(root), 1, cache)
    write_tree(root, edit)
    assert extract_all(root, _files(root), 1, cache) == extract_all(root, _files(root), 1, None)


# -- the hook's command ---------------------------------------------------------------------


def _scan(root: Path, capsys: pytest.CaptureFixture[str], *options: str) -> str:
    main(["scan", "--root", str(root), "--format", "json", "--exit-zero", *options])
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "edit",
    [
        {"pkg/__init__.py": INIT + "_EDITED_BY_BENCH = 1\n"},
        {"pkg/consts.py": CONSTS.replace("google-bert", "FacebookAI")},
        {"pkg/__init__.py": INIT.replace("consts import MODEL", "consts import SPARE as MODEL")},
        {"pkg/lib.py": LIB.replace("openai-community/gpt2", "gpt2")},
        {"app.py": APP.replace("t5-small", "t5-base")},
    ],
)
def test_the_hook_s_command_with_the_cache_prints_what_it_prints_without(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: dict[str, str]
) -> None:
    root = write_tree(tmp_path / "repo", dict(FILES))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    _scan(root, capsys, *cache, str(root))  # a full scan fills the cache
    write_tree(root, edit)
    changed = ["--changed", *(str(root / name) for name in edit)]
    warm = _scan(root, capsys, *cache, *changed)
    cold = _scan(root, capsys, "--no-cache", *changed)
    assert warm == cold
    assert json.loads(warm)["findings"]


def test_slicing_a_module_imports_no_extractor() -> None:
    """The guard is loaded from its file alone: a hook run whose files all come from the cache
    never pays for importing the extractors."""
    code = (
        "import sys; from scanner.find import slices; "
        "assert slices.slice_digest('x = 1\\n', {'x'}); "
        "print(sorted(m for m in sys.modules if m.startswith('scanner.find.extractors')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
