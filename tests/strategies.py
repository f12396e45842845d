"""Hypothesis strategies for the fuzz tests: inputs of every kind the scanner reads, each drawn
as a *document* (what it says) plus a *layout* (how it is written), so one document can be
rendered under several layouts that differ only in whitespace and comments.

Python programs are built from statements that load models the ways the extractor knows (and
some it must leave alone); notebooks wrap them in cells (nbformat 4 and 3); configs are nested
data with model keys; requirements are PEP 508 lines with the options pip allows; policies are
TOML over the policy's own keys with values of every type.
"""

from __future__ import annotations

import json
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st

MODELS = (
    "gpt2",
    "bert-base-uncased",
    "CohereForAI/c4ai-command-r-v01",
    "meta-llama/Llama-2-7b-hf",
    "google/gemma-2b",
    "mistralai/Mistral-7B-v0.1",
    "acme/unknown-model",
    "org/with.dots_and-dash",
    "./checkpoints/local",
    "gpt-4o",
)
model_ids = st.sampled_from(MODELS)
names = st.text(string.ascii_lowercase + "_", min_size=1, max_size=8).filter(str.isidentifier)

# -- layouts -------------------------------------------------------------------------------

GAPS = ("\n", "\n\n", "\n# a comment\n", "  # trailing comment\n", "\n   \n", " \n")
"""What may separate two lines without changing what a file says (Python, YAML, TOML, pip)."""


@dataclass(frozen=True)
class Layout:
    """How a document is written: gaps between lines, spaces inside brackets, indentation."""

    gaps: tuple[int, ...]
    pad: str
    indent: str

    def gap(self, index: int) -> str:
        """The separator after line ``index``."""
        return GAPS[self.gaps[index % len(self.gaps)]] if self.gaps else "\n"


layouts = st.builds(
    Layout,
    gaps=st.lists(st.integers(0, len(GAPS) - 1), max_size=6).map(tuple),
    pad=st.sampled_from(["", " ", "  "]),
    indent=st.sampled_from(["    ", "  ", "\t"]),
)
PLAIN = Layout(gaps=(), pad="", indent="    ")


def join(lines: Sequence[str], layout: Layout) -> str:
    """``lines`` separated by the layout's gaps (never inside a line)."""
    return "".join(line + layout.gap(i) for i, line in enumerate(lines))


# -- Python ---------------------------------------------------------------------------------

IMPORTS = (
    "from transformers import AutoModel, AutoTokenizer, pipeline",
    "import transformers",
    "from sentence_transformers import SentenceTransformer",
    "from openai import OpenAI",
    "import os",
)
CALLS = (
    "AutoModel.from_pretrained({p}{arg}{p})",
    "AutoTokenizer.from_pretrained({p}{arg}, revision='main'{p})",
    'pipeline({p}"text-generation", model={arg}{p})',
    "transformers.AutoModelForCausalLM.from_pretrained({p}{arg}{p})",
    "SentenceTransformer({p}{arg}{p})",
    "OpenAI().chat.completions.create({p}model={arg}, messages=[]{p})",
    "os.path.join({p}{arg}, 'x'{p})",
    "print({p}{arg}{p})",
)


@dataclass(frozen=True)
class Statement:
    """One top-level statement; ``body`` statements are written indented under ``head``."""

    text: str
    body: tuple[str, ...] = ()

    def lines(self, layout: Layout) -> list[str]:
        """The statement's lines under ``layout`` (calls padded, the body indented)."""
        head = self.text.format(p=layout.pad)
        return [head, *(layout.indent + line.format(p=layout.pad) for line in self.body)]


def _argument(draw: st.DrawFn, constants: list[str]) -> str:
    kind = draw(st.sampled_from(["literal", "literal", "constant", "attribute", "fstring"]))
    if kind == "constant" and constants:
        return draw(st.sampled_from(constants))
    if kind == "attribute":
        return "args.model"
    if kind == "fstring":
        return 'f"{{org}}/' + draw(names) + '"'
    quote = draw(st.sampled_from(["'", '"']))
    return quote + draw(model_ids) + quote


@st.composite
def statements(draw: st.DrawFn) -> list[Statement]:
    """Imports, constants, model-loading calls (top level, in functions, in ``if`` blocks)."""
    chosen = [Statement(line) for line in draw(st.lists(st.sampled_from(IMPORTS), min_size=1))]
    constants: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        shape = draw(st.sampled_from(["constant", "call", "call", "def", "if", "noise"]))
        if shape == "constant":
            name = draw(names).upper() + "_ID"
            chosen.append(Statement(f"{name} = {_argument(draw, [])}"))
            constants.append(name)
            continue
        if shape == "noise":
            chosen.append(Statement(draw(st.sampled_from(["x = 1", "pass", "y = [1, 2]"]))))
            continue
        call = draw(st.sampled_from(CALLS)).replace("{arg}", _argument(draw, constants))
        if shape == "call":
            chosen.append(Statement(call))
        elif shape == "def":
            chosen.append(Statement(f"def {draw(names)}(args):", ("model = " + call,)))
        else:
            chosen.append(Statement("if True:", (call, "pass")))
    return chosen


def python_source(document: list[Statement], layout: Layout) -> str:
    """The program under ``layout``: gaps only between top-level statements."""
    blocks = ["\n".join(statement.lines(layout)) for statement in document]
    return join(blocks, layout)


# -- notebooks ------------------------------------------------------------------------------


@st.composite
def notebooks(draw: st.DrawFn) -> dict[str, Any]:
    """An nbformat 4 or 3 notebook of code cells (from ``statements``) and markdown cells."""
    cells: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            cells.append(("code", python_source(draw(statements()), PLAIN)))
        else:
            cells.append(("markdown", draw(st.text(max_size=40))))
    as_lines = draw(st.booleans())
    outputs = draw(st.lists(json_values, max_size=2))
    if draw(st.booleans()):
        return {
            "nbformat": 3,
            "worksheets": [{"cells": [_cell3(kind, text) for kind, text in cells]}],
        }
    return {
        "nbformat": 4,
        "metadata": {"kernelspec": {"language": "python"}},
        "cells": [_cell4(kind, text, as_lines, outputs) for kind, text in cells],
    }


def _cell4(kind: str, text: str, as_lines: bool, outputs: list[Any]) -> dict[str, Any]:
    source: object = text.splitlines(keepends=True) if as_lines else text
    cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": source}
    if kind == "code":
        cell["outputs"] = [{"output_type": "stream", "text": [json.dumps(o)]} for o in outputs]
    return cell


def _cell3(kind: str, text: str) -> dict[str, Any]:
    if kind == "code":
        return {"cell_type": "code", "language": "python", "input": text, "outputs": []}
    return {"cell_type": kind, "source": text}


NOTEBOOK_LAYOUTS = (
    {"indent": None},
    {"indent": 1},
    {"indent": 2, "sort_keys": True},
    {"indent": "\t", "ensure_ascii": False},
    {"separators": (",", ":")},
)
"""json.dumps options: the same notebook written by different tools."""

# -- structured data (YAML, JSON, TOML) ------------------------------------------------------

MODEL_KEYS = ("model_name_or_path", "base_model", "model_id", "tokenizer_name", "name", "model")
keys = st.one_of(st.sampled_from(MODEL_KEYS), names)
scalars = st.one_of(
    model_ids,
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.text(string.ascii_letters + string.digits + " -_/.:", max_size=12),
)
json_values = st.recursive(
    st.one_of(st.none(), scalars, st.floats(allow_nan=False, allow_infinity=False)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)
tomlable = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=12,
)
"""Values TOML can hold: no null, bare keys."""
model_entries = st.dictionaries(st.sampled_from(MODEL_KEYS), model_ids, max_size=3)
documents = st.builds(
    lambda models, rest: {**rest, "nested": [models], **models},
    model_entries,
    st.dictionaries(keys, json_values, max_size=4),
)
"""Model keys at the top and in a nested list, beside any other data."""
toml_documents = st.builds(
    lambda models, rest: {**rest, "nested": {"inner": models}, **models},
    model_entries,
    st.dictionaries(names, tomlable, max_size=4),
)


def yaml_text(data: object, flow: bool, indent: int, layout: Layout) -> str:
    """``data`` as YAML in block or flow style, with the layout's comments between lines."""
    text = yaml.safe_dump(
        data, default_flow_style=flow, indent=indent, width=10**6, sort_keys=False
    )
    return join(text.splitlines(), layout)


def toml_text(data: dict[str, Any], sections: bool, layout: Layout) -> str:
    """``data`` as TOML: nested tables inline, or as ``[section]`` headers when ``sections``."""
    eq = f"{layout.pad}={layout.pad or ' '}"
    lines = [f"{k}{eq}{_toml(v)}" for k, v in data.items() if not (sections and _table(v))]
    for key, value in data.items():
        if sections and _table(value):
            lines.append(f"[{key}]")
            lines += [f"{k}{eq}{_toml(v)}" for k, v in value.items()]
    return join(lines, layout)


def _table(value: object) -> bool:
    return isinstance(value, dict)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


# -- requirements ---------------------------------------------------------------------------

PACKAGES = (
    "transformers",
    "en_core_web_sm",
    "en-core-web-trf",
    "de_core_news_lg",
    "ultralytics",
    "numpy",
    "openai",
    "sentence-transformers",
)
OPTIONS = ("--index-url https://pypi.org/simple", "-e .", "--pre", "--no-binary :all:")


@st.composite
def requirement_lines(draw: st.DrawFn) -> list[str]:
    """pip requirement lines: names with extras, specifiers, markers, hashes; options."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(OPTIONS)))
            continue
        line = draw(st.sampled_from(PACKAGES))
        line += draw(st.sampled_from(["", "[cuda]", "[a,b]"]))
        line += draw(st.sampled_from(["", "==3.7.0", ">=1,<2", "~=8.0"]))
        line += draw(st.sampled_from(["", "; python_version >= '3.8'"]))
        line += draw(st.sampled_from(["", " --hash=sha256:abc"]))
        lines.append(line)
    return lines


# -- policies -------------------------------------------------------------------------------

POLICY_KEYS = {
    "": ("exceptions_warn_days",),
    "usage": (
        "commercial", "monthly_active_users", "annual_revenue_usd", "distributes_models",
        "modifies_models", "hosted_service", "region", "intended_uses", "outputs_train_models",
    ),
    "licenses": ("allow", "deny"),
    "on": ("unknown", "unresolved", "inferred", "proprietary_api", "unscanned"),
    "datasets": ("evaluate",),
}  # fmt: skip
POLICY_WORDS = ("warn", "fail", "pass", "US", "EU", "mit", "apache-2.0", "llama2", "nope", "")
policy_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-5, 10**7),
        st.sampled_from(POLICY_WORDS),
        st.text(max_size=6),
    ),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    """A policy document over the policy's keys (and a stranger now and then), any value."""
    data: dict[str, Any] = {}
    for table, table_keys in POLICY_KEYS.items():
        chosen = draw(st.lists(st.sampled_from(table_keys), unique=True, max_size=4))
        values = {key: draw(policy_values) for key in chosen}
        if draw(st.integers(0, 4)) == 0:
            values[draw(names)] = draw(policy_values)
        if table:
            data[table] = values
        else:
            data.update(values)
    return data
