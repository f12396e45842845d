"""The policy facts a license term may ask for, as ready-to-paste TOML.

``FACTS`` maps each ``usage`` key to the question it answers and an example value; reports show
``fact_snippet(key)`` once per missing fact instead of repeating it under every finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

FACTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "usage.commercial": ("is the project used commercially?", "true"),
        "usage.monthly_active_users": (
            "monthly active users of the products using the models",
            "0",
        ),
        "usage.annual_revenue_usd": ("annual revenue in USD, affiliates included", "0"),
        "usage.distributes_models": ("do you give model weights to others?", "false"),
        "usage.modifies_models": ("do you modify or fine-tune models?", "false"),
        "usage.hosted_service": ("do you offer the models as a hosted service?", "false"),
        "usage.region": ('where the organisation is established ("US", "DE", "EU")', '"US"'),
        "usage.intended_uses": (
            "the restricted kinds of use the project has (empty: none of them)",
            "[]",
        ),
        "usage.outputs_train_models": ("do model outputs train other models?", "false"),
    }
)
"""Policy key -> (the question it answers, an example value to review)."""


def fact_question(key: str) -> str:
    """What the key states, in a few words (the key itself for one not in ``FACTS``)."""
    return FACTS[key][0] if key in FACTS else key


def fact_snippet(key: str) -> str:
    """``[usage]\\nmonthly_active_users = 0  # ...``: the TOML that states ``key``."""
    table, _, name = key.rpartition(".")
    question, value = FACTS.get(key, ("state the fact", '"..."'))
    line = f"{name} = {value}  # {question}"
    return f"[{table}]\n{line}" if table else line
