"""The commented starter policy ``model-license-guard init`` writes."""

from __future__ import annotations

from license_db.vocabulary import USE_CATEGORIES


def _categories() -> str:
    width = max(len(name) for name in USE_CATEGORIES)
    return "\n".join(
        f"#   {name:<{width}}  {summary}" for name, summary in sorted(USE_CATEGORIES.items())
    )


STARTER_POLICY = f"""\
# model-license-guard policy: the facts about how this repository uses ML models, and the rules.
# Every model the scan finds is checked against its license's terms using these facts.
# A fact you leave out counts as unknown: license terms that depend on it warn until you state it.
# Review every value below: each is a statement of fact the verdicts rely on.
# Check the file with: model-license-guard validate-policy

# Warn this many days before an exception (see the end of the file) expires.
exceptions_warn_days = 30

[usage]
# Is the project used commercially (a product, a paid service, internal use in a company)?
commercial = true
# Monthly active users of the products and services using the models (some licenses, e.g.
# Llama, end their grant above a threshold such as 700,000,000).
monthly_active_users = 0
# Annual revenue in USD of the organisation and its affiliates (e.g. Stability AI's community
# license ends at USD 1,000,000).
annual_revenue_usd = 0
# Do you give model weights, or models fine-tuned from them, to others (customers, downloads)?
distributes_models = false
# Do you modify or fine-tune models?
modifies_models = false
# Do you offer the models to others as a hosted service or API?
hosted_service = false
# Where the organisation is established: an ISO 3166-1 alpha-2 code ("US", "DE") or "EU".
region = "US"
# What the models are used for, as categories a license may restrict (empty: none of them):
{_categories()}
intended_uses = []
# Do model outputs train other models (distillation, synthetic training data)?
outputs_train_models = false

[paths]
# Files whose model references are not reported: globs from the repository root ("*" also
# crosses "/"; a folder excludes everything under it), e.g. ["third_party/", "benchmarks/*.py"].
exclude = []

[licenses]
# License expressions or database ids. An empty allow-list decides from the license terms alone;
# a non-empty one also fails every license not on it. An entry such as "MIT OR Apache-2.0"
# allows each; "mit AND llama3.1" allows the pair only together.
allow = []
# Licenses that always fail, e.g. ["agpl-3.0", "cc-by-nc-4.0"].
deny = []

[on]
# What a finding of each kind yields on its own: "fail", "warn" or "pass".
unknown = "warn"          # the database does not know the model's license
unresolved = "warn"       # the model name is not known statically (model=args.model)
inferred = "warn"         # the license is inferred from a base model, not declared
proprietary_api = "warn"  # a hosted proprietary API (inputs leave the organisation)
unscanned = "fail"        # a file that could not be read (permission, size, not a regular file)
undeclared_modification = "warn"  # the code fine-tunes or merges while modifies_models = false
undeclared_distribution = "warn"  # the code ships a model while distributes_models = false
unknown_dataset = "warn"  # an evaluated dataset whose license the database does not know

[datasets]
# Also check the licenses of datasets the code loads.
evaluate = false
allow = []  # dataset ids or fnmatch patterns; a non-empty list fails every dataset not on it
deny = []   # dataset ids or fnmatch patterns that always fail, e.g. ["tatsu-lab/*"]

# Privacy of the training the code does (DP-SGD). Training without DP fails where it is required;
# epsilon is the one the code states, or computed with the optional [dp] extra (dp-accounting).
# [privacy]
# training_data = "personal"  # "personal", "public" or "unknown"
# require_dp = true           # default: true when training_data = "personal"
# max_epsilon = 8
# max_delta = 1e-5

# Scopes: where a reference sits decides which rules apply. Defaults: tests/, test_*.py,
# conftest.py... are "test"; docs/ and *.md "docs"; examples/, notebooks/... "example"; scripts/,
# benchmarks/, setup.py... "dev"; everything else "runtime". In tests, unknown licenses and
# unresolved references pass unless you say otherwise here.
# [scopes.extend_paths]
# test = ["qa/"]
# [scopes.test.rules]
# MDL003 = "warn"          # non-commercial models in tests warn instead of failing
# [scopes.test.on]
# unknown = "warn"

# Report only some rules (codes or prefixes, as in ruff), as top-level keys before any [table]:
#   select = ["MDL0"]  /  ignore = ["MDL016"]

# Exceptions: a model (id or fnmatch pattern) approved under the license it has today. The
# exception stops applying when the database's license for the model changes or after `expires`.
# [[exceptions]]
# model = "meta-llama/Llama-2-7b-hf"
# license = "llama2"
# reason = "evaluation only, approved by legal in ticket LEGAL-123"
# approved_by = "jane.doe@example.com"
# expires = 2027-06-30
"""
"""A fully commented ``.model-license-guard.toml`` listing every key and use category."""
