"""YAML, JSON and TOML configs: values of keys that name models (``base_model``, ``_name_or_path``).

Each format is read into one small positional tree (``Scalar`` / ``Mapping`` / ``Sequence``) and a
single walker applies the ``MODEL_KEYS`` table, so the three formats agree on what a model key is.
YAML is only composed with ``SafeLoader`` (nodes, never objects); JSON and TOML are validated by the
standard library (TOML through ``tomlsafe``) and their value positions located in the text.

A file that cannot be parsed within bounds (over ``MAX_CONFIG_BYTES``, nested too deeply, TOML
numbers too long) is scanned by a linear-time line scanner for the same keys and reported as a
FileError; YAML aliases are never expanded (each shared node is read once).
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from collections.abc import Mapping as MappingT
from dataclasses import dataclass
from typing import Any

import yaml

from scanner import tomlsafe
from scanner.context import RepoContext
from scanner.find.extractors.packages import SPACY_PACKAGE, SPACY_PIPELINE, command_models
from scanner.find.identify import hub_id
from scanner.types import Extraction, FileError, ModelRef, RefKind, SourceKind

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

MAX_CONFIG_BYTES = 1_000_000
"""Configs larger than this are data (tokenizer vocabularies, datasets), not configuration."""

LOCK_FILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "conda-lock.yml"}
)
"""Lock files that do not end in ``.lock`` (``yarn.lock``, ``poetry.lock``, ``uv.lock``...)."""


@dataclass(frozen=True, slots=True)
class KeySpec:
    """What a value under a model key may be: its kind and whether a bare id (``gpt2``) counts."""

    kind: RefKind
    bare_ok: bool


_STRONG = KeySpec(RefKind.HUGGINGFACE, bare_ok=True)
_WEAK = KeySpec(RefKind.HUGGINGFACE, bare_ok=False)
_DATASET = KeySpec(RefKind.DATASET, bare_ok=False)
_SPACY = KeySpec(RefKind.SPACY, bare_ok=False)

MODEL_KEYS: MappingT[str, KeySpec] = {
    # keys whose value is a model by construction: bare Hub ids ("gpt2") are accepted
    "_name_or_path": _STRONG,
    "name_or_path": _STRONG,
    "model_name_or_path": _STRONG,
    "pretrained_model_name_or_path": _STRONG,
    "base_model": _STRONG,
    "base_model_name": _STRONG,
    "base_model_id": _STRONG,
    "base_model_name_or_path": _STRONG,
    "model_id": _STRONG,
    "model_name": _STRONG,
    "model_checkpoint": _STRONG,
    "pretrained_model": _STRONG,
    "pretrained_model_name": _STRONG,
    "tokenizer_name": _STRONG,
    "tokenizer_name_or_path": _STRONG,
    "tokenizer_id": _STRONG,
    "hf_model": _STRONG,
    "hf_model_id": _STRONG,
    "hf_model_name": _STRONG,
    "teacher_model": _STRONG,
    "teacher_model_name_or_path": _STRONG,
    "student_model": _STRONG,
    "reward_model": _STRONG,
    "reward_model_name_or_path": _STRONG,
    "ref_model": _STRONG,
    "draft_model": _STRONG,
    "speculative_model": _STRONG,
    "embedding_model": _STRONG,
    "embedding_model_name": _STRONG,
    "embed_model": _STRONG,
    "embed_model_name": _STRONG,
    "reranker_model": _STRONG,
    "rerank_model": _STRONG,
    "cross_encoder_model": _STRONG,
    "sentence_transformer_model": _STRONG,
    "llm_model": _STRONG,
    "llm_model_name": _STRONG,
    "chat_model": _STRONG,
    "vision_tower": _STRONG,
    "mm_vision_tower": _STRONG,
    "peft_model_id": _STRONG,
    "adapter_name_or_path": _STRONG,
    "base_model_config": _STRONG,  # axolotl: the Hub repo whose config.json is used
    "tokenizer_config": _STRONG,  # axolotl: the Hub repo whose tokenizer is used
    "transformer_model": _STRONG,  # spaCy projects: the HF model behind spacy-transformers
    # generic words: only namespaced Hub ids, API model names and known package names count
    "model": _WEAK,
    "models": _WEAK,
    "tokenizer": _WEAK,
    "checkpoint": _WEAK,
    "pretrained": _WEAK,
    "llm": _WEAK,
    "engine": _WEAK,
    "encoder": _WEAK,
    "decoder": _WEAK,
    "generator": _WEAK,
    "embedder": _WEAK,
    "vision_model": _WEAK,
    "text_model": _WEAK,
    # datasets carry licenses too; under a list key each item's path/id/name is the dataset
    "dataset_name": _DATASET,
    "dataset_id": _DATASET,
    "dataset_name_or_path": _DATASET,
    "dataset": _DATASET,
    "datasets": _DATASET,  # axolotl `datasets: [{path: ...}]`, alignment-handbook `{id: ...}`
    "pretraining_dataset": _DATASET,
    "train_dataset": _DATASET,
    "eval_dataset": _DATASET,
    "test_dataset": _DATASET,
    "test_datasets": _DATASET,
    "eval_datasets": _DATASET,
    "hf_hub_url": _DATASET,  # LLaMA-Factory dataset_info.json (ms_hub_url is ModelScope: not read)
    # spaCy pipelines named in configs
    "spacy_model": _SPACY,
    "spacy_model_name": _SPACY,
    "spacy_pipeline": _SPACY,
}
"""Key names (lower case, ``-`` written ``_``) whose values name models, with what they may be."""

HUB_DATASET_URL = re.compile(
    r"^(?:(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/|hf://)datasets/"
    r"(?P<id>[^/?#\s]+(?:/[^/?#\s]+)?)/?$"
)
"""A Hub dataset URL (``https://huggingface.co/datasets/tatsu-lab/alpaca``)."""

MODEL_KEY_SUFFIXES: tuple[tuple[str, KeySpec], ...] = (
    ("_model_name_or_path", _STRONG),
    ("_name_or_path", _STRONG),
    ("_model_id", _STRONG),
    ("_model_name", _WEAK),
)
"""Keys not in ``MODEL_KEYS`` that end so (``dino_model_id``, ``vae_model_name_or_path``)."""

OUTPUT_KEYS = frozenset({
    "hub_model_id", "push_to_hub_model_id", "hub_model_name", "push_to_hub_organization",
    "output_model_id", "output_model_name", "output_dir", "output_path", "save_model_id",
})  # fmt: skip
"""Where a run writes or pushes its result: the repository's own output, never a dependency."""

OUTPUT_WORDS = frozenset({"hub", "push", "output", "save", "saved", "export", "merged", "new"})
"""A key derived from a suffix rule that starts with one of these names an output, not an input."""


DATA_FILE = re.compile(
    r"\.(?:jsonl|json|csv|tsv|parquet|arrow|txt|zst|gz|bz2|xz|zip|tar|npy|npz|pkl|h5|spacy)$",
    re.IGNORECASE,
)
"""File endings of data files: ``path: data/train.jsonl`` under a dataset key is local data."""

NESTED_NAME_KEYS = frozenset({"name", "id", "path", "repo", "repo_id", "name_or_path"})
"""Inside a mapping under a model key (``model: {name: ...}``) these keys carry the model."""

ULTRALYTICS_WEIGHTS = re.compile(r"yolo[a-z0-9.-]*\.pt", re.IGNORECASE)
"""An Ultralytics weights file the library downloads by name (``yolov8n.pt``, ``yolo11s.pt``)."""

API_MODELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (provider, re.compile(pattern, re.IGNORECASE))
    for provider, pattern in (
        (
            "openai",
            r"(?:ft:)?(?:gpt-(?:3\.5|4|5|image|realtime|audio)[\w.:-]*|chatgpt-[\w.-]+"
            r"|o[1-9](?:-[\w.-]+)?|text-embedding-[\w.-]+|text-(?:davinci|curie|babbage|ada)-\d+"
            r"|(?:davinci|babbage)-002|dall-e-[23]|tts-1(?:-hd)?|whisper-1|codex-mini[\w.-]*"
            r"|(?:omni|text)-moderation-[\w.-]+)",
        ),
        ("anthropic", r"claude-[\w.@:-]+"),
        ("google", r"gemini-[\w.-]+"),
        ("cohere", r"command-[\w.-]+|embed-(?:english|multilingual)-[\w.-]+|rerank-[\w.-]+"),
        (
            "mistral",
            r"mistral-(?:large|medium|small|tiny|embed|saba|ocr)[\w.-]*|codestral-[\w.-]+"
            r"|open-(?:mistral|mixtral|codestral)-[\w.-]+|pixtral-large[\w.-]*"
            r"|(?:ministral|magistral|devstral)-[\w.-]+",
        ),
        ("xai", r"grok-[\w.-]+"),
        ("deepseek", r"deepseek-(?:chat|reasoner)"),
    )
)
"""Hosted proprietary model names, by the provider whose terms govern them."""

_VENDOR_PREFIXES = frozenset({
    "openai", "azure", "azure_ai", "anthropic", "gemini", "vertex_ai", "mistral", "cohere",
    "cohere_chat", "xai", "deepseek", "bedrock", "text-completion-openai",
})  # fmt: skip
"""LiteLLM prefixes that are also Hub orgs (``openai/whisper-large-v3``): API names only."""

_HOST_PREFIXES = frozenset({
    "openrouter", "groq", "together_ai", "fireworks_ai", "deepinfra", "huggingface", "replicate",
    "perplexity", "anyscale", "nvidia_nim", "sambanova", "cerebras", "novita", "nebius",
    "lambda_ai", "hyperbolic", "featherless_ai",
})  # fmt: skip
"""LiteLLM prefixes of hosts serving other makers' models; ``ollama/`` is handled on its own."""

_LITELLM_PREFIXES = _VENDOR_PREFIXES | _HOST_PREFIXES
_BARE_ID_SHAPE = re.compile(r"[\d._-]")
_BEDROCK_VENDOR = re.compile(r"^(?:(?:us|eu|apac|global)\.)?(?:anthropic|cohere|mistral)\.")


@dataclass(frozen=True, slots=True)
class Found:
    """A classified model value: its kind, the identifier as reported, and the API provider."""

    kind: RefKind
    raw: str
    provider: str | None = None


def api_model(raw: str) -> Found | None:
    """The hosted model ``raw`` names (``gpt-4o``, ``anthropic/claude-3-opus``), or None."""
    value = raw.strip()
    parts = value.split("/")
    prefixes = [p.lower() for p in parts[:-1]]
    name = _BEDROCK_VENDOR.sub("", parts[-1])
    for provider, pattern in API_MODELS:
        if pattern.fullmatch(name) and all(
            p in _LITELLM_PREFIXES or p == provider for p in prefixes
        ):
            return Found(RefKind.API, value, provider)
    if not prefixes:
        return None
    if prefixes[0] in ("ollama", "ollama_chat") and len(parts) == 2:
        return Found(RefKind.OLLAMA, parts[1])
    if prefixes[0] in _HOST_PREFIXES:
        rest = "/".join(parts[1:])
        model = hub_id(rest, bare_ok=False)
        return Found(RefKind.HUGGINGFACE, model, prefixes[0]) if model else None
    return None


def classify(value: str, spec: KeySpec, path: str, ctx: RepoContext) -> Found | None:
    """What a string under a model key names, or None for paths, placeholders and noise."""
    text = value.strip()
    if not text or len(text) > 300:
        return None
    dataset_url = HUB_DATASET_URL.match(text)
    if dataset_url:  # huggingface.co/datasets/org/name names a dataset under any key
        text, spec = dataset_url.group("id"), _DATASET
    if spec.kind is RefKind.SPACY or SPACY_PACKAGE.fullmatch(text):
        return Found(RefKind.SPACY, text) if SPACY_PACKAGE.fullmatch(text) else None
    if spec.kind is RefKind.HUGGINGFACE:
        if ULTRALYTICS_WEIGHTS.fullmatch(text):
            return Found(RefKind.ULTRALYTICS, text)
        found = api_model(text)
        if found is not None:
            return found
        folder = local_folder(text, path, ctx)
        if folder is not None:
            return Found(RefKind.LOCAL, folder)
    model = hub_id(text, bare_ok=spec.bare_ok, exists=lambda rel: _exists(rel, path, ctx))
    if model is None or ("/" not in model and not _BARE_ID_SHAPE.search(model)):
        return None  # a bare single word ("fast", "chat") is an alias, not a legacy Hub id
    if DATA_FILE.search(model):
        return None
    return Found(spec.kind, model)


def local_folder(value: str, path: str, ctx: RepoContext) -> str | None:
    """The repo-relative folder ``value`` names, from the repo root or the config's folder."""
    if "://" in value or value.startswith(("/", "~", "$")):
        return None
    for base in dict.fromkeys(("", posixpath.dirname(path))):
        rel = posixpath.normpath(posixpath.join(base, value))
        if rel not in (".", "") and ctx.is_dir(rel):
            return rel
    return None


def _exists(rel: str, path: str, ctx: RepoContext) -> bool:
    here = posixpath.normpath(posixpath.join(posixpath.dirname(path), rel))
    return ctx.exists(rel) or ctx.exists(here)


def normalise_key(key: str) -> str:
    """Key as looked up in ``MODEL_KEYS``: lower case, ``-`` written ``_``."""
    return key.strip().lower().replace("-", "_")


# --- the positional tree shared by the three formats ------------------------------------------


@dataclass(frozen=True, slots=True)
class Scalar:
    """A leaf; ``value`` is None unless it is a string. ``line`` 0 means not located yet."""

    value: str | None
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Mapping:
    """A mapping with string keys, in document order."""

    items: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Sequence:
    """A list."""

    items: tuple[Node, ...]


Node = Scalar | Mapping | Sequence


@dataclass(frozen=True, slots=True)
class Hit:
    """A string value under a model key, or (``spec`` None) a command or spaCy name elsewhere."""

    key: str
    spec: KeySpec | None
    scalar: Scalar


def model_values(root: Node) -> Iterator[Hit]:
    """Every string under a model key, including lists and ``{name: ...}`` mappings below one.

    Strings under no model key are yielded too (``spec`` None) when they may name a model on
    their own: a shell command (``pip install``, ``spacy download``) or a strict spaCy name.
    """
    seen: set[tuple[int, KeySpec | None]] = set()
    stack: list[tuple[Node, str, KeySpec | None]] = [(root, "", None)]
    while stack:
        node, key, spec = stack.pop()
        if (id(node), spec) in seen:  # YAML aliases share nodes: each is visited once per spec
            continue
        seen.add((id(node), spec))
        match node:
            case Scalar(value=str() as value) if spec is not None or free_candidate(value):
                yield Hit(key, spec, node)
            case Sequence(items=items):
                stack.extend((item, key, spec) for item in reversed(items))
            case Mapping(items=items):
                stack.extend((child, k, _child_spec(k, spec)) for k, child in reversed(items))


def free_candidate(value: str) -> bool:
    """True for a string that may name a model under any key: a command or a spaCy pipeline."""
    return bool(SPACY_PIPELINE.fullmatch(value.strip())) or bool(command_models(value))


def _child_spec(key: str, parent: KeySpec | None) -> KeySpec | None:
    name = normalise_key(key)
    spec = key_spec(name)
    if spec is None and parent is not None and name in NESTED_NAME_KEYS:
        return parent
    return spec


def key_spec(name: str) -> KeySpec | None:
    """What a (normalised) key's value may name: the table, then the suffix rules, else None."""
    if name in MODEL_KEYS:
        return MODEL_KEYS[name]
    if name in OUTPUT_KEYS or name.split("_", 1)[0] in OUTPUT_WORDS:
        return None
    return next((spec for suffix, spec in MODEL_KEY_SUFFIXES if name.endswith(suffix)), None)


# --- extractors -------------------------------------------------------------------------------


def extract_yaml(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a YAML file (every document).

    Aliases are never expanded: an aliased node is one shared node, read once (per kind of key
    above it); a file whose aliases would expand past ``MAX_YAML_EXPANSION`` nodes, or that
    refers to itself, is read that way and reported.
    """
    if ignored(path):
        return Extraction()
    if oversized(text):
        return line_scan(path, text, ctx, SourceKind.YAML, over_limit(text))
    tree = _YamlTree()
    try:
        roots = [tree.convert(node) for node in yaml.compose_all(text, Loader=yaml.SafeLoader)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        return _error(path, f"invalid YAML: {err.problem or err.context}", line)
    except yaml.YAMLError as err:
        return _error(path, f"invalid YAML: {err}", None)
    except RecursionError:
        return line_scan(path, text, ctx, SourceKind.YAML, "not parsed: YAML nested too deeply")
    hits = [hit for root in roots if root is not None for hit in model_values(root)]
    found = _extraction(path, hits, ctx, SourceKind.YAML, "yaml.model_key", text)
    return Extraction(refs=found.refs, errors=tuple(FileError(path, p) for p in tree.problems()))


MAX_YAML_EXPANSION = 1_000_000
"""Nodes a YAML file's aliases may expand to before it is reported as an alias bomb."""

_CORE_TAG = "tag:yaml.org,2002:"


class _YamlTree:
    """Composed YAML nodes -> the positional tree, each node converted once (aliases shared).

    ``expanded`` counts the nodes an alias-expanding loader would build (capped), so an alias
    bomb is reported without ever being expanded; a node inside itself is cut, and reported.
    """

    def __init__(self) -> None:
        self.memo: dict[int, tuple[Node, int]] = {}
        self.active: set[int] = set()
        self.expanded = 0
        self.cycles = 0

    def convert(self, node: yaml.Node) -> Node:
        """The tree for one document's root node (nodes of earlier documents may be gone)."""
        self.memo = {}
        result, size = self._node(node)
        self.expanded = min(self.expanded + size, MAX_YAML_EXPANSION + 1)
        return result

    def problems(self) -> list[str]:
        """What to report about the file's aliases (nothing for ordinary anchors)."""
        found = []
        if self.expanded > MAX_YAML_EXPANSION:
            found.append(
                f"YAML aliases expand to over {MAX_YAML_EXPANSION:,} nodes (an alias bomb?): "
                "not expanded, each aliased node read once"
            )
        if self.cycles:
            found.append("YAML alias inside its own anchor (a recursive node): the cycle is cut")
        return found

    def _node(self, node: yaml.Node) -> tuple[Node, int]:
        """The converted node and its expanded size, converting each composed node once."""
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        if key in self.active:  # `&a [*a]`: the node contains itself
            self.cycles += 1
            return Scalar(None, node.start_mark.line + 1, node.start_mark.column + 1), 1
        self.active.add(key)
        result = self._build(node)
        self.active.discard(key)
        self.memo[key] = result
        return result

    def _build(self, node: yaml.Node) -> tuple[Node, int]:
        """Convert one node whose children may already be converted (shared through aliases)."""
        if isinstance(node, yaml.MappingNode):
            pairs = [
                (k.value, self._node(v)) for k, v in node.value if isinstance(k, yaml.ScalarNode)
            ]
            size = 1 + sum(size for _, (_, size) in pairs)
            return Mapping(tuple((k, child) for k, (child, _) in pairs)), _capped(size)
        if isinstance(node, yaml.SequenceNode):
            items = [self._node(item) for item in node.value]
            size = 1 + sum(size for _, size in items)
            return Sequence(tuple(child for child, _ in items)), _capped(size)
        # a string, or a string under an application tag (`!Ref name`): read as text
        is_str = node.tag == _CORE_TAG + "str" or not node.tag.startswith(_CORE_TAG)
        mark = node.start_mark
        return Scalar(str(node.value) if is_str else None, mark.line + 1, mark.column + 1), 1


def _capped(size: int) -> int:
    """``size`` capped just over the limit (an exponential count never becomes a huge int)."""
    return min(size, MAX_YAML_EXPANSION + 1)


def extract_json(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a JSON file (e.g. a Hugging Face ``config.json``'s ``_name_or_path``)."""
    if ignored(path) or own_output(text):
        return Extraction()
    if oversized(text):
        return line_scan(path, text, ctx, SourceKind.JSON, over_limit(text))
    if JSONC_PATH.search(path):
        text = blank_jsonc(text)
    try:
        _json_check(text)
        root = _JsonReader(text).document()
    except json.JSONDecodeError as err:
        return _error(path, f"invalid JSON: {err.msg}", err.lineno)
    except RecursionError:
        return line_scan(path, text, ctx, SourceKind.JSON, "not parsed: JSON nested too deeply")
    hits = list(model_values(root))
    return _extraction(path, hits, ctx, SourceKind.JSON, "json.model_key", text)


def _json_check(text: str) -> None:
    """Raise JSONDecodeError unless ``text`` is JSON; a number too long for ``int`` is fine."""
    try:
        json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        json.loads(text, parse_int=len)


JSONC_PATH = re.compile(
    r"(?:^|/)\.(?:vscode|devcontainer)/[^/]+\.json$"
    r"|(?:^|/)(?:devcontainer|\.devcontainer|[jt]sconfig[\w.-]*|\.eslintrc)\.json$"
)
"""Files that are JSON with comments (JSONC) by convention: VS Code, dev containers, tsconfig."""

# A string runs to its quote or the end of its line, a comment to ``*/`` or the end of the text:
# a match started always ends there, so an unclosed one is never rescanned (linear time).
_JSONC_STRING = r'("(?:[^"\\\n]|\\[^\n])*(?:"|\\?(?:(?=\n)|\Z)))'
_JSONC_COMMENT = re.compile(_JSONC_STRING + r"|//[^\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/|\Z)")
_JSONC_COMMA = re.compile(_JSONC_STRING + r"|,(?=\s*[}\]])")


def blank_jsonc(text: str) -> str:
    """JSONC -> JSON: comments and trailing commas become spaces (lines and columns unchanged).

    An unclosed ``/*`` comment runs to the end of the text.
    """
    for noise in (_JSONC_COMMENT, _JSONC_COMMA):
        text = noise.sub(lambda m: m.group(1) or re.sub(r"[^\n]", " ", m.group()), text)
    return text


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_LITERAL = re.compile(r"[^\s,\]}]+")
_JSON_SPACE = re.compile(r"\s*")


class _JsonReader:
    """Positions for a document ``json.loads`` already accepted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.newlines = [i for i, char in enumerate(text) if char == "\n"]

    def document(self) -> Node:
        self._space()
        return self._value()

    def _space(self) -> None:
        match = _JSON_SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def _value(self) -> Node:
        char = self.text[self.pos]
        if char == "{":
            return Mapping(tuple(self._members("}", self._pair)))
        if char == "[":
            return Sequence(tuple(self._members("]", self._value)))
        line = bisect_right(self.newlines, self.pos - 1) + 1
        start = self.newlines[line - 2] + 1 if line > 1 else 0
        column = self.pos - start + 1
        if char == '"':
            return Scalar(self._string(), line, column)
        literal = _JSON_LITERAL.match(self.text, self.pos)
        self.pos = literal.end() if literal else self.pos + 1
        return Scalar(None, line, column)

    def _members(self, close: str, item: Callable[[], Any]) -> Iterator[Any]:
        self.pos += 1
        self._space()
        while self.text[self.pos] != close:
            yield item()
            self._space()
            if self.text[self.pos] == ",":
                self.pos += 1
                self._space()
        self.pos += 1

    def _pair(self) -> tuple[str, Node]:
        key = self._string()
        self._space()
        self.pos += 1  # the colon
        self._space()
        return key, self._value()

    def _string(self) -> str:
        match = _JSON_STRING.match(self.text, self.pos)
        assert match is not None  # the document is valid JSON
        self.pos = match.end()
        value: str = json.loads(match.group())
        return value


OWN_TOOL_TABLE = "model-license-guard"
"""``[tool.model-license-guard]`` in pyproject.toml: this tool's policy, never scanned."""


def extract_toml(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Model references in a TOML file (``pyproject.toml`` tool sections, app configs)."""
    if ignored(path):
        return Extraction()
    if oversized(text):
        return line_scan(path, text, ctx, SourceKind.TOML, over_limit(text))
    try:
        data = tomlsafe.loads(text)
    except tomlsafe.TomlError as err:
        if err.message.startswith("invalid TOML"):
            return _error(path, err.message, err.line)
        return line_scan(path, text, ctx, SourceKind.TOML, f"not parsed: {err.message}", err.line)
    tool = data.get("tool")
    if isinstance(tool, dict):  # our own policy names models it approves, not dependencies
        tool.pop(OWN_TOOL_TABLE, None)
    hits = list(model_values(_from_toml(data)))
    located = locate_toml_strings(text, [(hit.key, hit.scalar.value or "") for hit in hits])
    hits = [
        Hit(hit.key, hit.spec, Scalar(hit.scalar.value, line, column))
        for hit, (line, column) in zip(hits, located, strict=True)
    ]
    return _extraction(path, hits, ctx, SourceKind.TOML, "toml.model_key", text)


def _from_toml(value: object) -> Node:
    match value:
        case dict():
            return Mapping(tuple((str(k), _from_toml(v)) for k, v in value.items()))
        case list():
            return Sequence(tuple(_from_toml(v) for v in value))
        case str():
            return Scalar(value, 0, 0)
        case _:
            return Scalar(None, 0, 0)


_TOML_TOKEN = re.compile(
    r'(?P<comment>#[^\n]*)|(?P<ml_basic>"""(?:[^\\]|\\.)*?"""(?!"))|(?P<ml_lit>\'\'\'.*?\'\'\'(?!\'))'
    r'|(?P<basic>"(?:[^"\\\n]|\\.)*")|(?P<lit>\'[^\'\n]*\')',
    re.DOTALL,
)


_TOML_KEY_BEFORE = re.compile(
    r"""["']?([\w.-]+)["']?\s*=\s*[\[{]?(?:\s*(?:"(?:[^"\\]|\\.)*"|'[^']*')\s*,)*\s*$"""
)
"""``key = `` (possibly ``key = ["a", ``) right before a string on its line."""


@dataclass(frozen=True, slots=True)
class TomlString:
    """A TOML string literal: decoded value, 1-based line/column, the key assigned on its line."""

    value: str
    line: int
    column: int
    key: str | None


_KEY_WINDOW = 200
"""How far before a string its key is looked for (a longer array: located by value only)."""


def toml_strings(text: str) -> list[TomlString]:
    """Every string literal in a (valid) TOML text, in order, with its position."""
    starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]
    out: list[TomlString] = []
    for match in _TOML_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "comment" or kind is None:
            continue
        at = match.start()
        line = bisect_right(starts, at)
        before = text[max(starts[line - 1], at - _KEY_WINDOW) : at]
        key = _TOML_KEY_BEFORE.search(before)
        value = _toml_decode(match.group(), kind)
        out.append(TomlString(value, line, at - starts[line - 1] + 1, key and key.group(1)))
    return out


def _toml_decode(token: str, kind: str) -> str:
    if kind == "lit":
        return token[1:-1]
    if kind == "ml_lit":
        return token[3:-3].removeprefix("\n")
    if kind == "basic" and "\\" not in token:  # nothing to unescape: no parse needed
        return token[1:-1]
    value: str = tomllib.loads(f"v = {token}")["v"]
    return value


def locate_toml_strings(text: str, wanted: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """Line and column for each ``(key, value)`` found by walking the parsed document, in order.

    Strings assigned to the key on their own line win; values in multi-line arrays fall back to
    any string literal with that value. Repeats map to successive occurrences. Strings are
    indexed by value once, so this is linear however many there are.
    """
    strings = toml_strings(text) if wanted else []
    by_value: dict[str, deque[int]] = {}
    by_key: dict[tuple[str, str], deque[int]] = {}
    for i, string in enumerate(strings):
        by_value.setdefault(string.value, deque()).append(i)
        last = (string.key or "").rsplit(".", 1)[-1]
        by_key.setdefault((string.value, last), deque()).append(i)
    used: set[int] = set()
    result: list[tuple[int, int]] = []
    for key, value in wanted:
        last = key.rsplit(".", 1)[-1]
        pick = _first_unused(by_key.get((value, last)), used)
        pick = _first_unused(by_value.get(value), used) if pick is None else pick
        if pick is None:
            result.append((1, 1))
            continue
        used.add(pick)
        result.append((strings[pick].line, strings[pick].column))
    return result


def _first_unused(queue: deque[int] | None, used: set[int]) -> int | None:
    """The first index in ``queue`` not in ``used`` (used ones are dropped: each is seen once)."""
    while queue and queue[0] in used:
        queue.popleft()
    return queue[0] if queue else None


# --- shared -----------------------------------------------------------------------------------


OWN_OUTPUT_MARK = re.compile(r'"(?:name|tool)"\s*:\s*"model-license-guard"')
"""How this tool's JSON, SARIF, CycloneDX reports and baselines name their producer."""


def own_output(text: str) -> bool:
    """True for a report or baseline this tool wrote: it lists findings, not dependencies."""
    return OWN_OUTPUT_MARK.search(text, 0, 4096) is not None


def ignored(path: str) -> bool:
    """True for lock files: they pin what the manifests already declare."""
    name = posixpath.basename(path).lower()
    return name in LOCK_FILES or name.endswith(".lock")


def oversized(text: str) -> bool:
    """True for a config too large to parse (``MAX_CONFIG_BYTES``): it is scanned line by line."""
    return len(text) > MAX_CONFIG_BYTES or len(text.encode("utf-8")) > MAX_CONFIG_BYTES


def skipped(path: str, text: str) -> bool:
    """True for lock files and files too large to parse (those are still scanned line by line)."""
    return ignored(path) or oversized(text)


def over_limit(text: str) -> str:
    """The reason an oversized config is scanned line by line."""
    size = len(text.encode("utf-8")) / 1_000_000
    limit = MAX_CONFIG_BYTES // 1_000_000 or 1
    return f"not parsed: {size:.1f} MB is over the {limit} MB config limit"


# --- the line scanner for configs that cannot be parsed ----------------------------------------

_LINE_KEY = re.compile(
    r"""(?<![\w"'.-])(?:"(?P<dq>[^"\\\n]{1,100})"|'(?P<sq>[^'\n]{1,100})'"""
    r"""|(?P<bare>[A-Za-z_][\w.-]{0,99}))[ \t]*[:=][ \t]*"""
)
"""``key:`` / ``"key":`` / ``key =``, tried only where a key can start (each position once)."""

_LINE_VALUE = re.compile(
    r""""(?P<dq>(?:[^"\\\n]|\\.){0,300})(?P<close>"?)|'(?P<sq>[^'\n]{0,300})(?P<sclose>'?)"""
    r"""|(?P<bare>[^\s"'#,{}\[\]&*!|>][^\s#,{}\[\]]{0,299})"""
)
"""A value right after a model key; it never fails once started, so no text is read twice."""


def line_scan(
    path: str, text: str, ctx: RepoContext, source: SourceKind, reason: str, line: int | None = None
) -> Extraction:
    """Model keys' values found line by line (linear time) in a config that was not parsed.

    Only ``key: value`` / ``"key": "value"`` / ``key = "value"`` pairs on one line are seen
    (not lists or mappings under a key); values are classified as in a parsed file.
    """
    extractor = f"{source.value}.model_key"
    classified = _Classifier(path, ctx)
    refs: list[ModelRef] = []
    for number, value, column, spec in _line_values(text):
        found = classified(value, spec)
        if found is not None:
            refs.append(ModelRef(path, number, column, found.kind, found.raw, extractor, source,
                                 provider=found.provider))  # fmt: skip
    error = FileError(path, f"{reason}: scanned line by line", line)
    return Extraction(refs=tuple(refs), errors=(error,))


def _line_values(text: str) -> Iterator[tuple[int, str, int, KeySpec]]:
    """``(line, value, column, spec)`` for each one-line value of a model key, in order."""
    for number, line in enumerate(text.splitlines(), start=1):
        pos = 0
        while (key := _LINE_KEY.search(line, pos)) is not None:
            pos = key.end()
            name = key.group("dq") or key.group("sq") or key.group("bare").rsplit(".", 1)[-1]
            spec = key_spec(normalise_key(name))
            value = _LINE_VALUE.match(line, pos) if spec is not None else None
            if spec is None or value is None:
                continue
            pos = max(value.end(), pos)
            decoded = _line_value(value)
            if decoded is not None:
                yield number, decoded, value.start() + 1, spec


def _line_value(match: re.Match[str]) -> str | None:
    """The text of a matched value; None for an unclosed (or undecodable) quoted value."""
    if match.group("bare") is not None:
        return match.group("bare")
    if match.group("sq") is not None:
        return match.group("sq").replace("''", "'") if match.group("sclose") else None
    if not match.group("close"):
        return None
    try:
        value = json.loads(f'"{match.group("dq")}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


class _Classifier:
    """``classify`` for one file, remembered per value (a repeated value costs no new lookups)."""

    def __init__(self, path: str, ctx: RepoContext) -> None:
        self.path, self.ctx = path, ctx
        self.memo: dict[tuple[str, KeySpec], Found | None] = {}

    def __call__(self, value: str, spec: KeySpec) -> Found | None:
        if (value, spec) not in self.memo:
            self.memo[value, spec] = classify(value, spec, self.path, self.ctx)
        return self.memo[value, spec]


def _extraction(
    path: str, hits: list[Hit], ctx: RepoContext, source: SourceKind, extractor: str, text: str
) -> Extraction:
    refs: list[ModelRef] = []
    lines = _LineIndex(text)
    classified = _Classifier(path, ctx)
    for hit in hits:
        scalar, value = hit.scalar, hit.scalar.value or ""
        if hit.spec is None:
            refs.extend(_free_refs(path, value, scalar, source, extractor, lines))
            continue
        found = classified(value, hit.spec)
        if found is not None:
            ref = ModelRef(
                path, scalar.line, scalar.column, found.kind, found.raw, extractor, source,
                provider=found.provider,
            )  # fmt: skip
            refs.append(ref)
    return Extraction(refs=tuple(refs))


def _free_refs(
    path: str, value: str, scalar: Scalar, source: SourceKind, extractor: str, lines: _LineIndex
) -> Iterator[ModelRef]:
    """A spaCy pipeline named under any key, or the models a command string installs."""
    if SPACY_PIPELINE.fullmatch(value.strip()):
        spacy_id = extractor.split(".", 1)[0] + ".spacy_pipeline"
        yield ModelRef(path, scalar.line, scalar.column, RefKind.SPACY, value.strip(), spacy_id,
                       source)  # fmt: skip
        return
    start = lines.offset(scalar.line, scalar.column)
    for found in command_models(value):
        word = _WORD.match(value, found.offset)
        span = 10 * len(value) + 1000  # the scalar as written (escapes take up to 10 characters)
        line, column = lines.find(word.group() if word else found.model.name, start, span, scalar)
        yield ModelRef(path, line, column, found.model.kind, found.model.name, found.extractor,
                       source)  # fmt: skip


_WORD = re.compile(r"[^\s'\"]+")


class _LineIndex:
    """Offsets <-> 1-based (line, column) for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]

    def offset(self, line: int, column: int) -> int:
        return self.starts[min(max(line, 1), len(self.starts)) - 1] + column - 1

    def find(self, word: str, start: int, span: int, fallback: Scalar) -> tuple[int, int]:
        """Position of ``word`` within ``span`` characters from ``start``; else the scalar's."""
        at = self.text.find(word, start, start + span)
        if at < 0:
            return fallback.line, fallback.column
        line = bisect_right(self.starts, at)
        return line, at - self.starts[line - 1] + 1


def _error(path: str, message: str, line: int | None) -> Extraction:
    return Extraction(errors=(FileError(path, message, line),))
