"""Where scripts keep their model ids besides constants: command-line options, conditional values,
registries indexed at run time and files of the repository read at run time."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors.python import extract

Ref = tuple[int, int, str, str | None]  # line, column, raw, via
Missing = tuple[int, int, str, str]  # line, column, expression, reason

# (case, source of app.py, expected refs, expected unresolved)
OPTION_CASES: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "argparse parser built in a helper, dashes in the flag",
        "import argparse\nfrom transformers import AutoModel\n\n"
        "def build():\n    p = argparse.ArgumentParser()\n"
        '    p.add_argument("--model-id", "-m", default="org/from-flag")\n'
        '    p.add_argument("--lr", type=float, default=1e-4)\n    return p\n\n'
        "def parse_args():\n    return build().parse_args()\n\n"
        "def main():\n    args = parse_args()\n    AutoModel.from_pretrained(args.model_id)\n",
        [(15, 31, "org/from-flag", None)],
        [],
    ),
    (
        "dest=, a positional option, set_defaults; a flag without default stays unresolved",
        "import argparse\nfrom transformers import AutoModel, AutoTokenizer\n"
        "parser = argparse.ArgumentParser()\n"
        'parser.add_argument("--ckpt", dest="checkpoint", default="org/dest")\n'
        'parser.add_argument("base", nargs="?", default="org/positional")\n'
        'parser.add_argument("--tokenizer")\nparser.set_defaults(extra="org/set-defaults")\n'
        "opts, _ = parser.parse_known_args()\nAutoModel.from_pretrained(opts.checkpoint)\n"
        "AutoModel.from_pretrained(opts.base)\nAutoModel.from_pretrained(opts.extra)\n"
        "AutoTokenizer.from_pretrained(opts.tokenizer)\n",
        [
            (9, 27, "org/dest", None),
            (10, 27, "org/positional", None),
            (11, 27, "org/set-defaults", None),
        ],
        [(12, 31, "opts.tokenizer", "opts is assigned at run time")],
    ),
    (
        "namespace kept on an object; an output folder is never a model",
        "import argparse\nfrom transformers import AutoModel\n"
        "def cli():\n    p = argparse.ArgumentParser()\n"
        '    p.add_argument("--model", default="org/on-self")\n'
        '    p.add_argument("--output_dir", default="org/not-a-model")\n'
        "    return p.parse_args()\n"
        "class Runner:\n    def __init__(self, args):\n        self.args = args\n"
        "    def load(self):\n        AutoModel.from_pretrained(self.args.model)\n"
        "        AutoModel.from_pretrained(self.args.output_dir)\n",
        [(12, 35, "org/on-self", None)],
        [],
    ),
    (
        "optparse",
        "from optparse import OptionParser\nfrom transformers import pipeline\n"
        'op = OptionParser()\nop.add_option("-m", "--model", default="org/optparse")\n'
        "options, rest = op.parse_args()\npipeline(model=options.model)\n",
        [(6, 16, "org/optparse", None)],
        [],
    ),
    (
        "HfArgumentParser: dataclass fields with field(default=...) and plain defaults",
        "from dataclasses import dataclass, field\n"
        "from transformers import AutoModel, AutoTokenizer, HfArgumentParser\n"
        "@dataclass\nclass ModelArguments:\n"
        '    model_name_or_path: str = field(default="org/hf-field", metadata={"help": "x"})\n'
        '    tokenizer_name: str = "org/hf-plain"\n    cache_dir: str = None\n'
        "@dataclass\nclass DataArguments:\n    max_len: int = 128\n"
        "parser = HfArgumentParser((ModelArguments, DataArguments))\n"
        "model_args, data_args = parser.parse_args_into_dataclasses()\n"
        "AutoModel.from_pretrained(model_args.model_name_or_path)\n"
        "AutoTokenizer.from_pretrained(model_args.tokenizer_name)\n",
        [
            (13, 27, "org/hf-field", "ModelArguments.model_name_or_path at app.py:5"),
            (14, 31, "org/hf-plain", "ModelArguments.tokenizer_name at app.py:6"),
        ],
        [],
    ),
    (
        "TrlParser given a tuple variable; a field inherited from a base class; a parameter",
        "from dataclasses import dataclass\nfrom trl import SFTTrainer, TrlParser\n"
        "@dataclass\nclass Base:\n    model_name_or_path: str = 'org/inherited'\n"
        "@dataclass\nclass Config(Base):\n    epochs: int = 1\n"
        "def make_parser():\n    types = (Config,)\n    return TrlParser(types)\n"
        "def main(model_args):\n    SFTTrainer(model=model_args.model_name_or_path)\n"
        "if __name__ == '__main__':\n    (model_args,) = make_parser().parse_args_and_config()\n"
        "    main(model_args)\n",
        [(13, 22, "org/inherited", "Base.model_name_or_path at app.py:5")],
        [],
    ),
    (
        "simple_parsing add_arguments under a dest",
        "from dataclasses import dataclass\nfrom simple_parsing import ArgumentParser\n"
        "from transformers import AutoModel\n"
        '@dataclass\nclass Train:\n    model: str = "org/simple-parsing"\n'
        'parser = ArgumentParser()\nparser.add_arguments(Train, dest="train")\n'
        "args = parser.parse_args()\nAutoModel.from_pretrained(args.train.model)\n",
        [(10, 27, "org/simple-parsing", "Train.model at app.py:6")],
        [],
    ),
    (
        "click options fill the parameters of the command",
        "import click\nfrom faster_whisper import WhisperModel\nfrom transformers import pipeline\n"
        '@click.command()\n@click.option("--size", "-s", default="small.en")\n'
        '@click.argument("reader", default="org/click-arg")\n@click.option("--device")\n'
        "def main(size, reader, device):\n    WhisperModel(size, device=device)\n"
        "    pipeline(model=reader)\n",
        [
            (9, 18, "Systran/faster-whisper-small.en", "size at app.py:8"),
            (10, 20, "org/click-arg", "reader at app.py:8"),
        ],
        [],
    ),
    (
        "typer Option and Argument defaults, and an Annotated default",
        "from typing import Annotated\nimport typer\nfrom transformers import pipeline\n"
        'def main(model: str = typer.Option("org/typer-option", help="x"),\n'
        '         tok: str = typer.Argument("org/typer-argument"),\n'
        '         judge: Annotated[str, typer.Option()] = "org/annotated"):\n'
        "    pipeline(model=model, tokenizer=tok)\n    pipeline(model=judge)\n",
        [
            (7, 20, "org/typer-option", "model at app.py:4"),
            (7, 37, "org/typer-argument", "tok at app.py:5"),
            (8, 20, "org/annotated", "judge at app.py:6"),
        ],
        [],
    ),
]

UNPACKED_CASES: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "keyword arguments unpacked from a literal dict",
        "from smolagents import LiteLLMModel\nfrom transformers import AutoModel\n"
        'def make(model_id="o1"):\n    params = {"model_id": model_id, "max_tokens": 10}\n'
        '    return LiteLLMModel(**params)\nAutoModel.from_pretrained(**{"revision": "main"})\n'
        "AutoModel.from_pretrained(**kwargs)\n",
        [(5, 27, "o1", "model_id at app.py:3")],
        [(7, 29, "kwargs", "model may be passed via unpacking")],
    ),
]

CONDITIONAL_CASES: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "each side of a conditional expression",
        "from transformers import pipeline\n"
        'def load(lang):\n    name = "org/de" if lang == "de" else "org/fr"\n'
        "    return pipeline(model=name)\n",
        [(4, 27, "org/de", "name at app.py:3"), (4, 27, "org/fr", "name at app.py:3")],
        [],
    ),
    (
        "x or a default: the default is known, the rest unresolved",
        "import os\nfrom transformers import pipeline\n"
        'name = os.environ.get("MODEL") or "org/or-default"\npipeline(model=name)\n',
        [(4, 16, "org/or-default", "name at app.py:3")],
        [(4, 16, "name", "environment variable without a default")],
    ),
    (
        "match arms and if/elif/else branches",
        "from openai import OpenAI\nclient = OpenAI()\n"
        "def ask(tier, fast):\n    match tier:\n        case 'a':\n            m = 'gpt-4o-mini'\n"
        "        case _:\n            m = 'o1-mini'\n    if fast:\n        n = 'gpt-3.5-turbo'\n"
        "    elif tier:\n        n = 'gpt-4o'\n    else:\n        n = m\n"
        "    client.chat.completions.create(model=n)\n",
        [
            (15, 42, "gpt-3.5-turbo", "n at app.py:10"),
            (15, 42, "gpt-4o", "n at app.py:12"),
            (15, 42, "gpt-4o-mini", "m at app.py:6"),
            (15, 42, "o1-mini", "m at app.py:8"),
        ],
        [],
    ),
]

REGISTRY_CASES: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "a dict indexed by a parameter: every value, one of several candidates",
        "from transformers import pipeline\n"
        'SIZES = {\n    "small": "org/small",\n    "large": "org/large",\n}\n'
        "def make(size):\n    return pipeline(model=SIZES[size])\n",
        [
            (7, 27, "org/large", "SIZES[size], one of 2 candidates at app.py:2"),
            (7, 27, "org/small", "SIZES[size], one of 2 candidates at app.py:2"),
        ],
        [],
    ),
    (
        "nested registry, .get with a run-time key, a list indexed by a run-time index",
        "from transformers import AutoModel\nimport sys\n"
        'REG = {"a": {"id": "org/nested-a"}, "b": {"id": "org/nested-b"}}\n'
        'ALT = {"x": "org/get-x"}\nLIST = ["org/list-0", "org/list-1"]\n'
        'def f(k, i):\n    AutoModel.from_pretrained(REG[k]["id"])\n'
        "    AutoModel.from_pretrained(ALT.get(k))\n    AutoModel.from_pretrained(LIST[i])\n",
        [
            (7, 31, "org/nested-a", "REG[k], one of 2 candidates at app.py:3"),
            (7, 31, "org/nested-b", "REG[k], one of 2 candidates at app.py:3"),
            (8, 31, "org/get-x", "ALT.get(k), one of 1 candidates at app.py:4"),
            (9, 31, "org/list-0", "LIST[i], one of 2 candidates at app.py:5"),
            (9, 31, "org/list-1", "LIST[i], one of 2 candidates at app.py:5"),
        ],
        [],
    ),
    (
        "an unknown collection indexed at run time stays unresolved",
        "from transformers import AutoModel\ndef f(cfg, k):\n"
        "    AutoModel.from_pretrained(cfg[k])\n",
        [],
        [(3, 31, "cfg[k]", "index is not a constant")],
    ),
]

DATA_FILES = {
    "data/models.txt": "# one per line\norg/txt-a\n\norg/txt-b\n",
    "data/models.json": '{"models": ["org/json-a", {"id": "org/json-b"}]}',
    "data/models.yaml": "models:\n  - org/yaml-a\n  - org/yaml-b\n",
    "pkg/local.txt": "org/beside-module\n",
}

FILE_CASES: list[tuple[str, str, list[Ref], list[Missing]]] = [
    (
        "lines of a text file: iterated, readlines, read().splitlines(), Path.read_text",
        "from pathlib import Path\nfrom transformers import AutoModel\n"
        'with open("data/models.txt") as fh:\n    names = [l.strip() for l in fh if l.strip()]\n'
        "for n in names:\n    AutoModel.from_pretrained(n)\n"
        'for line in open("data/models.txt", encoding="utf-8").readlines():\n'
        "    AutoModel.from_pretrained(line)\n"
        'for name in Path("data/models.txt").read_text().splitlines():\n'
        "    AutoModel.from_pretrained(name)\n",
        [
            (6, 31, "org/txt-a", "data/models.txt (read at run time) at app.py:3"),
            (6, 31, "org/txt-b", "data/models.txt (read at run time) at app.py:3"),
            (8, 31, "org/txt-a", "data/models.txt (read at run time) at app.py:7"),
            (8, 31, "org/txt-b", "data/models.txt (read at run time) at app.py:7"),
            (10, 31, "org/txt-a", "data/models.txt (read at run time) at app.py:9"),
            (10, 31, "org/txt-b", "data/models.txt (read at run time) at app.py:9"),
        ],
        [],
    ),
    (
        "a JSON and a YAML list loaded and iterated",
        "import json\nimport yaml\nfrom transformers import AutoModel\n"
        'spec = json.load(open("data/models.json"))\n'
        'AutoModel.from_pretrained(spec["models"][0])\n'
        'AutoModel.from_pretrained(spec["models"][1]["id"])\n'
        'with open("data/models.yaml") as fh:\n    conf = yaml.safe_load(fh)\n'
        'for m in conf["models"]:\n    AutoModel.from_pretrained(m)\n',
        [
            (5, 27, "org/json-a", "data/models.json (read at run time) at app.py:4"),
            (6, 27, "org/json-b", "data/models.json (read at run time) at app.py:4"),
            (10, 31, "org/yaml-a", "data/models.yaml (read at run time) at app.py:7"),
            (10, 31, "org/yaml-b", "data/models.yaml (read at run time) at app.py:7"),
        ],
        [],
    ),
    (
        "a file beside the module; a file not in the repository is unresolved, named",
        "from transformers import AutoModel\n"
        'for m in open("local.txt"):\n    AutoModel.from_pretrained(m)\n'
        'for other in open("data/absent.txt"):\n    AutoModel.from_pretrained(other)\n',
        [(3, 31, "org/beside-module", "pkg/local.txt (read at run time) at pkg/app.py:2")],
        [
            (
                5,
                31,
                "other",
                "ids are read at run time from data/absent.txt, not a file of the repository",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("case", "source", "refs", "unresolved"),
    OPTION_CASES + UNPACKED_CASES + CONDITIONAL_CASES + REGISTRY_CASES + FILE_CASES,
    ids=[
        c[0]
        for c in OPTION_CASES + UNPACKED_CASES + CONDITIONAL_CASES + REGISTRY_CASES + FILE_CASES
    ],
)
def test_value_source(
    tmp_path: Path, case: str, source: str, refs: list[Ref], unresolved: list[Missing]
) -> None:
    for rel, text in DATA_FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    path = "pkg/app.py" if "beside the module" in case else "app.py"
    result = extract(path, source, RepoContext(tmp_path))
    found = sorted((r.line, r.column, r.raw, r.via) for r in result.refs)
    assert found == sorted(refs)
    assert [(u.line, u.column, u.expression, u.reason) for u in result.unresolved] == unresolved
    assert result.errors == ()
