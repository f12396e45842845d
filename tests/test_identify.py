"""identify.py: one set of rules decides, for every file kind, what is a model identifier."""

from __future__ import annotations

import pytest

from scanner.find.identify import hub_id, looks_like_path, strip_hub_prefix


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
