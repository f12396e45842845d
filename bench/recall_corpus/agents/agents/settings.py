import os
from enum import Enum

from openai import OpenAI


class Tier(str, Enum):
    FAST = "gpt-4o-mini"
    SMART = "gpt-4o"


def complete(prompt, tier: Tier):
    client = OpenAI()
    match tier:
        case Tier.FAST:
            model = "gpt-4o-mini"
        case _:
            model = "o1-mini"
    return client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": prompt}]
    )


def summary(prompt):
    client = OpenAI()
    model = os.getenv("SUMMARY_MODEL", "gpt-3.5-turbo")
    return client.chat.completions.create(model=model, messages=[])
