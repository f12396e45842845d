import os

from transformers import pipeline

SUMMARIZERS = {
    "small": "sshleifer/distilbart-cnn-12-6",
    "large": "facebook/bart-large-cnn",
}


def summarizer(size: str):
    return pipeline("summarization", model=SUMMARIZERS[size])


def translator(lang: str):
    checkpoint = "Helsinki-NLP/opus-mt-en-de" if lang == "de" else "Helsinki-NLP/opus-mt-en-fr"
    return pipeline("translation", model=checkpoint)


def classifier():
    name = os.environ.get("CLASSIFIER") or "cardiffnlp/twitter-roberta-base-sentiment-latest"
    return pipeline("sentiment-analysis", model=name)


def embedder(kind):
    if kind == "multilingual":
        repo = "intfloat/multilingual-e5-base"
    else:
        repo = "BAAI/bge-small-en-v1.5"
    return pipeline("feature-extraction", model=repo)
