"""Training, merging, distillation, distribution and export places, linked to the loader whose
value they use, and the differential privacy of each training place (table tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.context import RepoContext
from scanner.find.extractors import python
from scanner.find.extractors.python.usage_table import USAGE_TRIGGERS, may_use_model
from scanner.types import Privacy

HF = "from transformers import AutoModelForCausalLM, Trainer, TrainingArguments\n"
LOAD = 'model = AutoModelForCausalLM.from_pretrained("gpt2")\n'

USES = [
    pytest.param(
        HF
        + LOAD
        + "trainer = Trainer(model=model, args=TrainingArguments('out'))\ntrainer.train()\n",
        [("fine-tuning", 4, 1, "transformers.Trainer(...).train", ("gpt2",))],
        id="trainer-train",
    ),
    pytest.param(
        HF + LOAD + "Trainer(model, TrainingArguments('out')).train()\n",
        [("fine-tuning", 3, 1, "transformers.Trainer(...).train", ("gpt2",))],
        id="chained-trainer",
    ),
    pytest.param(
        HF + LOAD + "trainer = Trainer(model=model)\ntrainer.evaluate()\n",
        [],
        id="trainer-only-evaluates",
    ),
    pytest.param(
        HF
        + "from peft import get_peft_model, LoraConfig\n"
        + LOAD
        + "model = get_peft_model(model, LoraConfig())\nmodel = model.merge_and_unload()\n",
        [
            ("fine-tuning", 4, 9, "peft.get_peft_model", ("gpt2",)),
            ("merging", 5, 9, "model.merge_and_unload", ("gpt2",)),
        ],
        id="peft-then-merge",
    ),
    pytest.param(
        HF
        + "import torch\n"
        + LOAD
        + "model = model.to('cuda')\nopt = torch.optim.AdamW(model.parameters(), lr=1e-4)\n"
        "for batch in data:\n    model(**batch).loss.backward()\n    opt.step()\n",
        [("fine-tuning", 8, 5, "opt.step", ("gpt2",))],
        id="optimizer-loop",
    ),
    pytest.param(
        HF
        + "import torch\n"
        + LOAD
        + "sched = torch.optim.lr_scheduler.LambdaLR(opt, f)\nsched.step()\nmodel.train()\n",
        [],
        id="scheduler-and-train-mode-are-not-training",
    ),
    pytest.param(
        HF
        + "from trl import GKDTrainer\n"
        + LOAD
        + 'teacher = AutoModelForCausalLM.from_pretrained("gpt2-large")\n'
        "t = GKDTrainer(model=model, teacher_model=teacher)\nt.train()\n",
        [
            ("fine-tuning", 6, 1, "trl.GKDTrainer(...).train", ("gpt2",)),
            ("distillation", 6, 1, "trl.GKDTrainer(...).train", ("gpt2-large",)),
        ],
        id="distillation",
    ),
    pytest.param(
        HF + LOAD + 'model.push_to_hub("me/tuned")\n',
        [("distribution", 3, 1, "model.push_to_hub", ("gpt2",))],
        id="push-to-hub",
    ),
    pytest.param(
        HF
        + "from huggingface_hub import HfApi, create_repo\n"
        + LOAD
        + 'model.save_pretrained("export")\ncreate_repo("me/tuned")\n'
        'HfApi().upload_folder(folder_path="export", repo_id="me/tuned")\n',
        [
            ("distribution", 5, 1, "huggingface_hub.create_repo", ()),
            ("distribution", 6, 1, "huggingface_hub.HfApi.upload_folder", ("gpt2",)),
        ],
        id="save-then-upload",
    ),
    pytest.param(
        HF + "import torch\n" + LOAD + 'torch.onnx.export(model, args, "model.onnx")\n',
        [("export", 4, 1, "torch.onnx.export", ("gpt2",))],
        id="onnx-export",
    ),
    pytest.param(
        "from sentence_transformers import SentenceTransformer\n"
        'st = SentenceTransformer("all-MiniLM-L6-v2")\nst.fit(train_objectives=[(loader, loss)])\n',
        [("fine-tuning", 3, 1, "st.fit", ("sentence-transformers/all-MiniLM-L6-v2",))],
        id="sentence-transformers-fit",
    ),
    pytest.param(
        "import torch\nfrom accelerate import Accelerator\n"
        "from diffusers import UNet2DConditionModel\n"
        'unet = UNet2DConditionModel.from_pretrained("stabilityai/stable-diffusion-2-1")\n'
        "optimizer_cls = torch.optim.AdamW\nparams = unet.parameters()\n"
        "optimizer = optimizer_cls(params, lr=1e-4)\n"
        "unet, optimizer = Accelerator().prepare(unet, optimizer)\noptimizer.step()\n",
        [("fine-tuning", 9, 1, "optimizer.step", ("stabilityai/stable-diffusion-2-1",))],
        id="diffusers-loop-through-names",
    ),
    pytest.param(
        "import torch\nfrom diffusers import UNet2DConditionModel\n"
        "unet = UNet2DConditionModel.from_pretrained(args.model)\n"
        "opt = torch.optim.AdamW(unet.parameters())\nopt.step()\n",
        [("fine-tuning", 5, 1, "opt.step", ())],
        id="optimizer-of-an-unresolved-model",
    ),
    pytest.param(
        HF + "def train(m):\n    Trainer(model=m).train()\n",
        [("fine-tuning", 3, 5, "transformers.Trainer(...).train", ())],
        id="unlinked-parameter",
    ),
]


def _extract(tmp_path: Path, source: str, name: str = "train.py") -> python.Extraction:
    (tmp_path / name).write_text(source, encoding="utf-8")
    return python.extract(name, source, RepoContext(tmp_path))


@pytest.mark.parametrize(("source", "expected"), USES)
def test_places_and_the_models_they_use(
    tmp_path: Path, source: str, expected: list[tuple[object, ...]]
) -> None:
    found = _extract(tmp_path, source)
    shown = [(u.kind.value, u.line, u.column, u.call, u.models) for u in found.uses]
    assert shown == expected


def test_each_reference_carries_the_places_that_use_it(tmp_path: Path) -> None:
    source = (
        HF
        + "from peft import get_peft_model\n"
        + LOAD
        + 'tok = AutoModelForCausalLM.from_pretrained("gpt2-medium")\n'
        "model = get_peft_model(model, cfg)\nmodel.push_to_hub('me/x')\n"
    )
    refs = {
        r.raw: [(u.kind.value, u.line) for u in r.uses] for r in _extract(tmp_path, source).refs
    }
    assert refs == {"gpt2": [("fine-tuning", 5), ("distribution", 6)], "gpt2-medium": []}


OPACUS = "from opacus import PrivacyEngine\nfrom torch.utils.data import DataLoader\n"

PRIVACY = [
    pytest.param(
        HF
        + OPACUS
        + LOAD
        + "engine = PrivacyEngine()\nmodel, opt, dl = engine.make_private_with_epsilon(\n"
        "    module=model, optimizer=opt, data_loader=dl, target_epsilon=8.0,\n"
        "    target_delta=1e-5, epochs=3, max_grad_norm=1.0)\n",
        Privacy(True, "opacus PrivacyEngine", epsilon=8.0, delta=1e-5, max_grad_norm=1.0),
        id="opacus-stated-epsilon",
    ),
    pytest.param(
        HF + OPACUS + LOAD + "BATCH = 64\nloader = DataLoader(train_set, batch_size=BATCH)\n"
        "model, opt, loader = PrivacyEngine().make_private(module=model, optimizer=opt,\n"
        "    data_loader=loader, noise_multiplier=1.1, max_grad_norm=1.0)\n",
        Privacy(
            True,
            "opacus PrivacyEngine",
            noise_multiplier=1.1,
            max_grad_norm=1.0,
            missing=("sample_rate", "steps or epochs"),
        ),
        id="opacus-noise-only",
    ),
    pytest.param(
        HF
        + OPACUS
        + LOAD
        + "N, BATCH = 60000, 256\nengine = PrivacyEngine(model, batch_size=BATCH, sample_size=N,\n"
        "    noise_multiplier=1.1, max_grad_norm=1.0, epochs=15)\n",
        Privacy(
            True,
            "opacus PrivacyEngine (0.x)",
            noise_multiplier=1.1,
            max_grad_norm=1.0,
            sample_rate=256 / 60000,
            steps=3516,
        ),
        id="opacus-legacy-all-parameters",
    ),
    pytest.param(
        "import tensorflow as tf\nfrom transformers import TFAutoModel\n"
        "from tensorflow_privacy import DPKerasSGDOptimizer\n"
        'model = TFAutoModel.from_pretrained("bert-base-uncased")\n'
        "opt = DPKerasSGDOptimizer(l2_norm_clip=1.0, noise_multiplier=1.3, num_microbatches=1)\n"
        "model.compile(optimizer=opt)\nmodel.fit(x, y, epochs=2, batch_size=32)\n",
        Privacy(
            True,
            "tensorflow-privacy DP optimizer",
            noise_multiplier=1.3,
            max_grad_norm=1.0,
            missing=("sample_rate", "steps or epochs"),
        ),
        id="tensorflow-privacy",
    ),
    pytest.param(
        HF
        + "import torch\n"
        + LOAD
        + "opt = torch.optim.SGD(model.parameters(), lr=0.1)\nC, SIGMA = 1.0, 0.8\n"
        "def step(grads):\n"
        "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=C)\n"
        "    noise = torch.normal(0.0, SIGMA * C, size=grads.shape)\n"
        "    opt.step()\n",
        Privacy(
            True,
            "hand-written DP-SGD step (clipping + Gaussian noise)",
            noise_multiplier=0.8,
            missing=("sample_rate", "steps or epochs"),
        ),
        id="hand-written-dp-sgd",
    ),
    pytest.param(
        HF + "import torch\n" + LOAD + "opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "def step(grads):\n"
        "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)\n"
        "    noise = torch.normal(0.0, 0.01, size=grads.shape)\n"
        "    opt.step()\n",
        Privacy(False),
        id="noise-not-scaled-by-the-clip-bound-is-not-dp",
    ),
    pytest.param(
        HF + LOAD + "Trainer(model=model).train()\n",
        Privacy(False),
        id="plain-trainer",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PRIVACY)
def test_privacy_of_the_training_place(tmp_path: Path, source: str, expected: Privacy) -> None:
    training = [u for u in _extract(tmp_path, source).uses if u.kind.value == "fine-tuning"]
    assert [u.privacy for u in training] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trainer.train()\nx = SFTTrainer(model)\n", True),
        ("PrivacyEngine().make_private(module=m)\n", True),
        ("model.to('cuda')\nopt.step()\n", False),  # generic names alone never trigger a parse
        ("# push_to_hub is mentioned only in a comment\n", False),
    ],
)
def test_prefilter_triggers(text: str, expected: bool) -> None:
    assert may_use_model(text) is expected


def test_trigger_names_exclude_generic_methods() -> None:
    assert {"to", "step", "fit", "cuda"} & set(USAGE_TRIGGERS) == set()
    assert {"push_to_hub", "make_private", "get_peft_model", "Trainer"} <= set(USAGE_TRIGGERS)
