"""Per-library naming conventions: what a string names, given the hint of which library read it.

An extractor knows which library a string was handed to (a row of the Python ``CALL_PATTERNS``
table carries its ``Naming``); the convention is decided here. A string is validated for its kind
and rewritten where the library's own convention says so (``all-MiniLM-L6-v2`` in
sentence-transformers means ``sentence-transformers/all-MiniLM-L6-v2``; whisper's ``large-v3``
means ``openai/whisper-large-v3``). Local paths are settled before this (``identify.local``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from scanner.find.identify.hub import hub_id, plain_name, strip_hub_prefix
from scanner.types import RefKind

UNKNOWN_OPTION = "?"  # an option keyword whose value is not a literal


class Naming(str, Enum):
    """The extractor's hint: which library convention turns a string into a reference."""

    HUB = "hub"  # a Hub repo id
    HUB_REPO = "hub_repo"  # a Hub repo id whose repo_type option may make it a dataset or space
    SENTENCE_TRANSFORMERS = "sentence_transformers"  # short names live under sentence-transformers/
    WHISPER = "whisper"  # openai-whisper size names -> openai/whisper-<size>
    FASTER_WHISPER = "faster_whisper"  # faster-whisper size names -> its converted repositories
    DATASET = "dataset"  # a Hub dataset id, except the builtin file loaders
    API = "api"  # a hosted model name
    LITELLM = "litellm"  # "provider/model", provider prefix decides the kind
    LANGCHAIN = "langchain"  # init_chat_model: "provider:model" or model_provider= decides
    PROVIDER_MODEL = "provider_model"  # "provider:model" (pydantic-ai Agent, aisuite)
    OLLAMA = "ollama"  # an Ollama tag
    SPACY = "spacy"  # a spaCy pipeline package
    ULTRALYTICS = "ultralytics"  # a weights or config file name resolved by ultralytics
    TIMM = "timm"  # a timm architecture, a model only with pretrained weights
    OPEN_CLIP = "open_clip"  # architecture + pretrained tag
    TORCH_HUB = "torch_hub"  # "owner/repo" + entrypoint


@dataclass(frozen=True, slots=True)
class Hint:
    """What the extractor knows of a string besides its text: the library and the call."""

    naming: Naming = Naming.HUB  # the library convention that reads the string
    provider: str | None = None  # the provider the library implies (Naming.API)
    bare_ok: bool = True  # un-namespaced Hub ids ("gpt2") count
    pair: str | None = None  # a second argument completing the name (open_clip tag, hub model)
    option: str | None = None  # the option keyword's literal value, UNKNOWN_OPTION, or None
    built_path: bool = False  # the value was built as a path (``Path(x) / "y"``): never an id


@dataclass(frozen=True, slots=True)
class Named:
    """What a string names: the reference's kind, raw identifier and provider."""

    kind: RefKind
    raw: str
    provider: str | None = None


_ULTRALYTICS_NOT_RELEASED = re.compile(
    r"(?:best|last|epoch\d+|best_\w+|last_\w+)\.pt|.+\.ya?ml", re.IGNORECASE
)
"""Ultralytics names that are no published weights: a training run's own checkpoints (``best.pt``,
``last.pt``, ``epoch10.pt``) and model configs (``yolov8n.yaml`` builds an untrained model)."""
_PLACEHOLDER = re.compile(
    r"(?:fake|dummy|mock|test|placeholder|example)(?:[-_]?[a-z]+)*|foo|bar|baz", re.IGNORECASE
)
"""A hosted-model name part that stands in for one in tests (``dspy.LM("test")``,
``"fakeprovider/fakemodel"``): no provider publishes a model named so."""
_API_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}")
_OLLAMA_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:-]{0,199}")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_SPACY_PACKAGE = re.compile(r"[a-z]{2,3}_[a-z0-9_]+")
_TORCH_HUB_REPO = re.compile(r"(?P<repo>[\w.-]+/[\w.-]+)(?::[\w./-]+)?")
_HF_PREFIXES = ("hf_hub:", "hf-hub:")

_WHISPER_ALIASES = {"large": "large-v3", "turbo": "large-v3-turbo"}
_WHISPER_SIZES = frozenset({
    "tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
    "large-v1", "large-v2", "large-v3", "large-v3-turbo", *_WHISPER_ALIASES,
})  # fmt: skip
# faster-whisper (and whisperx, which loads through it) reads a size name as one of its converted
# CTranslate2 repositories: SYSTRAN/faster-whisper@65882ee, faster_whisper/utils.py, _MODELS;
# any name with a "/" is a Hub id, anything else a local folder.
_FASTER_WHISPER_MODELS = {
    "tiny.en": "Systran/faster-whisper-tiny.en", "tiny": "Systran/faster-whisper-tiny",
    "base.en": "Systran/faster-whisper-base.en", "base": "Systran/faster-whisper-base",
    "small.en": "Systran/faster-whisper-small.en", "small": "Systran/faster-whisper-small",
    "medium.en": "Systran/faster-whisper-medium.en", "medium": "Systran/faster-whisper-medium",
    "large-v1": "Systran/faster-whisper-large-v1", "large-v2": "Systran/faster-whisper-large-v2",
    "large-v3": "Systran/faster-whisper-large-v3", "large": "Systran/faster-whisper-large-v3",
    "distil-large-v2": "Systran/faster-distil-whisper-large-v2",
    "distil-medium.en": "Systran/faster-distil-whisper-medium.en",
    "distil-small.en": "Systran/faster-distil-whisper-small.en",
    "distil-large-v3": "Systran/faster-distil-whisper-large-v3",
    "distil-large-v3.5": "distil-whisper/distil-large-v3.5-ct2",
    "large-v3-turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
    "turbo": "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
}  # fmt: skip
# "provider:model" prefixes (pydantic-ai KnownModelName, aisuite) -> the organisation whose terms
# apply; "huggingface" and "ollama" name other kinds of reference.
_PROVIDER_PREFIXES = {
    "openai": "openai", "openai-chat": "openai", "openai-responses": "openai", "azure": "openai",
    "anthropic": "anthropic", "google-gla": "google", "google-vertex": "google",
    "google": "google", "gemini": "google", "vertex": "google", "groq": "groq",
    "cohere": "cohere", "mistral": "mistral", "bedrock": "bedrock", "aws": "bedrock",
    "deepseek": "deepseek", "grok": "xai", "xai": "xai", "together": "together",
    "fireworks": "fireworks", "openrouter": "openrouter", "huggingface": "huggingface",
    "ollama": "ollama",
}  # fmt: skip
_DATASET_BUILDERS = frozenset({
    "csv", "json", "parquet", "text", "arrow", "pandas", "imagefolder", "audiofolder",
    "videofolder", "webdataset", "xml", "sql", "generator", "spark", "cache",
})  # fmt: skip
# sentence-transformers loads these plain transformers checkpoints under their own name and
# every other un-namespaced name from the sentence-transformers organisation; the comparison is
# case-insensitive (``model_name_or_path.lower() not in basic_transformer_models`` in
# SentenceTransformer.__init__, UKPLab/sentence-transformers@85ec645).
_ST_PLAIN_CHECKPOINTS = frozenset({
    "albert-base-v1", "albert-base-v2", "albert-large-v1", "albert-large-v2", "albert-xlarge-v1",
    "albert-xlarge-v2", "albert-xxlarge-v1", "albert-xxlarge-v2", "bert-base-cased",
    "bert-base-cased-finetuned-mrpc", "bert-base-chinese", "bert-base-german-cased",
    "bert-base-german-dbmdz-cased", "bert-base-german-dbmdz-uncased",
    "bert-base-multilingual-cased", "bert-base-multilingual-uncased", "bert-base-uncased",
    "bert-large-cased", "bert-large-cased-whole-word-masking",
    "bert-large-cased-whole-word-masking-finetuned-squad", "bert-large-uncased",
    "bert-large-uncased-whole-word-masking",
    "bert-large-uncased-whole-word-masking-finetuned-squad", "camembert-base", "ctrl",
    "distilbert-base-cased", "distilbert-base-cased-distilled-squad",
    "distilbert-base-german-cased", "distilbert-base-multilingual-cased",
    "distilbert-base-uncased", "distilbert-base-uncased-distilled-squad",
    "distilbert-base-uncased-finetuned-sst-2-english", "distilgpt2", "distilroberta-base",
    "gpt2", "gpt2-large", "gpt2-medium", "gpt2-xl", "openai-gpt", "roberta-base",
    "roberta-base-openai-detector", "roberta-large", "roberta-large-mnli",
    "roberta-large-openai-detector", "t5-11b", "t5-3b", "t5-base", "t5-large", "t5-small",
    "transfo-xl-wt103", "xlm-clm-ende-1024", "xlm-clm-enfr-1024", "xlm-mlm-100-1280",
    "xlm-mlm-17-1280", "xlm-mlm-en-2048", "xlm-mlm-ende-1024", "xlm-mlm-enfr-1024",
    "xlm-mlm-enro-1024", "xlm-mlm-tlm-xnli15-1024", "xlm-mlm-xnli15-1024", "xlm-roberta-base",
    "xlm-roberta-large", "xlm-roberta-large-finetuned-conll02-dutch",
    "xlm-roberta-large-finetuned-conll02-spanish",
    "xlm-roberta-large-finetuned-conll03-english",
    "xlm-roberta-large-finetuned-conll03-german", "xlnet-base-cased", "xlnet-large-cased",
})  # fmt: skip
_HOSTED = (Naming.API, Naming.LITELLM, Naming.OLLAMA, Naming.LANGCHAIN, Naming.PROVIDER_MODEL)
# init_chat_model's provider names (``model_provider=`` or the ``"provider:"`` prefix) -> the
# organisation whose terms apply; "huggingface" and "ollama" name other kinds of reference
# (langchain-ai/langchain, libs/langchain/langchain/chat_models/base.py, _SUPPORTED_PROVIDERS).
_LANGCHAIN_PROVIDERS = {
    "openai": "openai", "azure_openai": "openai", "anthropic": "anthropic",
    "google_genai": "google", "google_vertexai": "google", "google_anthropic_vertex": "anthropic",
    "bedrock": "bedrock", "bedrock_converse": "bedrock", "cohere": "cohere",
    "mistralai": "mistral", "fireworks": "fireworks", "together": "together", "groq": "groq",
    "deepseek": "deepseek", "xai": "xai", "perplexity": "perplexity", "ibm": "ibm",
    "nvidia": "nvidia", "azure_ai": "azure_ai", "huggingface": "huggingface", "ollama": "ollama",
}  # fmt: skip


def is_hosted(naming: Naming) -> bool:
    """True when the library names hosted models, which are never local paths."""
    return naming in _HOSTED


def name_model(text: str, hint: Hint) -> Named | None:
    """The reference ``text`` makes under the library convention of ``hint``; None: no model."""
    text = text.strip()
    if is_hosted(hint.naming) and any(
        _PLACEHOLDER.fullmatch(part) for part in re.split(r"[/:]", text)
    ):
        return None
    match hint.naming:
        case Naming.HUB:
            return _hub(text, hint.bare_ok)
        case Naming.HUB_REPO:
            return _hub_repo(text, hint.option)
        case Naming.SENTENCE_TRANSFORMERS:
            return _sentence_transformers(text)
        case Naming.WHISPER:
            size = _WHISPER_ALIASES.get(text, text)
            return (
                Named(RefKind.HUGGINGFACE, f"openai/whisper-{size}")
                if text in _WHISPER_SIZES
                else None
            )
        case Naming.FASTER_WHISPER:
            repo = _FASTER_WHISPER_MODELS.get(text)
            return Named(RefKind.HUGGINGFACE, repo) if repo else _hub(text, bare_ok=False)
        case Naming.DATASET:  # a bare name not in the repository: a canonical dataset ("squad")
            if text.lower() in _DATASET_BUILDERS or hub_id(text, any_bare=True) is None:
                return None
            return Named(RefKind.DATASET, text)
        case Naming.API:  # an "org/name" id: a Hub model served behind the API (vLLM, mlx_lm)
            if "/" in text and hub_id(text, bare_ok=False) is not None:
                return _hub(text, bare_ok=False)
            return Named(RefKind.API, text, hint.provider) if _API_NAME.fullmatch(text) else None
        case Naming.LITELLM:
            return _litellm(text)
        case Naming.LANGCHAIN:
            return _langchain(text, hint.option)
        case Naming.PROVIDER_MODEL:
            return _provider_model(text)
        case Naming.OLLAMA:
            return Named(RefKind.OLLAMA, text) if _OLLAMA_TAG.fullmatch(text) else None
        case Naming.SPACY:
            return Named(RefKind.SPACY, text) if plain_name(text, _SPACY_PACKAGE) else None
        case Naming.ULTRALYTICS:
            if not _PLAIN.fullmatch(text) or _ULTRALYTICS_NOT_RELEASED.fullmatch(text):
                return None
            return Named(RefKind.ULTRALYTICS, text)
    return _combined(hint.naming, text, hint.pair, hint.option)


def _combined(naming: Naming, text: str, pair: str | None, option: str | None) -> Named | None:
    """Names made from the model argument and a second argument or an option."""
    match naming:
        case Naming.TIMM:
            if text.startswith(_HF_PREFIXES):
                return _hub(text, bare_ok=False)
            if option in (None, "False", "0") or not _PLAIN.fullmatch(text):
                return None  # no pretrained weights, so no model license is involved
            return Named(RefKind.TIMM, text)
        case Naming.OPEN_CLIP:
            if text.startswith(_HF_PREFIXES):
                return _hub(text, bare_ok=False)
            if pair is None or not _PLAIN.fullmatch(text) or not _PLAIN.fullmatch(pair):
                return None  # no pretrained tag (random init) or a local checkpoint file
            return Named(RefKind.OPEN_CLIP, f"{text}:{pair}")
        case Naming.TORCH_HUB:
            repo = _TORCH_HUB_REPO.fullmatch(text)
            if option == "local" or repo is None or pair is None or not _PLAIN.fullmatch(pair):
                return None
            return Named(RefKind.TORCH_HUB, f"{repo.group('repo')}:{pair}")
    return None


def _hub(text: str, bare_ok: bool) -> Named | None:
    found = hub_id(text, bare_ok=bare_ok)
    if found is None:
        return None
    url = "://" in text or text.startswith(("huggingface.co/", "hf.co/", "www."))
    return Named(RefKind.HUGGINGFACE, strip_hub_prefix(found) if url else text)


def _hub_repo(text: str, option: str | None) -> Named | None:
    if option == "space":
        return None  # a Space is an app, not a model
    named = _hub(text, bare_ok=True)
    if named is not None and option == "dataset":
        return Named(RefKind.DATASET, text)
    return named


def _sentence_transformers(text: str) -> Named | None:
    if hub_id(text, any_bare=True) is None:
        return None
    if "/" in text or text.lower() in _ST_PLAIN_CHECKPOINTS:
        return Named(RefKind.HUGGINGFACE, text)
    return Named(RefKind.HUGGINGFACE, f"sentence-transformers/{text}")


def _langchain(text: str, option: str | None) -> Named | None:
    """``init_chat_model("anthropic:claude-...")`` or ``("gpt-4o", model_provider="openai")``."""
    prefix, sep, rest = text.partition(":")
    provider = option if option != UNKNOWN_OPTION else None
    if sep and prefix in _LANGCHAIN_PROVIDERS:
        provider, text = prefix, rest
    if provider == "huggingface":
        return _hub(text, bare_ok=True)
    if provider == "ollama":
        return Named(RefKind.OLLAMA, text) if _OLLAMA_TAG.fullmatch(text) else None
    if not _API_NAME.fullmatch(text):
        return None
    return Named(RefKind.API, text, _LANGCHAIN_PROVIDERS.get(provider or "", provider))


def _provider_model(text: str) -> Named | None:
    """``"anthropic:claude-3-5-sonnet-latest"``: the prefix names the provider (pydantic-ai)."""
    prefix, sep, rest = text.partition(":")
    provider = _PROVIDER_PREFIXES.get(prefix) if sep else None
    if provider is None:  # no known prefix: a bare API name (or an Ollama tag's colon)
        return Named(RefKind.API, text) if _API_NAME.fullmatch(text) else None
    if provider == "huggingface":
        return _hub(rest, bare_ok=True)
    if provider == "ollama":
        return Named(RefKind.OLLAMA, rest) if _OLLAMA_TAG.fullmatch(rest) else None
    return Named(RefKind.API, rest, provider) if _API_NAME.fullmatch(rest) else None


def _litellm(text: str) -> Named | None:
    """``provider/model``: huggingface/ and ollama/ prefixes name those kinds of model."""
    provider, _, model = text.partition("/")
    if model and provider == "huggingface":
        return _hub(model, bare_ok=True)
    if model and provider in ("ollama", "ollama_chat"):
        return Named(RefKind.OLLAMA, model) if _OLLAMA_TAG.fullmatch(model) else None
    if not _API_NAME.fullmatch(text):
        return None
    return Named(RefKind.API, text, provider if model else "litellm")
