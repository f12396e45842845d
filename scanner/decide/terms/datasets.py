"""Datasets under the policy (MDL032-MDL034): the ``[datasets]`` allow/deny lists of dataset ids
and ``on.unknown_dataset``. A dataset whose license is known is then checked term by term like a
model (a non-commercial dataset in a commercial repository fails MDL003; share-alike and
attribution come out as obligations)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase

from scanner.decide.policy import Policy
from scanner.decide.terms.reasons import policy_file
from scanner.types import Reason, Unknown, Verdict


def check_dataset_lists(names: Sequence[str], policy: Policy) -> Iterator[Reason]:
    """Deny-list, then allow-list (when it is not empty) for a dataset's ids."""
    lists = policy.datasets
    for index, entry in enumerate(lists.deny):
        if _named(names, entry):
            yield Reason(
                "MDL032",
                Verdict.FAIL,
                f"dataset {names[0]} is on the dataset deny-list ('{entry}')",
                policy=policy.line(f"datasets.deny[{index}]"),
                fix="train on another dataset, or remove it from [datasets] deny",
            )
    if lists.allow and not any(_named(names, entry) for entry in lists.allow):
        yield Reason(
            "MDL033",
            Verdict.FAIL,
            f"dataset {names[0]} is not on the dataset allow-list",
            policy=policy.line("datasets.allow"),
            fix=f"add it to [datasets] allow in {policy_file(policy)} once its terms are cleared",
        )


def unknown_dataset(resolved: Unknown, policy: Policy) -> Reason:
    """MDL034: a dataset whose license the database does not know (never permissive)."""
    return Reason(
        code="MDL034",
        verdict=policy.on.unknown_dataset,
        message=f"license of dataset {resolved.model} is unknown: {resolved.reason}",
        policy=policy.line("on.unknown_dataset"),
        fix=(
            "check the dataset card's license and add an exception, list the dataset in "
            f"[datasets] allow in {policy_file(policy)}, or set on.unknown_dataset"
        ),
    )


def _named(names: Sequence[str], pattern: str) -> bool:
    return any(fnmatchcase(name.lower(), pattern.lower()) for name in names)
