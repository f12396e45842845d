"""Value classification: what a string under a model key names (Hub id, API model, folder...).

``classify`` is shared by the parsed formats and the line scanner, so a value means the same
wherever it was read: a Hub dataset URL, a spaCy package, an Ultralytics weights file, a hosted
API model (``API_MODELS``, LiteLLM-style prefixes), a folder of the repository, or a Hub id.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from scanner.context import RepoContext
from scanner.find.extractors.configs.keys import DATASET, KeySpec
from scanner.find.extractors.packages import SPACY_PACKAGE
from scanner.find.identify import hub_id
from scanner.types import RefKind

HUB_DATASET_URL = re.compile(
    r"^(?:(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/|hf://)datasets/"
    r"(?P<id>[^/?#\s]+(?:/[^/?#\s]+)?)/?$"
)
"""A Hub dataset URL (``https://huggingface.co/datasets/tatsu-lab/alpaca``)."""

DATA_FILE = re.compile(
    r"\.(?:jsonl|json|csv|tsv|parquet|arrow|txt|zst|gz|bz2|xz|zip|tar|npy|npz|pkl|h5|spacy)$",
    re.IGNORECASE,
)
"""File endings of data files: ``path: data/train.jsonl`` under a dataset key is local data."""

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
        text, spec = dataset_url.group("id"), DATASET
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


class Classifier:
    """``classify`` for one file, remembered per value (a repeated value costs no new lookups)."""

    def __init__(self, path: str, ctx: RepoContext) -> None:
        self.path, self.ctx = path, ctx
        self.memo: dict[tuple[str, KeySpec], Found | None] = {}

    def __call__(self, value: str, spec: KeySpec) -> Found | None:
        if (value, spec) not in self.memo:
            self.memo[value, spec] = classify(value, spec, self.path, self.ctx)
        return self.memo[value, spec]
