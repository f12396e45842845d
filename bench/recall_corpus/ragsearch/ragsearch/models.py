import json
from pathlib import Path

import yaml
from sentence_transformers import SentenceTransformer, CrossEncoder
from FlagEmbedding import BGEM3FlagModel, FlagReranker
from gliner import GLiNER

HERE = Path(__file__).parent


def embedders():
    with open("data/embedders.txt") as handle:
        names = [line.strip() for line in handle if line.strip()]
    return [SentenceTransformer(name) for name in names]


def rerankers():
    config = json.load(open("data/rerankers.json"))
    return [CrossEncoder(entry) for entry in config["rerankers"]]


def generators():
    with open("data/generators.yaml") as fh:
        spec = yaml.safe_load(fh)
    from transformers import AutoModelForSeq2SeqLM

    return [AutoModelForSeq2SeqLM.from_pretrained(m) for m in spec["models"]]


def m3():
    return BGEM3FlagModel("BAAI/bge-m3", use_fp16=True)


def rerank():
    return FlagReranker("BAAI/bge-reranker-v2-m3")


def ner():
    return GLiNER.from_pretrained("urchade/gliner_multi-v2.1")


def missing():
    with open("data/not-there.txt") as handle:
        return [SentenceTransformer(line.strip()) for line in handle]
