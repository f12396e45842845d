"""The policy's ``[privacy]`` table and the ``[datasets]`` allow/deny lists: their records and
their validation (``policy`` reads them through these functions).

``[privacy]`` says what the repository trains on and what it asks of that training:
``training_data`` ("personal", "public", "unknown"), ``require_dp`` (DP-SGD for every training
place; unset, it is required when the training data is personal), ``max_epsilon`` and
``max_delta`` (the weakest (epsilon, delta) guarantee accepted).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

Problem = Callable[[str, str], None]
"""Records a problem: (dotted key, message)."""


class TrainingData(str, Enum):
    """What the repository's training data is, as the policy states it."""

    PERSONAL = "personal"
    PUBLIC = "public"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PrivacyPolicy:
    """The ``[privacy]`` facts and limits; None where the policy does not say."""

    training_data: TrainingData | None = None
    require_dp: bool | None = None
    max_epsilon: float | None = None
    max_delta: float | None = None

    @property
    def dp_required(self) -> bool:
        """True when every training place must be differentially private."""
        if self.require_dp is not None:
            return self.require_dp
        return self.training_data is TrainingData.PERSONAL

    @property
    def stated(self) -> bool:
        """True when the policy says anything about privacy."""
        return self != PrivacyPolicy()


@dataclass(frozen=True, slots=True)
class DatasetLists:
    """Dataset ids (fnmatch patterns, case-insensitive) allowed and denied by the policy."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()


PRIVACY_KEYS = ("training_data", "require_dp", "max_epsilon", "max_delta")


def read_privacy(table: Mapping[str, object], problem: Problem) -> PrivacyPolicy:
    """The ``[privacy]`` table, every problem recorded."""
    data = table.get("training_data")
    training: TrainingData | None = None
    if data is not None:
        choices = ", ".join(f'"{t.value}"' for t in TrainingData)
        if isinstance(data, str) and data.lower() in {t.value for t in TrainingData}:
            training = TrainingData(data.lower())
        else:
            problem("privacy.training_data", f"privacy.training_data must be one of {choices}")
    require = table.get("require_dp")
    if require is not None and not isinstance(require, bool):
        problem("privacy.require_dp", "privacy.require_dp must be true or false")
        require = None
    return PrivacyPolicy(
        training_data=training,
        require_dp=require if isinstance(require, bool) else None,
        max_epsilon=_positive("privacy.max_epsilon", table.get("max_epsilon"), problem, None),
        max_delta=_positive("privacy.max_delta", table.get("max_delta"), problem, 1.0),
    )


def _positive(key: str, value: object, problem: Problem, below: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problem(key, f"{key} must be a number")
        return None
    if value <= 0 or (below is not None and value >= below):
        bound = f" and below {below:g}" if below is not None else ""
        problem(key, f"{key} must be above 0{bound} ({value})")
        return None
    return float(value)


def read_dataset_lists(table: Mapping[str, object], problem: Problem) -> DatasetLists:
    """``[datasets]`` allow and deny: arrays of dataset ids or fnmatch patterns."""
    lists: dict[str, tuple[str, ...]] = {}
    for name in ("allow", "deny"):
        value = table.get(name, [])
        key = f"datasets.{name}"
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problem(key, f"{key} must be an array of dataset ids or patterns")
            value = []
        lists[name] = tuple(str(v) for v in value)
    both = {v.lower() for v in lists["allow"]} & {v.lower() for v in lists["deny"]}
    for entry in sorted(both):
        problem("datasets.deny", f"'{entry}' is both allowed and denied")
    return DatasetLists(allow=lists["allow"], deny=lists["deny"])
