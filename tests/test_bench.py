"""The benchmark scripts keep working (they are run, not timed: figures live in the README)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("bench_db.py", ["--runs", "1"], ["cold load", "lookup of each kind", "10,000 lookups"]),
        ("bench_db.py", ["--runs", "1", "--vs", str(BENCH.parent)],
         ["import + load(): ", "load, a license, one lookup of each kind: "]),
        ("measure.py", [str(BENCH / "recall_corpus")], ["."]),
        ("bench_scan.py", ["--files", "30", "--repeat", "1"],
         ["python files: 30", "full scan:", "pre-commit case (5 files):"]),
        ("recall.py", ["--only", "broken", "--only", "trl"],
         ["broken             recall 1.000 (4/4)  precision 1.000 (4/4)",
          "trl                skipped: no --checkout trl=PATH", "all                  4      4"]),
        ("fuzz.py", ["--examples", "2", "--", "-k", "any_text and python"], ["passed"]),
        ("hostile.py", ["--only", "1,000 nested ["],
         ["| 1,000 nested [ | 0.00 MB |", "| 1 | kept | found | not parsed: too many nested"]),
    ],
)  # fmt: skip
def test_benchmark_script_runs(script: str, args: list[str], expected: list[str]) -> None:
    result = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True,
                            text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for text in expected:
        assert text in result.stdout


BODY_SLICE_MODULE = """\
from transformers import AutoModel
import torch


def load(path):
    import os
    size = 3
    name = "org/model"
    model = AutoModel.from_pretrained(name)
    return model


def train(model):
    opt = torch.optim.AdamW(model.parameters())
    extra = 2 + 2
    opt.step(extra)


class Runner:
    size = 3

    def idle(self):
        return 1

    def run(self, flag):
        if flag:
            AutoModel.from_pretrained("org/other")
        else:
            print(flag)
"""


def test_body_slice_share_counts_each_part(tmp_path: Path) -> None:
    """Each figure of ``body_slice_share.py`` on one module, counted by hand (code characters:
    spaces and newlines not counted): the pruner keeps ``import os`` (a kept body's imports),
    the reference slice drops it (nothing reads ``os``) and keeps ``return model``, which the
    pruner blanks; ``size = 3`` is blanked by both; the receiver-only variant drops
    ``extra = 2 + 2``, read only by the arguments of ``opt.step``; ``idle``'s body is blanked
    (its header cut), and the ``else`` block of a kept ``if`` becomes ``pass``."""
    (tmp_path / "m.py").write_text(BODY_SLICE_MODULE)
    result = subprocess.run([sys.executable, str(BENCH / "body_slice_share.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = {
        line[:44].strip(): int(line[44:56].replace(",", ""))
        for line in result.stdout.splitlines()[1:]
    }
    assert result.stdout.splitlines()[0].endswith(
        "1 files, 333 code characters; the scanning parses are given 302"
    )
    assert figures == {
        "outside bodies: module": 42,  # fromtransformersimportAutoModel importtorch
        "outside bodies: class": 6,  # size=3
        "outside bodies: class line": 12,  # classRunner:
        "outside bodies: def line": 58,  # defload(path): deftrain(model): defidle(): defrun(...
        "outside bodies: blanked body": 4,  # pass (idle's body)
        "in bodies: both keep": 168,
        "both keep: seeds": 106,  # the literal, the two loader calls, the .step call
        "both keep: headers": 12,  # ifflag: else:
        "in bodies: pass of a blanked block": 4,  # pass (the else block)
        "in bodies: reference drops": 8,  # importos
        "in bodies: reference with ast names drops": 8,
        "reference keeps, pruner blanks": 11,  # returnmodel
        "receiver-only variant": 293,  # 302 less extra=2+2
    }
