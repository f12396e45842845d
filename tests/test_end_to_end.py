"""One repository that hides models everywhere, scanned by the real CLI: the full JSON output.

The expected output is ``tests/golden/end_to_end.json``; after an intended change, regenerate it
with ``MLG_UPDATE_GOLDEN=1 pytest tests/test_end_to_end.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "end_to_end.json"

NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Embeddings"},
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": [
                "%pip install sentence-transformers\n",
                "from sentence_transformers import SentenceTransformer\n",
                "embedder = SentenceTransformer('all-MiniLM-L6-v2')\n",
            ],
        },
    ],
}

FILES = {
    "src/__init__.py": "",
    "src/config.py": 'CHAT = "meta-llama/Llama-3.1-8B-Instruct"\n',
    "src/app.py": """\
import argparse

import ollama
import spacy
import whisper
from openai import OpenAI
from transformers import AutoModel, pipeline
from ultralytics import YOLO

from .config import CHAT

chat = AutoModel.from_pretrained(CHAT)
local = AutoModel.from_pretrained("models/mine")
reply = ollama.chat(model="llama3.1", messages=[])
answer = OpenAI().chat.completions.create(model="gpt-4o", messages=[])
detector = YOLO("yolov8n.pt")  # model-license-guard: ignore[MDL011]
nlp = spacy.load("en_core_web_sm")
asr = whisper.load_model("large-v3")
args = argparse.ArgumentParser().parse_args()
summarizer = pipeline("summarization", model=args.model)
""",
    "models/mine/README.md": "---\nlicense: apache-2.0\nbase_model: google-bert/bert-base-uncased\n"
    "---\n# A fine-tuned classifier\n",
    "configs/train.yaml": "base_model: mistralai/Mistral-7B-v0.1\nmodel_type: MistralForCausalLM\n",
    "requirements.txt": "ultralytics>=8.0\n"
    "en_core_web_sm @ https://github.com/explosion/spacy-models/releases/download/"
    "en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl\n",
    ".model-license-guard.toml": """\
[usage]
commercial = true
monthly_active_users = 1000
annual_revenue_usd = 100000
distributes_models = false
modifies_models = false
hosted_service = true
region = "US"
intended_uses = []
outputs_train_models = false

[licenses]
deny = ["agpl-3.0"]
""",
}


@pytest.fixture
def mixed_repo(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "embed.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


def _scan(root: Path) -> tuple[int, dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    result = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "--format", "json", "--today", "2026-11-22"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_every_kind_of_reference_is_found_resolved_and_decided(mixed_repo: Path) -> None:
    code, report = _scan(mixed_repo)
    findings = report["findings"]
    assert isinstance(findings, list)
    rows = [
        (
            f["path"],
            f.get("cell"),
            f["line"],
            f["model"],
            f["kind"],
            f["license"],
            f["verdict"],
            f["suppressed"] is not None,
        )
        for f in findings
    ]
    assert rows == [
        (
            "configs/train.yaml",
            None,
            1,
            "mistralai/Mistral-7B-v0.1",
            "huggingface",
            "apache-2.0",
            "pass",
            False,
        ),
        (
            "notebooks/embed.ipynb",
            2,
            3,
            "sentence-transformers/all-MiniLM-L6-v2",
            "huggingface",
            "apache-2.0",
            "pass",
            False,
        ),
        ("requirements.txt", None, 1, "ultralytics", "package", "agpl-3.0", "fail", False),
        ("requirements.txt", None, 2, "en_core_web_sm", "spacy", "mit", "pass", False),
        (
            "src/app.py",
            None,
            12,
            "meta-llama/Llama-3.1-8B-Instruct",
            "huggingface",
            "llama3.1",
            "pass",
            False,
        ),
        ("src/app.py", None, 13, "models/mine", "local", "apache-2.0", "pass", False),
        ("src/app.py", None, 14, "llama3.1", "ollama", "llama3.1", "pass", False),
        ("src/app.py", None, 15, "gpt-4o", "api", "proprietary-api-openai", "warn", False),
        ("src/app.py", None, 16, "yolov8n.pt", "ultralytics", "agpl-3.0", "fail", True),
        ("src/app.py", None, 17, "en_core_web_sm", "spacy", "mit", "pass", False),
        ("src/app.py", None, 18, "openai/whisper-large-v3", "huggingface", "mit", "pass", False),
    ]
    unresolved = report["unresolved"]
    assert isinstance(unresolved, list)
    assert [(u["path"], u["line"], u["expression"]) for u in unresolved] == [
        ("src/app.py", 20, "args.model")
    ]
    assert report["errors"] == []
    assert code == 1  # the ultralytics requirement is denied and not suppressed
    if os.environ.get("MLG_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert report == json.loads(GOLDEN.read_text(encoding="utf-8"))
