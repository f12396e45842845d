"""Model choices, kept in one place as real projects do."""

import os

CHAT_MODEL = os.environ.get("CHAT_MODEL", "meta-llama/Llama-3.1-8B-Instruct")
EMBEDDER = "all-MiniLM-L6-v2"  # sentence-transformers short name
RERANKERS = {
    "fast": "cross-encoder/ms-marco-MiniLM-L-6-v2",
    "multilingual": "CohereForAI/c4ai-command-r-v01",
}
