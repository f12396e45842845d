from datasets import load_dataset
from trl import SFTConfig, SFTTrainer, DPOTrainer, GRPOTrainer

dataset = load_dataset("trl-lib/Capybara", split="train")


def sft():
    trainer = SFTTrainer(
        model="Qwen/Qwen2.5-0.5B", train_dataset=dataset, args=SFTConfig(output_dir="out")
    )
    trainer.train()


def dpo(ref):
    trainer = DPOTrainer(
        model="HuggingFaceTB/SmolLM2-360M-Instruct",
        ref_model=ref,
        train_dataset=load_dataset("trl-lib/ultrafeedback_binarized", split="train"),
    )
    return trainer


def grpo(reward_fn):
    return GRPOTrainer(
        model="Qwen/Qwen2-0.5B-Instruct", reward_funcs=reward_fn, train_dataset=dataset
    )


def resume():
    return SFTTrainer(model="checkpoints/sft-final", train_dataset=dataset)
