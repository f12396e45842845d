"""Hub ids and path shapes: raw text -> ModelId, or None for a local path or noise.

The lowest room of ``scanner.find.identify``: it knows no library convention. Every extractor's
strings reach these rules (directly or through ``identify.naming``), so one set of rules decides,
for all file kinds, that ``outputs/final-model`` (a folder in the repo) or ``./ckpt`` is not a
Hub model.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scanner.types import ModelId

_HUB_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
_HUB_ID = re.compile(rf"^(?:{_HUB_PART}/)?{_HUB_PART}$")
_REVISION = re.compile(r"@[A-Za-z0-9._/-]+$")
_HUB_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(?P<id>[^/?#\s]+/[^/?#\s]+)"
)
_HUB_REPO_TYPES = ("datasets/", "spaces/")
_HUB_SCHEMES = ("hf://", "hf_hub:", "huggingface://", "hf-hub:")

WEIGHT_EXTENSIONS = (
    ".bin",
    ".pt",
    ".pth",
    ".ckpt",
    ".safetensors",
    ".gguf",
    ".ggml",
    ".onnx",
    ".h5",
    ".hdf5",
    ".pkl",
    ".pickle",
    ".pb",
    ".tflite",
    ".mlmodel",
    ".engine",
    ".npz",
    ".joblib",
    ".keras",
    ".msgpack",
    ".zip",
    ".tar",
    ".gz",
    ".json",
    ".yaml",
    ".yml",
    ".txt",
    ".model",
)

_PATH_PREFIXES = ("./", "../", "/", "~", ".\\", "..\\", "\\", "$", "%", "{")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
LEGACY_HUB_ID = re.compile(
    r"(?:albert|bert|camembert|ctrl|distilbert|distilgpt2|distilroberta|gpt2|openai-gpt|roberta"
    r"|t5|transfo-xl|xlm|xlm-roberta|xlnet)(?:-[a-z0-9]+)*",
    re.IGNORECASE,
)
"""The un-namespaced ids the Hub still serves: the canonical models of its first years (``gpt2``,
``bert-base-uncased``, ``t5-small``, ``xlm-roberta-base`` ...), since moved to organisations with
redirects. Every other Hub repository has an ``org/`` namespace, so any other bare name given
to a loader (``lora_model``, ``my-finetune``) is a local folder, not a Hub model."""

LOCAL_FOLDER_WORDS = frozenset({
    "models", "saves", "save", "outputs", "output", "checkpoints", "checkpoint", "ckpt", "ckpts",
    "runs", "results", "weights", "artifacts", "tmp", "temp", "cache", "logs", "exp",
    "experiments", "data", "training",
})  # fmt: skip
"""First folders of relative paths (``saves/qwen-lora``, ``models/llama-7b``): not Hub orgs."""

_NOT_MODEL_WORDS = frozenset(
    {
        "none",
        "null",
        "true",
        "false",
        "auto",
        "default",
        "local",
        "cpu",
        "cuda",
        "mps",
        "model",
        "models",
        "checkpoint",
        "output",
        "outputs",
    }
)


def strip_hub_prefix(raw: str) -> str:
    """Remove Hub URL / scheme decorations: ``https://huggingface.co/org/x`` -> ``org/x``."""
    text = raw.strip()
    url = _HUB_URL.match(text)
    if url:
        # a dataset or Space URL names no model: keep it whole so it is not read as "org/name"
        return text if url.group("id").startswith(_HUB_REPO_TYPES) else url.group("id")
    for scheme in _HUB_SCHEMES:
        if text.startswith(scheme):
            return text[len(scheme) :]
    return text


def looks_like_path(raw: str) -> bool:
    """True for strings that are file-system paths rather than identifiers."""
    text = raw.strip()
    if not text or text.startswith(_PATH_PREFIXES) or _DRIVE.match(text) or "\\" in text:
        return True
    if text.count("/") > 1 or text.endswith("/"):
        return True
    return text.lower().endswith(WEIGHT_EXTENSIONS)


def hub_id(
    raw: str,
    *,
    bare_ok: bool = True,
    exists: Callable[[str], bool] | None = None,
    any_bare: bool = False,
) -> ModelId | None:
    """The Hub id in ``raw``, or None when it is a path, a URL elsewhere, or not id-shaped.

    ``bare_ok`` accepts the legacy un-namespaced ids (``gpt2``; see LEGACY_HUB_ID), right only
    where the call makes the string a model; ``any_bare`` accepts every bare name, for libraries
    that put their own namespace in front (sentence-transformers). ``exists`` says whether a
    repo-relative path exists: an existing folder is local.
    """
    text = strip_hub_prefix(raw)
    text = _REVISION.sub("", text)
    if "://" in text or looks_like_path(text) or not _HUB_ID.match(text):
        return None
    if "/" not in text and not _bare_allowed(text, bare_ok, any_bare):
        return None
    if "/" in text and text.split("/", 1)[0].lower() in LOCAL_FOLDER_WORDS:
        return None
    if exists is not None and exists(text):
        return None
    return ModelId(text)


def _bare_allowed(text: str, bare_ok: bool, any_bare: bool) -> bool:
    if text.lower() in _NOT_MODEL_WORDS:
        return False
    return any_bare or (bare_ok and LEGACY_HUB_ID.fullmatch(text) is not None)


def plain_name(raw: str, pattern: re.Pattern[str]) -> ModelId | None:
    """``raw`` stripped, when it matches ``pattern`` (spaCy packages, API names, weight files)."""
    text = raw.strip()
    return ModelId(text) if pattern.fullmatch(text) else None
