from dataclasses import dataclass, field
from typing import Optional

from transformers import AutoModelForSequenceClassification, HfArgumentParser, TrainingArguments


@dataclass
class ScriptArguments:
    reward_model: str = field(default="OpenAssistant/reward-model-deberta-v3-large-v2")
    policy: Optional[str] = field(default=None, metadata={"help": "policy model"})


def run():
    parser = HfArgumentParser((ScriptArguments, TrainingArguments))
    script_args, training_args = parser.parse_args_into_dataclasses()
    scorer = AutoModelForSequenceClassification.from_pretrained(script_args.reward_model)
    return scorer, training_args
