"""YAML / JSON / TOML configs: model keys, exact value positions, negatives and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors import Extractor, configs
from scanner.find.extractors.configs import extract_json, extract_toml, extract_yaml
from scanner.types import Extraction, FileError, RefKind, SourceKind

Row = tuple[int, int, RefKind, str, str | None]  # line, column, kind, raw, provider


def rows(result: Extraction) -> list[Row]:
    return [(r.line, r.column, r.kind, r.raw, r.provider) for r in result.refs]


@pytest.fixture
def ctx(tmp_path: Path) -> RepoContext:
    (tmp_path / "models" / "my-bert").mkdir(parents=True)
    (tmp_path / "conf" / "ckpt").mkdir(parents=True)
    return RepoContext(tmp_path)


HF, API, LOCAL, DATASET = RefKind.HUGGINGFACE, RefKind.API, RefKind.LOCAL, RefKind.DATASET
SPACY, PACKAGE = RefKind.SPACY, RefKind.PACKAGE

YAML_CASES: list[tuple[str, str, list[Row]]] = [
    (
        "axolotl base_model",
        "base_model: NousResearch/Llama-2-7b-hf\nmodel_type: LlamaForCausalLM\n",
        [(1, 13, HF, "NousResearch/Llama-2-7b-hf", None)],
    ),
    (
        "bare id under a strong key",
        "model_name_or_path: gpt2\ntokenizer_name: 'bert-base-uncased'\n",
        [(1, 21, HF, "gpt2", None), (2, 17, HF, "bert-base-uncased", None)],
    ),
    ("bare id under a weak key is noise", "model: resnet50\ncheckpoint: best\n", []),
    ("bare word under a strong key is an alias", "model_name: fast\nmodel_id: chat\n", []),
    (
        "namespaced id under a weak key",
        "train:\n  model: facebook/opt-350m\n",
        [(2, 10, HF, "facebook/opt-350m", None)],
    ),
    (
        "nested name",
        "model:\n  name: mistralai/Mistral-7B-v0.1\n  type: causal\n",
        [(2, 9, HF, "mistralai/Mistral-7B-v0.1", None)],
    ),
    (
        "nested strong key",
        "model:\n  pretrained_model_name_or_path: roberta-base\n",
        [(2, 34, HF, "roberta-base", None)],
    ),
    ("name outside a model key is not a model", "name: org/project\nid: foo/bar\n", []),
    (
        "list of ids",
        "models:\n  - openai/clip-vit-base-patch32\n  - gpt-4o\n",
        [(2, 5, HF, "openai/clip-vit-base-patch32", None), (3, 5, API, "gpt-4o", "openai")],
    ),
    (
        "API names and LiteLLM prefixes",
        "llm:\n  model: claude-3-5-sonnet-20240620\nmodel_list:\n  - model_name: fast\n"
        "    litellm_params:\n      model: anthropic/claude-3-haiku-20240307\n"
        "  - litellm_params:\n      model: openai/gpt-4o-mini\n",
        [
            (2, 10, API, "claude-3-5-sonnet-20240620", "anthropic"),
            (6, 14, API, "anthropic/claude-3-haiku-20240307", "anthropic"),
            (8, 14, API, "openai/gpt-4o-mini", "openai"),
        ],
    ),
    (
        "Hub org that is also a LiteLLM prefix",
        "model: openai/whisper-large-v3\n",
        [(1, 8, HF, "openai/whisper-large-v3", None)],
    ),
    (
        "host prefix serving a Hub model",
        "model: together_ai/meta-llama/Llama-3.3-70B-Instruct\nllm: ollama/llama3.1:8b\n",
        [
            (1, 8, HF, "meta-llama/Llama-3.3-70B-Instruct", "together_ai"),
            (2, 6, RefKind.OLLAMA, "llama3.1:8b", None),
        ],
    ),
    (
        "gpt2 is a legacy Hub id, not an API name; bare gpt-j-6b is no Hub id (a local folder)",
        "model_id: gpt2\nmodel_name: gpt-j-6b\n",
        [(1, 11, HF, "gpt2", None)],
    ),
    (
        "spaCy and Ultralytics names",
        "spacy_model: en_core_web_sm\nmodel: yolov8n.pt\n",
        [
            (1, 14, RefKind.SPACY, "en_core_web_sm", None),
            (2, 8, RefKind.ULTRALYTICS, "yolov8n.pt", None),
        ],
    ),
    ("spaCy key with a non-spaCy value", "spacy_model: blank\n", []),
    (
        "local folders from root and from the config's folder",
        "model_name_or_path: ./models/my-bert\nbase_model: ckpt\n",
        [(1, 21, LOCAL, "models/my-bert", None), (2, 13, LOCAL, "conf/ckpt", None)],
    ),
    (
        "paths, placeholders, non-strings",
        "model_name_or_path: /data/ckpt\nbase_model: ${BASE}\nmodel_id: null\nmodel_name: 7\n"
        "model: weights/best.pt\ntokenizer_name: ~\n",
        [],
    ),
    ("not model keys", "model_type: llama\nmodel_max_length: 2048\nmodel_revision: main\n", []),
    (
        "dash-spelled key, case-insensitive",
        "Base-Model: Qwen/Qwen2-7B\n",
        [(1, 13, HF, "Qwen/Qwen2-7B", None)],
    ),
    (
        "multi-document and anchors",
        "model: org/first\n---\ndefaults: &d\n  base_model: google/gemma-2b\nrun:\n  <<: *d\n"
        "  model: org/other\n",
        [
            (1, 8, HF, "org/first", None),
            (4, 15, HF, "google/gemma-2b", None),
            (7, 10, HF, "org/other", None),
        ],
    ),
    (
        "dataset keys",
        "dataset_name: tatsu-lab/alpaca\ndataset_id: local_set\n",
        [(1, 15, RefKind.DATASET, "tatsu-lab/alpaca", None)],
    ),
    (
        "axolotl: base model, config and tokenizer repos; adapter type and outputs are not models",
        "base_model: NousResearch/Llama-2-7b-hf\nbase_model_config: openlm-research/open_llama_3b\n"
        "tokenizer_config: EleutherAI/gpt-neox-20b\nadapter: qlora\nlora_model_dir: org/lora\n"
        "hub_model_id: me/my-finetune\noutput_dir: outputs/lora-out\nreward_model: true\n",
        [
            (1, 13, HF, "NousResearch/Llama-2-7b-hf", None),
            (2, 20, HF, "openlm-research/open_llama_3b", None),
            (3, 19, HF, "EleutherAI/gpt-neox-20b", None),
        ],
    ),
    (
        "dataset lists: path/id items are datasets, local files and bare names are not",
        "datasets:\n  - path: mhenrichsen/alpaca_2k_test\n    type: alpaca\n    name: en\n"
        "  - path: data/train.jsonl\n  - path: org/shard.parquet\ndataset_mixture:\n"
        "  datasets:\n    - id: HuggingFaceH4/ultrachat_200k\npretraining_dataset:\n"
        "  - path: allenai/c4\ndataset: identity,alpaca_en_demo\n",
        [
            (2, 11, DATASET, "mhenrichsen/alpaca_2k_test", None),
            (9, 11, DATASET, "HuggingFaceH4/ultrachat_200k", None),
            (11, 11, DATASET, "allenai/c4", None),
        ],
    ),
    (
        "key suffixes: inputs count, outputs do not",
        "dino_model_id: facebook/dinov2-base\nvae_name_or_path: stabilityai/sd-vae-ft-mse\n"
        "clip_model_name: ViT-B-32\npush_to_hub_model_id: me/out\nsave_model_id: me/x\n"
        "hub_model_name: me/y\nexport_model_name_or_path: me/z\n",
        [
            (1, 16, HF, "facebook/dinov2-base", None),
            (2, 19, HF, "stabilityai/sd-vae-ft-mse", None),
        ],
    ),
    (
        "relative folders named like local output are not Hub ids",
        "model_name_or_path: saves/qwen3-4b\nbase_model: models/Llama-2-7b\n"
        "adapter_name_or_path: checkpoints/run1\nmodel: training/model-best\n",
        [],
    ),
    (
        "Hub dataset URL under any model key",
        "hf_hub_url: https://huggingface.co/datasets/tatsu-lab/alpaca\n"
        "model: hf://datasets/org/set\n",
        [(1, 13, DATASET, "tatsu-lab/alpaca", None), (2, 8, DATASET, "org/set", None)],
    ),
    (
        "unsafe tags are composed, never constructed",
        "model: !!python/object/apply:os.system ['echo hi']\nbase_model: EleutherAI/pythia-70m\n",
        [(2, 13, HF, "EleutherAI/pythia-70m", None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in YAML_CASES],
                         ids=[c[0] for c in YAML_CASES])  # fmt: skip
def test_yaml(ctx: RepoContext, text: str, expected: list[Row]) -> None:
    result = extract_yaml("conf/train.yaml", text, ctx)
    assert rows(result) == expected
    assert result.errors == ()
    assert all(r.source is SourceKind.YAML and r.extractor == "yaml.model_key" for r in result.refs)
    assert all(r.path == "conf/train.yaml" for r in result.refs)


FREE_CASES: list[tuple[str, str, list[tuple[int, int, RefKind, str, str]]]] = [
    (
        "spaCy project vars and commands",
        'vars:\n  vectors_model: "en_core_web_md"\n  other: my_core_stuff\ncommands:\n'
        '  - name: setup\n    script:\n      - "python -m spacy download ${vars.vectors_model}"\n'
        '      - "python -m spacy download en_core_web_lg"\n',
        [
            (2, 18, SPACY, "en_core_web_md", "yaml.model_key"),  # *_model is a model key
            (8, 35, SPACY, "en_core_web_lg", "cmd.spacy_download"),
        ],
    ),
    (
        "CI step installing a weight package, block scalar with continuation",
        "steps:\n  - run: |\n      python -m pip install --upgrade pip\n"
        "      pip install -q \\\n        ultralytics==8.3.0 onnx\n"
        "  - run: echo pip install yolov5\n",
        [(5, 9, PACKAGE, "ultralytics", "cmd.pip_install")],  # echo ... is not an install
    ),
    ("not commands, not spaCy names", "a: pip installer\nb: en_core_web\nc: spacy download\n", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in FREE_CASES],
                         ids=[c[0] for c in FREE_CASES])  # fmt: skip
def test_yaml_strings_outside_model_keys(
    ctx: RepoContext, text: str, expected: list[tuple[int, int, RefKind, str, str]]
) -> None:
    result = extract_yaml("project.yml", text, ctx)
    assert [(r.line, r.column, r.kind, r.raw, r.extractor) for r in result.refs] == expected


def test_json_and_toml_command_strings(ctx: RepoContext) -> None:
    json_text = '{"scripts": {"setup": "pip install ultralytics"},\n "lang": "de_core_news_sm"}'
    toml_text = '[tool.tasks]\nsetup = "python -m spacy download en_core_web_sm"\n'
    got = [
        (r.line, r.column, r.raw, r.extractor) for r in extract_json("p.json", json_text, ctx).refs
    ]
    assert got == [
        (1, 36, "ultralytics", "cmd.pip_install"),
        (2, 10, "de_core_news_sm", "json.spacy_pipeline"),
    ]
    got = [
        (r.line, r.column, r.raw, r.extractor) for r in extract_toml("t.toml", toml_text, ctx).refs
    ]
    assert got == [(2, 35, "en_core_web_sm", "cmd.spacy_download")]


JSON_CASES: list[tuple[str, str, list[Row]]] = [
    (
        "HF config.json",
        '{\n  "_name_or_path": "meta-llama/Llama-2-7b-hf",\n  "model_type": "llama",\n'
        '  "text_config": {"_name_or_path": "bert-base-uncased"}\n}\n',
        [(2, 20, HF, "meta-llama/Llama-2-7b-hf", None), (4, 36, HF, "bert-base-uncased", None)],
    ),
    (
        "PEFT adapter_config.json",
        '{"base_model_name_or_path": "mistralai/Mistral-7B-v0.1", "peft_type": "LORA"}',
        [(1, 29, HF, "mistralai/Mistral-7B-v0.1", None)],
    ),
    (
        "escapes and unicode before the value",
        '{"note": "a \\"quoted\\" \\u00e9 }", "model": ["x", "gpt-4o", 3, null]}',
        [(1, 50, API, "gpt-4o", "openai")],
    ),
    ("local _name_or_path", '{"_name_or_path": "/home/user/ckpt/final"}', []),
    (
        "generation_config.json and tokenizer_config.json carry no model id",
        '{"_from_model_config": true, "bos_token_id": 1, "transformers_version": "4.44.0",\n'
        ' "tokenizer_class": "LlamaTokenizer", "model_max_length": 4096}',
        [],
    ),
    (
        "LLaMA-Factory dataset_info.json: the Hub URL, not ModelScope's",
        '{"alpaca_en": {"hf_hub_url": "llamafactory/alpaca_en",\n'
        '  "ms_hub_url": "llamafactory/alpaca_en", "om_hub_url": "HaM/alpaca_en"}}',
        [(1, 30, DATASET, "llamafactory/alpaca_en", None)],
    ),
    ("no model keys", '{"name": "my-app", "version": "1.0", "model_max_length": 512}', []),
    (
        "top-level array",
        '[{"model_id": "google/flan-t5-base"}]',
        [(1, 15, HF, "google/flan-t5-base", None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in JSON_CASES],
                         ids=[c[0] for c in JSON_CASES])  # fmt: skip
def test_json(ctx: RepoContext, text: str, expected: list[Row]) -> None:
    result = extract_json("models/config.json", text, ctx)
    assert rows(result) == expected
    assert result.errors == ()
    assert all(r.source is SourceKind.JSON and r.extractor == "json.model_key" for r in result.refs)


TOML_CASES: list[tuple[str, str, list[Row]]] = [
    (
        "table key",
        '[llm]\nprovider = "openai"\nmodel = "gpt-4o-mini"\n',
        [(3, 9, API, "gpt-4o-mini", "openai")],
    ),
    (
        "same value under another key first",
        'name = "google/gemma-2b"\n[tool.eval]\nbase_model = "google/gemma-2b"\n',
        [(3, 14, HF, "google/gemma-2b", None)],
    ),
    (
        "arrays, literal strings and inline tables",
        "models = [\n  'BAAI/bge-small-en-v1.5',\n  \"intfloat/e5-base\",\n]\n"
        'reranker = { model = "cross-encoder/ms-marco-MiniLM-L-6-v2" }\n',
        [
            (2, 3, HF, "BAAI/bge-small-en-v1.5", None),
            (3, 3, HF, "intfloat/e5-base", None),
            (5, 22, HF, "cross-encoder/ms-marco-MiniLM-L-6-v2", None),
        ],
    ),
    (
        "dotted keys and comments",
        '# model = "not/this"\ntool.app.model_id = "Salesforce/blip-image-captioning-base" # x\n',
        [(2, 21, HF, "Salesforce/blip-image-captioning-base", None)],
    ),
    (
        "two equal values map to successive lines",
        '[a]\nmodel = "org/m"\n[b]\nmodel = "org/m"\n',
        [(2, 9, HF, "org/m", None), (4, 9, HF, "org/m", None)],
    ),
    ("negatives", 'model_type = "bert"\nmodel = "local"\n[project]\nname = "org/x"\n', []),
    (
        "tool tables: any key ending in _model or _model_id",
        '[tool.chatbot]\ndefault_model = "Qwen/Qwen2.5-7B-Instruct"\n'
        'judge_model_id = "gpt2"\nplanner_model = "claude-3-5-sonnet-20241022"\n'
        '[tool.agents.models]\nfallback_model = "gpt-4o"\n',
        [
            (2, 17, HF, "Qwen/Qwen2.5-7B-Instruct", None),
            (3, 18, HF, "gpt2", None),
            (4, 17, API, "claude-3-5-sonnet-20241022", "anthropic"),
            (6, 18, API, "gpt-4o", "openai"),
        ],
    ),
    (
        "a generic *_model key takes no bare name; outputs are not inputs",
        '[tool.x]\ndefault_model = "small"\nsave_model = "org/mine"\noutput_model = "org/o"\n'
        "use_model = true\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in TOML_CASES],
                         ids=[c[0] for c in TOML_CASES])  # fmt: skip
def test_toml(ctx: RepoContext, text: str, expected: list[Row]) -> None:
    result = extract_toml("app.toml", text, ctx)
    assert rows(result) == expected
    assert result.errors == ()


INI_CASES: list[tuple[str, str, list[Row]]] = [
    (
        "a tool section's model keys",
        "[metadata]\nname = ragsearch\n\n[ragsearch]\nembedding_model = BAAI/bge-large-en-v1.5\n"
        "rerank_model: BAAI/bge-reranker-base\nchunk_size = 512\n",
        [(5, 19, HF, "BAAI/bge-large-en-v1.5", None), (6, 15, HF, "BAAI/bge-reranker-base", None)],
    ),
    (
        "comments, requirements and other sections name no model",
        "; default_model = org/commented\n# base_model = org/commented-too\n[options]\n"
        "install_requires =\n    transformers>=4.40\n    numpy==1.26\n"
        "[tool:pytest]\naddopts = -q\n",
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in INI_CASES],
                         ids=[c[0] for c in INI_CASES])  # fmt: skip
def test_ini(ctx: RepoContext, text: str, expected: list[Row]) -> None:
    result = configs.extract_ini("setup.cfg", text, ctx)
    assert rows(result) == expected
    assert result.errors == ()
    assert all(r.extractor == "setup_cfg.model_key" for r in result.refs)


BROKEN = [
    (extract_yaml, "c.yaml", "a: 1\nmodel: [gpt2\nb: 2\n", "invalid YAML: expected ',' or ']'", 3),
    (extract_yaml, "c.yaml", "a: 1\n  b: 2\n", "invalid YAML: mapping values are not allowed", 2),
    (extract_json, "c.json", '{\n  "model": "gpt2"\n  "x": 1\n}\n', "invalid JSON: Expecting", 3),
    (extract_json, "c.json", "", "invalid JSON: Expecting value", 1),
    (extract_toml, "c.toml", 'a = 1\nmodel = "gpt2\n', "invalid TOML: ", 2),
]


@pytest.mark.parametrize(("extract", "path", "text", "message", "line"), BROKEN)
def test_broken_file_is_one_error(
    ctx: RepoContext, extract: Extractor, path: str, text: str, message: str, line: int
) -> None:
    result = extract(path, text, ctx)
    assert result.refs == ()
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.path, error.line) == (path, line)
    assert error.message.startswith(message), error.message


@pytest.mark.parametrize(
    "path", ["package-lock.json", "web/yarn.lock", "poetry.lock", "Pipfile.lock", "pnpm-lock.yaml"]
)
def test_lock_files_are_skipped(ctx: RepoContext, path: str) -> None:
    extract = extract_yaml if path.endswith(".yaml") else extract_json
    text = '{"model": "org/name"}' if not path.endswith(".yaml") else "model: org/name\n"
    assert extract(path, text, ctx) == Extraction()


def test_large_files_are_scanned_line_by_line(ctx: RepoContext) -> None:
    padding = " " * configs.MAX_CONFIG_BYTES
    large = extract_json("vocab.json", '{"model": "org/name"}' + padding, ctx)
    assert rows(large) == [(1, 11, HF, "org/name", None)]
    assert [(e.message, e.line, e.internal) for e in large.errors] == [
        ("not parsed: 1.0 MB is over the 1 MB config limit: scanned line by line", None, False)
    ]
    assert rows(extract_json("small.json", '{"model": "org/name"}', ctx)) == [
        (1, 11, HF, "org/name", None)
    ]


def test_billion_laughs_aliases_are_walked_once(ctx: RepoContext) -> None:
    lines = ["a0: &a0 {model: org/name}"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    result = extract_yaml("bomb.yaml", "\n".join(lines) + "\n", ctx)
    assert rows(result) == [(1, 17, HF, "org/name", None)]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("model", "o3-mini", (API, "o3-mini", "openai")),
        ("model", "text-embedding-3-small", (API, "text-embedding-3-small", "openai")),
        ("model", "gemini-1.5-pro", (API, "gemini-1.5-pro", "google")),
        ("model", "command-r-plus", (API, "command-r-plus", "cohere")),
        ("model", "mistral-large-latest", (API, "mistral-large-latest", "mistral")),
        ("model", "openrouter/anthropic/claude-3.5-sonnet",
         (API, "openrouter/anthropic/claude-3.5-sonnet", "anthropic")),
        ("model", "bedrock/anthropic.claude-3-sonnet-20240229-v1:0",
         (API, "bedrock/anthropic.claude-3-sonnet-20240229-v1:0", "anthropic")),
        ("model", "grok-2-latest", (API, "grok-2-latest", "xai")),
        ("model", "mistral-7b", None),
        ("model", "o1x", None),
        ("model", "google/gemini-pro", (API, "google/gemini-pro", "google")),
        ("model", "google/gemma-2b", (HF, "google/gemma-2b", None)),
        ("model_id", "gpt-neo-125M", None),  # only the legacy canonical ids are un-namespaced
    ],
)  # fmt: skip
def test_value_classification(
    ctx: RepoContext, key: str, value: str, expected: tuple[RefKind, str, str | None] | None
) -> None:
    result = extract_yaml("c.yaml", f"{key}: {value}\n", ctx)
    got = [(r.kind, r.raw, r.provider) for r in result.refs]
    assert got == ([expected] if expected else [])


def test_model_keys_table_is_normalised() -> None:
    assert all(key == configs.normalise_key(key) for key in configs.MODEL_KEYS)
    assert not {"model_type", "model_max_length", "hub_model_id"} & set(configs.MODEL_KEYS)
    assert not {"adapter", "lora_model_dir", "output_dir", "ms_hub_url"} & set(configs.MODEL_KEYS)
    assert all(configs.key_spec(key) is None for key in configs.OUTPUT_KEYS)


@pytest.mark.parametrize(
    "path", [".vscode/launch.json", ".devcontainer/devcontainer.json", "web/tsconfig.app.json"]
)
def test_jsonc_files_allow_comments_and_trailing_commas(ctx: RepoContext, path: str) -> None:
    text = '// settings\n{\n  /* the model */ "model": "org/name", // x\n  "a": [1, 2,],\n}\n'
    result = extract_json(path, text, ctx)
    assert (rows(result), result.errors) == ([(3, 28, HF, "org/name", None)], ())


def test_comments_in_plain_json_are_errors(ctx: RepoContext) -> None:
    result = extract_json("conf/app.json", '// c\n{"model": "org/name"}\n', ctx)
    assert [(e.line, e.message) for e in result.errors] == [(1, "invalid JSON: Expecting value")]


def test_error_type_is_file_error(ctx: RepoContext) -> None:
    assert extract_json("x.json", "{", ctx).errors == (
        FileError("x.json", "invalid JSON: Expecting property name enclosed in double quotes", 1),
    )


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("r.json", '{"tool": {"name": "model-license-guard"}, "findings": [{"model": "org/x"}]}'),
        ("baseline.json", '{"tool": "model-license-guard", "entries": [{"model": "org/x"}]}'),
    ],
)
def test_own_reports_and_baselines_are_not_configs(path: str, text: str) -> None:
    assert configs.extract_json(path, text, RepoContext(Path("."))) == Extraction()


def test_own_policy_table_in_pyproject_is_not_a_config() -> None:
    text = (
        '[tool.other]\nmodel = "org/used"\n'
        '[[tool.model-license-guard.exceptions]]\nmodel = "org/approved"\n'
    )
    found = configs.extract_toml("pyproject.toml", text, RepoContext(Path(".")))
    assert [(r.line, r.raw) for r in found.refs] == [(2, "org/used")]
