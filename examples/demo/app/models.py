"""Loads every model the app serves."""

import argparse

from sentence_transformers import SentenceTransformer
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

from .config import CHAT_MODEL, EMBEDDER, RERANKERS

# A comment that mentions "openai-community/gpt2" is not a reference.


def load_chat():
    """Docstrings that say "google/gemma-2b" are not references either."""
    tokenizer = AutoTokenizer.from_pretrained(CHAT_MODEL)
    model = AutoModelForCausalLM.from_pretrained(
        CHAT_MODEL,
        device_map="auto",
    )
    return tokenizer, model


def load_embedder():
    return SentenceTransformer(EMBEDDER)


def load_reranker(name="multilingual"):
    return pipeline("text-classification", model=RERANKERS["multilingual"])


def load_from_cli():
    args = argparse.ArgumentParser().parse_args()
    return pipeline("summarization", model=args.model)


def load_local_checkpoint():
    return AutoModelForCausalLM.from_pretrained("./outputs/final-model")
