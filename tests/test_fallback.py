"""The fallback tokenizer: its one-pass survey of a file (imports and candidate calls outside
strings and comments), the calls it reads, and properties against the real parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import PLAIN, python_source, statements

from scanner.context import RepoContext
from scanner.find.extractors.python import extract, fallback
from scanner.find.extractors.python.fallback import survey

# (case, source, imported modules, candidate calls [(name, line, column)])
SURVEYS = [
    ("import forms", "import os, sys\nfrom transformers import AutoModel\nfrom . import x\n",
     {"os", "transformers", "AutoModel", "x"}, []),  # as the tokenizer read: names imported too
    ("a call per line", "pipeline(1)\n  x.from_pretrained (2)\n",
     set(), [("pipeline", 1, 0), ("from_pretrained", 2, 4)]),
    ("whole names only", "AutoModel.from_pretrained_x(1)\nmy_pipeline(2)\n", set(), []),
    ("not a call", "pipeline = 1\nfrom_pretrained\n", set(), []),
    ("comments", "# pipeline(1) 'unclosed\npipeline(2)  # from_pretrained(3)\n",
     set(), [("pipeline", 2, 0)]),
    ("strings", "s = 'pipeline(1)' + \"from_pretrained(2)\"\npipeline(3)\n",
     set(), [("pipeline", 2, 0)]),
    ("escaped quotes", "s = 'it\\'s pipeline(1)'\nt = \"\\\\\"; pipeline(2)\n",
     set(), [("pipeline", 2, 10)]),
    ("triple quotes over lines", 'doc = """\npipeline(1) " \'\n"""\npipeline(2)\n',
     set(), [("pipeline", 4, 0)]),
    ("a docstring's import is not one", '"""from transformers import x"""\n', set(), []),
    ("an unterminated string ends at its line", "s = 'open\npipeline(2)\n",
     set(), [("pipeline", 2, 0)]),
    ("an unterminated triple quote ends at its line", 's = """open\npipeline(2)\n',
     set(), [("pipeline", 2, 0)]),
    ("nested calls", "pipeline(model=AutoModel.from_pretrained('x'))\n",
     set(), [("pipeline", 1, 0), ("from_pretrained", 1, 25)]),
    ("columns count characters", "é = 'ü'; pipeline(1)\n", set(), [("pipeline", 1, 9)]),
]  # fmt: skip


@pytest.mark.parametrize(("case", "source", "modules", "calls"), SURVEYS,
                         ids=[s[0] for s in SURVEYS])  # fmt: skip
def test_the_survey_finds_imports_and_calls_outside_strings_and_comments(
    case: str, source: str, modules: set[str], calls: list[tuple[str, int, int]]
) -> None:
    imported, candidates = survey(source)
    assert imported == modules
    assert [(c.name, c.line, c.column) for c in candidates] == calls


# (case, source, findings [(line, column, raw)])
CALLS = [
    ("nested calls read once", "from transformers import AutoModel, pipeline\n"
     "pipeline(model=AutoModel.from_pretrained('org/inner'), tokenizer='org/t')\n",
     [(2, 42, "org/inner")]),
    ("keyword after a long argument", "from transformers import pipeline\n"
     "pipeline('ner', config={'a': [1, 2, {'b': 3}]},\n         model='org/late')\n",
     [(3, 16, "org/late")]),
    ("calls on one line", "from transformers import AutoModel\n"
     "a = AutoModel.from_pretrained('org/a'); b = AutoModel.from_pretrained('org/b')\n",
     [(2, 31, "org/a"), (2, 71, "org/b")]),
    ("a call cut by the end of the file", "from transformers import AutoModel\n"
     "AutoModel.from_pretrained('org/cut',\n", [(2, 27, "org/cut")]),
    ("concatenated literals", "from transformers import AutoModel\n"
     "AutoModel.from_pretrained('org/'\n    'joined')\n", [(2, 27, "org/joined")]),
    ("in a string, not a call", "from transformers import AutoModel\n"
     "s = '''AutoModel.from_pretrained('org/no')'''\n", []),
]  # fmt: skip


@pytest.mark.parametrize(("case", "source", "expected"), CALLS, ids=[c[0] for c in CALLS])
def test_the_fallback_reads_each_candidate_call(
    tmp_path: Path, case: str, source: str, expected: list[tuple[int, int, str]]
) -> None:
    refs = fallback("f.py", source, RepoContext(tmp_path))
    assert [(r.line, r.column, r.raw) for r in refs] == expected


EVERY_NAME = (
    "from transformers import AutoModel, AutoTokenizer, pipeline\n"
    "from sentence_transformers import SentenceTransformer\nfrom openai import OpenAI\n"
)
PROPERTY = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(document=statements())
def test_fallback_findings_are_the_parsers_literal_findings(document: list, tmp_path: Path) -> None:
    """What the fallback finds in valid code that imports every name it calls, the parser
    finds at the same place; and a line of quoted copies of the code (in a string and in a
    comment) and a line of broken syntax before it change nothing."""
    source = EVERY_NAME + python_source(document, PLAIN)
    ctx = RepoContext(tmp_path)
    parsed = {(r.line, r.column, r.raw) for r in extract("f.py", source, ctx).refs}
    found = [(r.line, r.column, r.raw) for r in fallback("f.py", source, ctx)]
    assert set(found) <= parsed
    quoted = repr(source) + "  # " + source.replace("\n", " ") + "\nprint 'py2'\n"
    shifted = [(line + 2, column, raw) for line, column, raw in found]
    assert [(r.line, r.column, r.raw) for r in fallback("f.py", quoted + source, ctx)] == shifted


@PROPERTY
@given(text=st.text(alphabet=st.sampled_from("'\"#\\\n (),=x.pipeline"), max_size=200))
def test_any_text_is_surveyed_in_order(text: str) -> None:
    """On any text the survey ends, and its candidates come in file order at true places."""
    _, candidates = survey(text)
    assert [c.offset for c in candidates] == sorted({c.offset for c in candidates})
    for c in candidates:
        before = text[: c.offset]
        assert (c.line, c.column) == (before.count("\n") + 1, len(before.rsplit("\n", 1)[-1]))
        assert text.startswith(c.name, c.offset)
    list(fallback("f.py", text, RepoContext(Path("."))))
