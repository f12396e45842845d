"""identify: one set of rules decides, for every file kind, what a raw string names."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.identify import (
    UNKNOWN_OPTION,
    Hint,
    Named,
    Naming,
    hub_id,
    looks_like_path,
    name_string,
    strip_hub_prefix,
)
from scanner.types import RefKind


@pytest.mark.parametrize(
    ("raw", "bare_ok", "expected"),
    [
        ("meta-llama/Llama-3.1-8B", True, "meta-llama/Llama-3.1-8B"),
        ("  meta-llama/Llama-3.1-8B ", True, "meta-llama/Llama-3.1-8B"),
        ("meta-llama/Llama-3.1-8B@main", True, "meta-llama/Llama-3.1-8B"),
        ("https://huggingface.co/google/gemma-2b", True, "google/gemma-2b"),
        ("https://huggingface.co/google/gemma-2b/tree/main", True, "google/gemma-2b"),
        ("hf.co/google/gemma-2b", True, "google/gemma-2b"),
        ("hf://google/gemma-2b", True, "google/gemma-2b"),
        ("hf_hub:timm/vit_base_patch16_224.augreg_in21k", True,
         "timm/vit_base_patch16_224.augreg_in21k"),
        ("gpt2", True, "gpt2"),
        ("bert-base-uncased", True, "bert-base-uncased"),
        # not models
        ("t5-small", True, "t5-small"),
        ("xlm-roberta-base", True, "xlm-roberta-base"),
        ("distilbert-base-uncased-finetuned-sst-2-english", True,
         "distilbert-base-uncased-finetuned-sst-2-english"),
        ("gpt2", False, None),
        ("lora_model", True, None),
        ("gpt-j-6b", True, None),
        ("my-finetune", True, None),
        ("auto", True, None),
        ("none", True, None),
        ("", True, None),
        ("./ckpt", True, None),
        ("../models/x", True, None),
        ("/models/x", True, None),
        ("~/models/x", True, None),
        ("C:\\models\\x", True, None),
        ("runs/exp1/checkpoint-500", True, None),
        ("outputs/final-model", True, None),
        ("models/llama-7b", True, None),
        ("checkpoints/step-100", True, None),
        ("org/model.safetensors", True, None),
        ("yolov8n.pt", True, None),
        ("https://example.com/org/model", True, None),
        ("https://huggingface.co/datasets/tatsu-lab/alpaca", True, None),
        ("https://huggingface.co/spaces/org/demo", True, None),
        ("{model_name}", True, None),
        ("$MODEL", True, None),
        ("org/name with spaces", True, None),
        ("org/", True, None),
    ],
)  # fmt: skip
def test_hub_id(raw: str, bare_ok: bool, expected: str | None) -> None:
    assert hub_id(raw, bare_ok=bare_ok) == expected


def test_existing_repository_path_is_local() -> None:
    assert hub_id("my-org/adapter", exists=lambda rel: rel == "my-org/adapter") is None
    assert hub_id("my-org/adapter", exists=lambda rel: False) == "my-org/adapter"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://huggingface.co/org/x", "org/x"),
        ("www.huggingface.co/org/x?download=1", "org/x"),
        ("hf-hub:org/x", "org/x"),
        ("https://huggingface.co/datasets/org/x", "https://huggingface.co/datasets/org/x"),
        ("org/x", "org/x"),
    ],
)
def test_strip_hub_prefix(raw: str, expected: str) -> None:
    assert strip_hub_prefix(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("./x", True), ("a/b/c", True), ("dir/", True), ("w.bin", True), ("org/x", False),
     ("gpt2", False)],
)  # fmt: skip
def test_looks_like_path(raw: str, expected: bool) -> None:
    assert looks_like_path(raw) is expected


_HF, _API, _OLLAMA = RefKind.HUGGINGFACE, RefKind.API, RefKind.OLLAMA


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("gpt2", Hint(), Named(_HF, "gpt2")),
        ("gpt2", Hint(bare_ok=False), None),
        (" org/x ", Hint(), Named(_HF, "org/x")),
        ("org/x", Hint(Naming.HUB_REPO, option="dataset"), Named(RefKind.DATASET, "org/x")),
        ("org/x", Hint(Naming.HUB_REPO, option="space"), None),
        ("all-MiniLM-L6-v2", Hint(Naming.SENTENCE_TRANSFORMERS),
         Named(_HF, "sentence-transformers/all-MiniLM-L6-v2")),
        ("BERT-base-uncased", Hint(Naming.SENTENCE_TRANSFORMERS), Named(_HF, "BERT-base-uncased")),
        ("large", Hint(Naming.WHISPER), Named(_HF, "openai/whisper-large-v3")),
        ("huge", Hint(Naming.WHISPER), None),
        ("csv", Hint(Naming.DATASET), None),
        ("org/data", Hint(Naming.DATASET), Named(RefKind.DATASET, "org/data")),
        ("gpt-4o", Hint(Naming.API, provider="openai"), Named(_API, "gpt-4o", "openai")),
        ("./gpt-4o", Hint(Naming.API, provider="openai"), None),
        # an OpenAI-style client in front of a server of Hub models (vLLM, mlx_lm, TGI)
        ("mlx-community/Qwen3-4B-4bit", Hint(Naming.API, provider="openai"),
         Named(_HF, "mlx-community/Qwen3-4B-4bit")),
        ("models/gemini-1.5-pro", Hint(Naming.API, provider="google"),
         Named(_API, "models/gemini-1.5-pro", "google")),
        ("ollama/llama3", Hint(Naming.LITELLM), Named(_OLLAMA, "llama3")),
        ("huggingface/org/x", Hint(Naming.LITELLM), Named(_HF, "org/x")),
        ("gpt-4o", Hint(Naming.LITELLM), Named(_API, "gpt-4o", "litellm")),
        ("anthropic:claude-3", Hint(Naming.LANGCHAIN), Named(_API, "claude-3", "anthropic")),
        ("gemini", Hint(Naming.LANGCHAIN, option="google_genai"), Named(_API, "gemini", "google")),
        ("gpt-4o", Hint(Naming.LANGCHAIN, option=UNKNOWN_OPTION), Named(_API, "gpt-4o")),
        ("llama3:8b", Hint(Naming.OLLAMA), Named(_OLLAMA, "llama3:8b")),
        ("en_core_web_sm", Hint(Naming.SPACY), Named(RefKind.SPACY, "en_core_web_sm")),
        ("English", Hint(Naming.SPACY), None),
        ("yolov8n.pt", Hint(Naming.ULTRALYTICS), Named(RefKind.ULTRALYTICS, "yolov8n.pt")),
        ("runs/best.pt", Hint(Naming.ULTRALYTICS), None),
        ("resnet50", Hint(Naming.TIMM, option="True"), Named(RefKind.TIMM, "resnet50")),
        ("resnet50", Hint(Naming.TIMM), None),
        ("hf_hub:timm/vit", Hint(Naming.TIMM), Named(_HF, "hf_hub:timm/vit")),
        ("ViT-B-32", Hint(Naming.OPEN_CLIP, pair="openai"),
         Named(RefKind.OPEN_CLIP, "ViT-B-32:openai")),
        ("ViT-B-32", Hint(Naming.OPEN_CLIP), None),
        ("pytorch/vision:v0.10.0", Hint(Naming.TORCH_HUB, pair="resnet18"),
         Named(RefKind.TORCH_HUB, "pytorch/vision:resnet18")),
        ("pytorch/vision", Hint(Naming.TORCH_HUB, pair="resnet18", option="local"), None),
        ("org/x", Hint(built_path=True), None),
        # a training run's own checkpoints and model configs are no Ultralytics release
        ("best.pt", Hint(Naming.ULTRALYTICS), None),
        ("LAST.pt", Hint(Naming.ULTRALYTICS), None),
        ("epoch40.pt", Hint(Naming.ULTRALYTICS), None),
        ("yolo11n-seg.yaml", Hint(Naming.ULTRALYTICS), None),
        ("yolo11n-seg.pt", Hint(Naming.ULTRALYTICS), Named(RefKind.ULTRALYTICS, "yolo11n-seg.pt")),
        # faster-whisper sizes mean its converted repositories (faster_whisper/utils.py _MODELS,
        # SYSTRAN/faster-whisper@65882ee): "large" is large-v3, "turbo" lives at mobiuslabsgmbh
        ("large", Hint(Naming.FASTER_WHISPER), Named(_HF, "Systran/faster-whisper-large-v3")),
        ("small.en", Hint(Naming.FASTER_WHISPER), Named(_HF, "Systran/faster-whisper-small.en")),
        ("distil-small.en", Hint(Naming.FASTER_WHISPER),
         Named(_HF, "Systran/faster-distil-whisper-small.en")),
        ("distil-large-v3.5", Hint(Naming.FASTER_WHISPER),
         Named(_HF, "distil-whisper/distil-large-v3.5-ct2")),
        ("turbo", Hint(Naming.FASTER_WHISPER),
         Named(_HF, "mobiuslabsgmbh/faster-whisper-large-v3-turbo")),
        ("org/whisper-ct2", Hint(Naming.FASTER_WHISPER), Named(_HF, "org/whisper-ct2")),
        ("huge", Hint(Naming.FASTER_WHISPER), None),
        # "provider:model" (pydantic-ai, aisuite)
        ("openai:gpt-4o", Hint(Naming.PROVIDER_MODEL), Named(_API, "gpt-4o", "openai")),
        ("google-vertex:gemini-1.5-pro", Hint(Naming.PROVIDER_MODEL),
         Named(_API, "gemini-1.5-pro", "google")),
        ("huggingface:org/x", Hint(Naming.PROVIDER_MODEL), Named(_HF, "org/x")),
        ("ollama:qwen2.5:14b", Hint(Naming.PROVIDER_MODEL), Named(_OLLAMA, "qwen2.5:14b")),
        ("gpt-4o", Hint(Naming.PROVIDER_MODEL), Named(_API, "gpt-4o")),
        # placeholders of tests name no hosted model
        ("test", Hint(Naming.LITELLM), None),
        ("fakeprovider/fakemodel", Hint(Naming.LITELLM), None),
        ("openai/dummy-model", Hint(Naming.LITELLM), None),
        ("mock:gpt-4o", Hint(Naming.PROVIDER_MODEL), None),
        ("text-embedding-3-small", Hint(Naming.API, provider="openai"),
         Named(_API, "text-embedding-3-small", "openai")),
        # a Hub URL to a repository or one of its files names the repository
        ("https://huggingface.co/org/sd/blob/main/v1.safetensors", Hint(), Named(_HF, "org/sd")),
        ("hf.co/org/x", Hint(), Named(_HF, "org/x")),
    ],
)  # fmt: skip
def test_name_string_applies_the_library_convention(
    tmp_path: Path, text: str, hint: Hint, expected: Named | None
) -> None:
    assert name_string(text, hint, "app.py", RepoContext(tmp_path)) == expected


def test_name_string_settles_repository_paths_first(tmp_path: Path) -> None:
    (tmp_path / "src" / "my-org" / "adapter").mkdir(parents=True)
    (tmp_path / "gpt2").write_text("", encoding="utf-8")
    ctx = RepoContext(tmp_path)
    folder = Named(RefKind.LOCAL, "src/my-org/adapter")
    assert name_string("my-org/adapter", Hint(), "src/train.py", ctx) == folder
    assert name_string("./my-org/adapter", Hint(), "src/train.py", ctx) == folder
    assert name_string("my-org/adapter", Hint(built_path=True), "src/train.py", ctx) == folder
    assert name_string("gpt2", Hint(), "app.py", ctx) is None  # a file of the repository
    hosted = Hint(Naming.API, provider="openai")
    assert name_string("gpt2", hosted, "app.py", ctx) == Named(_API, "gpt2", "openai")
