"""Output training (MDL009): whether models may be trained on the model's outputs.

A license may forbid it, or permit it while the trained model stays a derivative under its
terms (a duty, listed with the obligations).
"""

from __future__ import annotations

from collections.abc import Iterator

from license_db.schema import LicenseTerms, Match, OutputTraining
from scanner.decide.policy import Policy
from scanner.decide.terms.reasons import (
    clause_text,
    is_missing,
    named,
    not_stated,
    remedy,
    term_reason,
    unverified,
)
from scanner.types import Reason, Verdict


def check_output_training(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    """MDL009: training on the model's outputs against ``usage.outputs_train_models``."""
    trains, key = policy.usage.outputs_train_models, "usage.outputs_train_models"
    effect = training_effect(terms)
    detail = f": {clause_text(terms.output_training)}" if terms.output_training else ""
    term = f"output_training_effect = {effect.value if effect else 'not verified'}"
    if effect == OutputTraining.FORBIDDEN and trains:
        msg = f"{named(terms)} restricts training models on its outputs{detail}"
        fix = remedy(policy, "do not train other models on its outputs, choose another model", key)
        yield term_reason("MDL009", Verdict.FAIL, msg, terms, term, policy, key, fix)
    elif effect == OutputTraining.FORBIDDEN and trains is None:
        yield not_stated(
            terms, term, policy, key, f"{named(terms)} restricts training on its outputs"
        )
    elif effect == OutputTraining.DERIVATIVE and trains:
        msg = (
            f"{named(terms)} permits training models on its outputs, but a model so trained is "
            f"a derivative that stays under its terms (see obligations){detail}"
        )
        yield term_reason("MDL009", Verdict.PASS, msg, terms, term, policy, key, None)
    elif effect is None and trains and is_missing(terms, "output_training"):
        yield from unverified(
            terms,
            term,
            policy,
            key,
            f"whether {named(terms)} restricts training on outputs is not verified",
        )


def training_effect(terms: LicenseTerms) -> OutputTraining | None:
    """What training on outputs means; records without the effect fall back on the flag."""
    if terms.output_training_effect is not None:
        return terms.output_training_effect
    match terms.output_training_restricted:
        case True:
            return OutputTraining.FORBIDDEN
        case False:
            return OutputTraining.NONE
    return None
