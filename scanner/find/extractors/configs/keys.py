"""The key tables: which config keys name models, datasets and spaCy pipelines, and which outputs.

A new model key is a row in ``MODEL_KEYS`` (or, for a family of keys, ``MODEL_KEY_SUFFIXES``); a key
naming where a run writes its result is a member of ``OUTPUT_KEYS``. Keys are looked up normalised
(``normalise_key``), in every format and in the line scanner alike.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingT
from dataclasses import dataclass

from scanner.types import RefKind


@dataclass(frozen=True, slots=True)
class KeySpec:
    """What a value under a model key may be: its kind and whether a bare id (``gpt2``) counts."""

    kind: RefKind
    bare_ok: bool


STRONG = KeySpec(RefKind.HUGGINGFACE, bare_ok=True)
"""A key whose value is a model by construction: bare Hub ids (``gpt2``) are accepted."""

WEAK = KeySpec(RefKind.HUGGINGFACE, bare_ok=False)
"""A generic word: only namespaced Hub ids, API model names and known package names count."""

DATASET = KeySpec(RefKind.DATASET, bare_ok=False)
"""A key naming a dataset (under a list key, each item's path/id/name is the dataset)."""

SPACY = KeySpec(RefKind.SPACY, bare_ok=False)
"""A key naming a spaCy pipeline."""

MODEL_KEYS: MappingT[str, KeySpec] = {
    # keys whose value is a model by construction: bare Hub ids ("gpt2") are accepted
    "_name_or_path": STRONG,
    "name_or_path": STRONG,
    "model_name_or_path": STRONG,
    "pretrained_model_name_or_path": STRONG,
    "base_model": STRONG,
    "base_model_name": STRONG,
    "base_model_id": STRONG,
    "base_model_name_or_path": STRONG,
    "model_id": STRONG,
    "model_name": STRONG,
    "model_checkpoint": STRONG,
    "pretrained_model": STRONG,
    "pretrained_model_name": STRONG,
    "tokenizer_name": STRONG,
    "tokenizer_name_or_path": STRONG,
    "tokenizer_id": STRONG,
    "hf_model": STRONG,
    "hf_model_id": STRONG,
    "hf_model_name": STRONG,
    "teacher_model": STRONG,
    "teacher_model_name_or_path": STRONG,
    "student_model": STRONG,
    "reward_model": STRONG,
    "reward_model_name_or_path": STRONG,
    "ref_model": STRONG,
    "draft_model": STRONG,
    "speculative_model": STRONG,
    "embedding_model": STRONG,
    "embedding_model_name": STRONG,
    "embed_model": STRONG,
    "embed_model_name": STRONG,
    "reranker_model": STRONG,
    "rerank_model": STRONG,
    "cross_encoder_model": STRONG,
    "sentence_transformer_model": STRONG,
    "llm_model": STRONG,
    "llm_model_name": STRONG,
    "chat_model": STRONG,
    "vision_tower": STRONG,
    "mm_vision_tower": STRONG,
    "peft_model_id": STRONG,
    "adapter_name_or_path": STRONG,
    "base_model_config": STRONG,  # axolotl: the Hub repo whose config.json is used
    "tokenizer_config": STRONG,  # axolotl: the Hub repo whose tokenizer is used
    "transformer_model": STRONG,  # spaCy projects: the HF model behind spacy-transformers
    # generic words: only namespaced Hub ids, API model names and known package names count
    "model": WEAK,
    "models": WEAK,
    "tokenizer": WEAK,
    "checkpoint": WEAK,
    "pretrained": WEAK,
    "llm": WEAK,
    "engine": WEAK,
    "encoder": WEAK,
    "decoder": WEAK,
    "generator": WEAK,
    "embedder": WEAK,
    "vision_model": WEAK,
    "text_model": WEAK,
    # datasets carry licenses too; under a list key each item's path/id/name is the dataset
    "dataset_name": DATASET,
    "dataset_id": DATASET,
    "dataset_name_or_path": DATASET,
    "dataset": DATASET,
    "datasets": DATASET,  # axolotl `datasets: [{path: ...}]`, alignment-handbook `{id: ...}`
    "pretraining_dataset": DATASET,
    "train_dataset": DATASET,
    "eval_dataset": DATASET,
    "test_dataset": DATASET,
    "test_datasets": DATASET,
    "eval_datasets": DATASET,
    "hf_hub_url": DATASET,  # LLaMA-Factory dataset_info.json (ms_hub_url is ModelScope: not read)
    # spaCy pipelines named in configs
    "spacy_model": SPACY,
    "spacy_model_name": SPACY,
    "spacy_pipeline": SPACY,
}
"""Key names (lower case, ``-`` written ``_``) whose values name models, with what they may be."""

MODEL_KEY_SUFFIXES: tuple[tuple[str, KeySpec], ...] = (
    ("_model_name_or_path", STRONG),
    ("_name_or_path", STRONG),
    ("_model_id", STRONG),
    ("_model_name", WEAK),
    ("_model", WEAK),  # default_model, judge_model, planner_model: namespaced ids and API names
)
"""Keys not in ``MODEL_KEYS`` that end so (``dino_model_id``, ``vae_model_name_or_path``,
``default_model``); a tool table of ``pyproject.toml`` is read like any other config."""

OUTPUT_KEYS = frozenset({
    "hub_model_id", "push_to_hub_model_id", "hub_model_name", "push_to_hub_organization",
    "output_model_id", "output_model_name", "output_dir", "output_path", "save_model_id",
})  # fmt: skip
"""Where a run writes or pushes its result: the repository's own output, never a dependency."""

OUTPUT_WORDS = frozenset({"hub", "push", "output", "save", "saved", "export", "merged", "new"})
"""A key derived from a suffix rule that starts with one of these names an output, not an input."""

NESTED_NAME_KEYS = frozenset({"name", "id", "path", "repo", "repo_id", "name_or_path"})
"""Inside a mapping under a model key (``model: {name: ...}``) these keys carry the model."""


def normalise_key(key: str) -> str:
    """Key as looked up in ``MODEL_KEYS``: lower case, ``-`` written ``_``."""
    return key.strip().lower().replace("-", "_")


def key_spec(name: str) -> KeySpec | None:
    """What a (normalised) key's value may name: the table, then the suffix rules, else None."""
    if name in MODEL_KEYS:
        return MODEL_KEYS[name]
    if name in OUTPUT_KEYS or name.split("_", 1)[0] in OUTPUT_WORDS:
        return None
    return next((spec for suffix, spec in MODEL_KEY_SUFFIXES if name.endswith(suffix)), None)


def child_spec(key: str, parent: KeySpec | None) -> KeySpec | None:
    """What the value of ``key`` may name inside a mapping under ``parent`` (None: no model key)."""
    name = normalise_key(key)
    spec = key_spec(name)
    if spec is None and parent is not None and name in NESTED_NAME_KEYS:
        return parent
    return spec
