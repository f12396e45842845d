"""The one table of calls that train, merge, distil, ship or export a model, or make training
differentially private; and the keywords that state DP-SGD's parameters.

A row names the libraries that provide the callable (module globs, as in ``CALL_PATTERNS``),
the callables as dotted suffixes (``*.`` a method on any receiver), where the model sits
(``RECEIVER``: the object the method is called on; an ``ArgSpec``; ``None``: no model), the
``UseKind`` it is evidence of and its ``Role``. Every callable name here is also a trigger word
of the Python prefilter (``USAGE_TRIGGERS``): a file that only trains is still read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from scanner.find.extractors.python.patterns import ArgSpec
from scanner.find.lexemes import any_word
from scanner.types import UseKind


class Role(str, Enum):
    """How a row's call takes part in training or shipping."""

    TRAINER = "trainer"  # builds a trainer: the model trains where ``.train()`` is called on it
    PLACE = "place"  # the call itself is the place (get_peft_model, make_private, push_to_hub)
    LINK = "link"  # returns the model it is given, changed or moved (accelerate.prepare, .to)
    STEP = "step"  # optimizer.step(): trains the modules whose .parameters() the optimizer holds
    DP = "dp"  # makes training in the same function differentially private (a DP optimizer)
    SAVE = "save"  # writes the model to a folder: an upload of that folder ships it


RECEIVER = ArgSpec(None, ("<receiver>",))
"""The model is the object the method is called on (``model.push_to_hub(...)``)."""


@dataclass(frozen=True, slots=True)
class UsageCall:
    """One callable that is evidence of what the code does with a model."""

    id: str
    libraries: tuple[str, ...]  # module globs providing the callable; () = any receiver
    callables: tuple[str, ...]
    role: Role
    use: UseKind | None = None
    model: ArgSpec | None = RECEIVER
    dp: str | None = None  # the DP mechanism the call applies, named in reports
    teacher: ArgSpec | None = None  # a model that teaches (distillation)
    folder: ArgSpec | None = None  # the folder an upload ships (linked to what was saved there)
    links: bool = False  # PLACE rows: the call also returns the model it is given


def _arg(position: int | None, *keywords: str) -> ArgSpec:
    return ArgSpec(position, keywords)


_FT = UseKind.FINE_TUNING
_MODEL = _arg(0, "model")
_TEACHER = _arg(None, "teacher_model", "teacher")
_HF = ("transformers", "peft", "trl", "accelerate", "diffusers", "sentence_transformers", "setfit",
       "unsloth", "huggingface_hub", "optimum", "timm")  # fmt: skip
_TRL_TRAINERS = (
    "SFTTrainer", "DPOTrainer", "ORPOTrainer", "KTOTrainer", "CPOTrainer", "PPOTrainer",
    "GRPOTrainer", "RewardTrainer", "RLOOTrainer", "OnlineDPOTrainer", "GKDTrainer", "BCOTrainer",
    "XPOTrainer", "NashMDTrainer", "PRMTrainer", "IterativeSFTTrainer",
)  # fmt: skip
_TF_PRIVACY_OPTIMIZERS = (
    "DPKerasSGDOptimizer", "DPKerasAdamOptimizer", "DPKerasAdagradOptimizer",
    "VectorizedDPKerasSGDOptimizer", "VectorizedDPKerasAdamOptimizer",
    "VectorizedDPKerasAdagradOptimizer", "DPGradientDescentGaussianOptimizer",
    "DPAdamGaussianOptimizer", "DPAdagradGaussianOptimizer", "DPSequential",
    "make_keras_optimizer_class", "make_gaussian_optimizer_class",
)  # fmt: skip

USAGE_CALLS: tuple[UsageCall, ...] = (
    # trainers: the model trains where .train() is called on the trainer
    UsageCall("use.hf_trainer", ("transformers",), ("Trainer", "Seq2SeqTrainer"), Role.TRAINER,
              _FT, _MODEL, teacher=_TEACHER),
    UsageCall("use.trl_trainer", ("trl",), _TRL_TRAINERS, Role.TRAINER, _FT, _MODEL,
              teacher=_TEACHER),
    UsageCall("use.st_trainer", ("sentence_transformers",),
              ("SentenceTransformerTrainer", "CrossEncoderTrainer", "SparseEncoderTrainer"),
              Role.TRAINER, _FT, _MODEL),
    UsageCall("use.setfit_trainer", ("setfit",), ("Trainer", "SetFitTrainer"), Role.TRAINER, _FT,
              _MODEL),
    UsageCall("use.dp_transformers", ("dp_transformers",), ("OpacusDPTrainer",), Role.TRAINER,
              _FT, _MODEL, dp="dp-transformers OpacusDPTrainer"),
    # training and adaptation at the call itself
    UsageCall("use.peft", ("peft", "unsloth"), ("get_peft_model", "*.get_peft_model"), Role.PLACE,
              _FT, _MODEL, links=True),
    UsageCall("use.fit", ("sentence_transformers", "tensorflow", "keras", "tf_keras"), ("*.fit",),
              Role.PLACE, _FT),
    UsageCall("use.opacus", ("opacus",), ("*.make_private", "*.make_private_with_epsilon"),
              Role.PLACE, _FT, _arg(None, "module"), dp="opacus PrivacyEngine"),
    UsageCall("use.opacus_legacy", ("opacus",), ("PrivacyEngine",), Role.PLACE, _FT,
              _arg(0, "module"), dp="opacus PrivacyEngine (0.x)"),
    UsageCall("use.tf_privacy", ("tensorflow_privacy",), _TF_PRIVACY_OPTIMIZERS, Role.DP,
              model=None, dp="tensorflow-privacy DP optimizer"),
    # jax_privacy.dp_sgd: the GradientComputer clips and noises per-example gradients
    # (google-deepmind/jax_privacy@95870e4, jax_privacy/dp_sgd/gradients.py)
    UsageCall("use.jax_privacy", ("jax_privacy",), ("GradientComputer",), Role.DP, model=None,
              dp="jax-privacy GradientComputer"),
    UsageCall("use.step", (), ("*.step",), Role.STEP, _FT),
    # merging, distribution, export
    UsageCall("use.merge", ("peft", "transformers", "unsloth"),
              ("*.merge_and_unload", "*.merge_adapter", "*.add_weighted_adapter"), Role.PLACE,
              UseKind.MERGING, links=True),
    UsageCall("use.push_to_hub", _HF,
              ("*.push_to_hub", "*.push_to_hub_merged", "*.push_to_hub_gguf"), Role.PLACE,
              UseKind.DISTRIBUTION),
    UsageCall("use.hf_upload", ("huggingface_hub",),
              ("upload_folder", "upload_large_folder", "upload_file", "*.upload_folder",
               "*.upload_large_folder", "*.upload_file"),
              Role.PLACE, UseKind.DISTRIBUTION, None,
              folder=_arg(None, "folder_path", "path_or_fileobj")),
    UsageCall("use.create_repo", ("huggingface_hub",), ("create_repo", "*.create_repo"),
              Role.PLACE, UseKind.DISTRIBUTION, None),
    UsageCall("use.onnx", ("torch", "tf2onnx"), ("onnx.export", "onnx.dynamo_export",
              "convert.from_keras"), Role.PLACE, UseKind.EXPORT, _arg(0, "model")),
    UsageCall("use.gguf", ("unsloth", "transformers", "peft"), ("*.save_pretrained_gguf",),
              Role.PLACE, UseKind.EXPORT),
    UsageCall("use.ultralytics_export", ("ultralytics",), ("*.export",), Role.PLACE,
              UseKind.EXPORT),
    # links: the value returned is the model given
    UsageCall("use.link", ("accelerate",), ("*.prepare", "*.prepare_model"), Role.LINK,
              model=_arg(0, "model")),
    UsageCall("use.link_kbit", ("peft",), ("prepare_model_for_kbit_training",), Role.LINK,
              model=_arg(0, "model")),
    UsageCall("use.link_torch", ("torch",),
              ("compile", "nn.DataParallel", "nn.parallel.DistributedDataParallel"), Role.LINK,
              model=_arg(0, "model", "module")),
    UsageCall("use.link_method", (), ("*.to", "*.cuda", "*.half", "*.float", "*.bfloat16",
              "*.requires_grad_"), Role.LINK),
    UsageCall("use.save", (), ("*.save_pretrained", "*.save_model"), Role.SAVE,
              folder=_arg(0, "save_directory", "output_dir")),
)  # fmt: skip
"""Every callable that is evidence of training, merging, distillation, distribution or export."""

OPTIMIZER_LIBRARIES = ("torch.optim", "bitsandbytes", "transformers", "apex", "deepspeed", "timm")
"""Libraries whose optimizers a ``.step()`` may belong to (with ``.parameters()`` given)."""

CLIP_CALLS = ("nn.utils.clip_grad_norm_", "nn.utils.clip_grad_value_", "clip_grad_norm_")
NOISE_CALLS = ("normal", "random.normal", "randn_like", "normal_")
"""A hand-written DP-SGD step: per-sample clipping, then Gaussian noise whose scale names the
clip bound (``torch.normal(0, sigma * max_norm, ...)``)."""


class Param(str, Enum):
    """A DP-SGD parameter an accountant needs, or a stated guarantee."""

    EPSILON = "epsilon"
    DELTA = "delta"
    NOISE = "noise_multiplier"
    CLIP = "max_grad_norm"
    SAMPLE_RATE = "sample_rate"
    BATCH = "batch_size"
    DATASET = "dataset_size"
    EPOCHS = "epochs"
    STEPS = "steps"


DP_KEYWORDS: dict[str, Param] = {
    "target_epsilon": Param.EPSILON,
    "epsilon": Param.EPSILON,
    "target_delta": Param.DELTA,
    "delta": Param.DELTA,
    "noise_multiplier": Param.NOISE,
    "max_grad_norm": Param.CLIP,
    "l2_norm_clip": Param.CLIP,
    "per_sample_max_grad_norm": Param.CLIP,
    "clipping_norm": Param.CLIP,
    "sample_rate": Param.SAMPLE_RATE,
    "batch_size": Param.BATCH,
    "per_device_train_batch_size": Param.BATCH,
    "sample_size": Param.DATASET,  # opacus 0.x PrivacyEngine(batch_size=, sample_size=)
    "number_of_examples": Param.DATASET,
    "num_examples": Param.DATASET,
    "dataset_size": Param.DATASET,
    "epochs": Param.EPOCHS,
    "num_epochs": Param.EPOCHS,
    "num_train_epochs": Param.EPOCHS,
    "max_steps": Param.STEPS,
    "steps": Param.STEPS,
}
"""Keyword -> the DP parameter it states, read on the DP call and on the calls its arguments
were built by (``data_loader=DataLoader(ds, batch_size=64)``, ``args=TrainingArguments(...)``)."""


def _trigger_words() -> tuple[str, ...]:
    names = {
        spec.rsplit(".", 1)[-1]
        for row in USAGE_CALLS
        if row.role in (Role.TRAINER, Role.PLACE, Role.DP)
        for spec in row.callables
    }
    return tuple(sorted(names - {"step", "fit", "export"}))


USAGE_TRIGGERS = _trigger_words()
"""The callable names whose call makes a file worth parsing for training evidence alone: the
places' and DP rows' names; the generic ``.step``, ``.fit``, ``.export`` and the LINK and SAVE
rows (``.to``, ``save_pretrained``) are left out: they matter only beside these or a loader."""

_TRIGGER_RE = re.compile(any_word(USAGE_TRIGGERS) + r"\s*\(")


def may_use_model(text: str) -> bool:
    """Cheap prefilter: True when the text calls one of the usage table's callables."""
    return _TRIGGER_RE.search(text) is not None
