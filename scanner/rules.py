"""Stable rule and obligation codes. Codes are never reused or renumbered.

A code names the problem, not the fix (ruff's convention). Policies, suppression comments,
baselines and SARIF rules all refer to these codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One rule: its stable code, kebab-case name and a one-line description."""

    code: str
    name: str
    summary: str


_RULES = (
    RuleInfo("MDL001", "unknown-model-license", "the database does not know this model's license"),
    RuleInfo("MDL002", "unresolved-model-reference", "the model argument is not known statically"),
    RuleInfo(
        "MDL003",
        "commercial-use-not-permitted",
        "the license forbids the repository's commercial use",
    ),
    RuleInfo("MDL004", "user-limit-exceeded", "monthly active users exceed the license's limit"),
    RuleInfo("MDL005", "revenue-limit-exceeded", "annual revenue exceeds the license's limit"),
    RuleInfo("MDL006", "distribution-not-permitted", "the license forbids distributing the model"),
    RuleInfo("MDL007", "modification-not-permitted", "the license forbids modifying the model"),
    RuleInfo("MDL008", "restricted-intended-use", "an intended use is a use the license restricts"),
    RuleInfo(
        "MDL009", "output-training-restricted", "the license restricts training models on outputs"
    ),
    RuleInfo("MDL010", "geographic-restriction", "the license withholds the grant in the region"),
    RuleInfo("MDL011", "license-denied", "the license is on the policy's deny-list"),
    RuleInfo("MDL012", "license-not-allowed", "the license is not on the policy's allow-list"),
    RuleInfo(
        "MDL013", "inferred-license", "the license is inferred from a base model, not declared"
    ),
    RuleInfo("MDL014", "proprietary-api", "a hosted proprietary API: data leaves the organisation"),
    RuleInfo(
        "MDL015", "hosted-service-not-permitted", "the license forbids offering it as a service"
    ),
    RuleInfo("MDL016", "unverified-license-term", "a term the policy needs is not verified"),
    RuleInfo("MDL017", "exception-expiring", "an exception covering this finding expires soon"),
    RuleInfo(
        "MDL018", "exception-not-applicable", "an exception no longer applies (license or expiry)"
    ),
    RuleInfo("MDL019", "file-not-scanned", "a file could not be read or parsed"),
    RuleInfo(
        "MDL020", "low-confidence-reference", "found by the fallback tokenizer in a broken file"
    ),
    RuleInfo(
        "MDL021", "dataset-license", "a dataset reference, evaluated only when the policy asks"
    ),
    RuleInfo(
        "MDL022", "share-alike-license", "the license requires derivatives to keep the same license"
    ),
    RuleInfo(
        "MDL023", "copyleft-network-use", "network-copyleft (AGPL) terms reach a hosted service"
    ),
    RuleInfo("MDL024", "license-choice", "a choice of licenses (OR): the best fit decides"),
    RuleInfo(
        "MDL025", "undeclared-model-modification", "code modifies a model: modifies_models = false"
    ),
    RuleInfo(
        "MDL026",
        "undeclared-model-distribution",
        "code ships a model: distributes_models = false",
    ),
    RuleInfo("MDL027", "usage-from-code", "a usage fact the policy leaves out is read from code"),
    RuleInfo(
        "MDL028", "training-without-dp", "training without differential privacy where required"
    ),
    RuleInfo(
        "MDL029", "dp-epsilon-over-limit", "the training's epsilon exceeds privacy.max_epsilon"
    ),
    RuleInfo("MDL030", "dp-delta-over-limit", "the training's delta exceeds privacy.max_delta"),
    RuleInfo(
        "MDL031", "dp-epsilon-unresolved", "the training's epsilon cannot be known statically"
    ),
    RuleInfo("MDL032", "dataset-denied", "the dataset is on the policy's dataset deny-list"),
    RuleInfo("MDL033", "dataset-not-allowed", "the dataset is not on the dataset allow-list"),
    RuleInfo(
        "MDL034", "unknown-dataset-license", "the database does not know the dataset's license"
    ),
    RuleInfo(
        "MDL035", "license-changed", "the license differs from the one a baseline entry recorded"
    ),
)

_OBLIGATIONS = (
    RuleInfo("OBL001", "attribution", "credit the model as the license requires"),
    RuleInfo("OBL002", "license-copy", "ship a copy of the license with the model"),
    RuleInfo("OBL003", "notice-file", "ship a NOTICE file naming the license and copyright"),
    RuleInfo("OBL004", "derivative-naming", "name derivatives as the license requires"),
    RuleInfo(
        "OBL005",
        "use-restrictions-flow-down",
        "pass the use restrictions on to every downstream user",
    ),
    RuleInfo("OBL006", "acceptable-use-policy", "comply with the acceptable use policy"),
    RuleInfo("OBL007", "share-alike", "license derivatives under the same terms"),
    RuleInfo("OBL008", "data-leaves-organisation", "inputs are sent to a third-party provider"),
    RuleInfo(
        "OBL009",
        "output-trained-derivative",
        "a model trained on the outputs stays under the license's terms",
    ),
)

RULES: dict[str, RuleInfo] = {r.code: r for r in _RULES}
OBLIGATIONS: dict[str, RuleInfo] = {r.code: r for r in _OBLIGATIONS}
ALL_CODES: dict[str, RuleInfo] = {**RULES, **OBLIGATIONS}


def describe(code: str) -> RuleInfo:
    """The rule or obligation for ``code``; KeyError for an unknown code."""
    return ALL_CODES[code]
