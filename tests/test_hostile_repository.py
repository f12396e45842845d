"""One repository holding every structured-input attack at once, scanned by the real CLI: each
hostile file is a per-file error of its own, and the healthy files' findings all survive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_extract_blowups import BIG_INT, BOMB, DEEP, DEEP_TOML, _laughs

from scanner.cli import main

LOAD = "from transformers import AutoModel\nAutoModel.from_pretrained('{model}')\n"
HEALTHY = {
    "good.py": LOAD.format(model="google/gemma-2b"),
    "good.yaml": "base_model: mistralai/Mistral-7B-v0.1\n",
    "requirements.txt": "-r requirements-dev.txt\nen_core_web_sm==3.7.0\n",
    "requirements-dev.txt": "-r requirements.txt\n-r ../../outside.txt\nnumpy\n",
}
HOSTILE = {
    "bomb.yaml": _laughs(12),
    "tags.yaml": "model: !!python/object/apply:os.system ['exit 3']\nbase_model: org/tag\n",
    "deep.json": '{"model_id": "org/deep", "x": ' + DEEP + "}",
    "big-int.json": '{"n": ' + BIG_INT + "}",
    "deep.toml": DEEP_TOML,
    "broken.toml": 'model = "org/broken\n',
    "deep.ipynb": '{"cells": [], "metadata": ' + DEEP + "}",
    "wrong-types.ipynb": json.dumps({"cells": [7, {"cell_type": "code", "source": 3}]}),
    "v3.ipynb": json.dumps(
        {"worksheets": [{"cells": [{"cell_type": "code", "input": LOAD.format(model="gpt2")}]}]}
    ),
    "outputs.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": "x = 1", "outputs": [
        {"output_type": "stream", "text": "from_pretrained('org/out')" * 50_000}]}]}),
    "nested.py": "x = " + "(" * 3_000 + ")" * 3_000 + "\n" + LOAD.format(model="org/nested"),
}  # fmt: skip
FOUND = {
    ("good.py", "google/gemma-2b"),
    ("good.yaml", "mistralai/Mistral-7B-v0.1"),
    ("requirements.txt", "en_core_web_sm"),
    ("v3.ipynb", "gpt2"),
    ("bomb.yaml", "org/lol"),
    ("deep.json", "org/deep"),
    ("deep.toml", "org/deep"),
    ("nested.py", "org/nested"),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for name, text in {**HEALTHY, **HOSTILE}.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_every_attack_is_a_file_error_and_every_finding_survives(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scan", "--root", str(repo), "--format", "json", "--jobs", "1"])
    report = json.loads(capsys.readouterr().out)
    found = {(f["path"], f["model"]) for f in report["findings"]}
    assert found >= FOUND
    assert ("outputs.ipynb", "org/out") not in found
    errors = {e["path"] for e in report["errors"]}
    assert not any(e["internal"] for e in report["errors"])
    assert errors >= {
        "bomb.yaml", "deep.json", "deep.toml", "broken.toml", "deep.ipynb", "wrong-types.ipynb",
        "nested.py", "requirements-dev.txt",
    }  # fmt: skip
    assert errors <= set(HOSTILE) | set(HEALTHY)
    messages = {e["message"] for e in report["errors"] if e["path"] == "bomb.yaml"}
    assert [m.startswith(BOMB) for m in messages] == [True]
    assert code == 1
